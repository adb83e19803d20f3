"""An interface's screen, generated from its settings schema: every field with its own Save,
the Test buttons and their reports, the last runs. Features add blocks under it through the
interface's `_extra_<name>.html` template and re-render it after their own actions."""

from __future__ import annotations

from typing import Any

from fastapi import Request
from fastapi.responses import Response

from raccord.core.accounts import Account
from raccord.core.alerts import open_alerts
from raccord.core.i18n import Tr
from raccord.core.jobs import recent_runs
from raccord.core.roles import Role, may_edit
from raccord.core.schema import Field, Kind
from raccord.interfaces.base import TestReport
from raccord.interfaces.hub import InterfaceHub
from raccord.toolkit.pages import hub_of, render
from raccord.toolkit.texts import TEXTS


def field_view(hub: InterfaceHub, account: Account, field: Field, value: Any) -> dict[str, Any]:
    return {"field": field, "value": value, "kind": field.kind.value,
            "editable": not field.managed and may_edit(account.role, hub.env.mode, field)}


def raw_form_value(field: Field, form: Any) -> Any:
    if field.kind is Kind.BOOL:
        return "true" if "true" in form.getlist("value") else "false"
    return str(form.get("value", ""))


def interface_page(request: Request, account: Account, name: str, *, status_code: int = 200,
                   errors: dict[str, Tr] | None = None, typed: dict[str, str] | None = None,
                   reports: list[TestReport] | None = None) -> Response:
    hub = hub_of(request)
    spec = hub.interfaces.get(name)
    if spec is None:
        return render(request, "message.html", 404, message=TEXTS["not_found"])
    values = hub.settings.display_values(name)
    fields = [field_view(hub, account, f, (typed or {}).get(f.key, values[f.key]))
              for f in spec.schema.fields if not f.managed]
    managed = [(f, values[f.key]) for f in spec.schema.fields if f.managed]
    context = spec.screen_context(hub) if spec.screen_context is not None else {}
    return render(request, "interface.html", status_code, spec=spec, fields=fields,
                  errors=errors or {}, saved=request.query_params.get("saved"),
                  reports=reports or [], status=hub.status(name),
                  runs=recent_runs(hub, 5, name),
                  # The failing status has its banner already: the other alerts go under it.
                  alerts=[a for a in open_alerts(hub, name) if a.key != f"status:{name}"],
                  can_edit=account.role is not Role.READER,
                  managed=managed, **context)
