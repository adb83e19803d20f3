"""What every console page is made with: who is signed in, the CSRF check, the language, and
`render`, which fills the console's base template (menu, language, account)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fastapi import Depends, Request
from fastapi.responses import Response
from fastapi.templating import Jinja2Templates
from jinja2 import FileSystemLoader, pass_context
from jinja2.runtime import Context

from raccord.core import formats, words
from raccord.core.accounts import Account
from raccord.core.i18n import Tr, pick_language, read_stored
from raccord.core.jobs import run_error
from raccord.core.roles import ROLE_LABELS, Role, at_least
from raccord.core.settings_store import SET_MARK, UNSET_MARK
from raccord.interfaces.hub import InterfaceHub
from raccord.toolkit.sessions import csrf_matches, csrf_token, session_account
from raccord.toolkit.texts import MODE_LABELS, TEXTS

# The console's own templates come first; each feature adds its folder (add_template_folder).
_FOLDERS: list[str] = [str(Path(__file__).parent.parent / "console" / "templates")]
TEMPLATES = Jinja2Templates(directory=_FOLDERS[0])


def _in_language(function: Any) -> Any:
    """A Jinja filter that writes its value in the page's language."""
    @pass_context
    def written(context: Context, value: Any, *args: Any, **kwargs: Any) -> str:
        return str(function(value, *args, **kwargs, lang=context.get("lang", "fr")))
    return written


def _plural(count: int, one: Tr, many: Tr, lang: str) -> str:
    return formats.plural(int(count or 0), one, many, lang)


def _shown_value(value: Any, lang: str) -> str:
    """A value from the change history (a secret's mark in the reader's language)."""
    if value == SET_MARK:
        return TEXTS["secret_set"](lang)
    if value == UNSET_MARK:
        return TEXTS["not_set"](lang)
    return "" if value is None else str(value)


TEMPLATES.env.filters.update({
    "money": _in_language(lambda v, currency="EUR", lang="fr": formats.money(v, currency, lang)),
    "num": _in_language(lambda v, digits=None, lang="fr": formats.number(v, lang, digits)),
    "percent": _in_language(lambda v, digits=1, lang="fr": formats.percent(v, lang, digits)),
    "day": _in_language(lambda v, lang="fr": formats.day(v, lang)),
    "moment": _in_language(lambda v, seconds=False, zone=None, lang="fr":
                           formats.moment(v, lang, seconds, zone)),
    "clock": _in_language(lambda v, lang="fr": formats.clock(v, lang)),
    "plural": _in_language(_plural),
    "counts": _in_language(lambda v, lang="fr": words.counts_text(v, lang)),
    "outcome": _in_language(lambda v, lang="fr": words.outcome_label(v)(lang)),
    "task": _in_language(lambda v, lang="fr": words.task_label(v)(lang)),
    "duration": _in_language(lambda v, lang="fr": formats.duration(float(v or 0), lang)),
    "shown": _in_language(_shown_value),
    "stored": _in_language(lambda v, lang="fr": read_stored(v, lang)),
})


def add_template_folder(folder: Path) -> None:
    """Let a feature's templates extend the console's base (see docs/console-pages.md)."""
    if str(folder) not in _FOLDERS:
        _FOLDERS.append(str(folder))
        TEMPLATES.env.loader = FileSystemLoader(_FOLDERS)


class LoginRequired(Exception):
    pass


class Forbidden(Exception):
    pass


def language(request: Request) -> str:
    return pick_language(request.cookies.get("lang") or request.headers.get("accept-language"))


def hub_of(request: Request) -> InterfaceHub:
    hub: InterfaceHub = request.app.state.hub
    return hub


def any_account(request: Request) -> Account:
    """Whoever is signed in, an employee included (pages that check what it may see)."""
    account = session_account(request)
    if account is None:
        raise LoginRequired()
    return account


class EmployeeHome(Exception):
    """An employee reached a console screen: it is sent to its own expense reports."""


EMPLOYEE_HOME = "/expenses"


def signed_in(request: Request) -> Account:
    """A signed-in member of the staff: the console's screens stay hidden from employees."""
    account = any_account(request)
    if account.role is Role.EMPLOYEE:
        raise EmployeeHome()
    return account


def may_change(account: Account = Depends(signed_in)) -> Account:
    """A signed-in account allowed to change things (a reader only reads)."""
    if account.role is Role.READER:
        raise Forbidden()
    return account


async def check_csrf(request: Request) -> None:
    form = await request.form()
    if not csrf_matches(request, str(form.get("csrf", ""))):
        raise Forbidden()


async def confirmed(request: Request) -> bool:
    """Whether a destructive action's form came from its confirmation page."""
    form = await request.form()
    return form.get("confirmed") == "yes"


def confirmation(request: Request, question: Tr, depends: list[Tr], action: str, back: str,
                 confirm_label: Tr, fields: dict[str, str] | None = None) -> Response:
    """The page a destructive action shows first: what it does, what depends on it, and a
    button posting it again (`confirmed=yes`) or a way back. No script needed."""
    return render(request, "confirm.html", question=question, depends=depends, action=action,
                  back=back, confirm_label=confirm_label, fields=fields or {})


def render(request: Request, template: str, status_code: int = 200, **context: Any) -> Response:
    lang = language(request)
    hub = hub_of(request)
    account = session_account(request)

    def t(key: str) -> str:
        return TEXTS[key](lang)

    def tr(value: Tr | None) -> str:
        return value(lang) if value is not None else ""

    base = {
        "request": request, "lang": lang, "t": t, "tr": tr, "hub": hub, "account": account,
        "csrf": csrf_token(request), "interfaces": list(hub.interfaces.values()),
        "role_label": (lambda r: ROLE_LABELS[Role(r)](lang)), "mode": hub.env.mode.value,
        "mode_label": MODE_LABELS.get(hub.env.mode.value, Tr(hub.env.mode.value,
                                                             hub.env.mode.value))(lang),
        "sandbox": bool(getattr(request.app.state, "sandbox", None)),
        "path": request.url.path,
        "run_error": run_error,
        "call_outcome": lambda outcome: words.call_outcome(outcome)(lang),
        "status_source": lambda source: words.status_source(source)(lang),
        "feature_nav": [(path, label) for path, label, least
                        in getattr(request.app.state, "feature_nav", [])
                        if account is not None and at_least(account.role, least)],
    }
    return TEMPLATES.TemplateResponse(request, template, {**base, **context},
                                      status_code=status_code)
