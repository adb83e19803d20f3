"""The dashboard's rows: for each interface, whether it works and since when (its last change
of status), when the probe tests it next, its latest changes; for an interface with no Test
(certificates), its own state."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from raccord.core.hub import Status
from raccord.core.i18n import Tr
from raccord.interfaces.base import InterfaceSpec
from raccord.interfaces.hub import InterfaceHub
from raccord.interfaces.probe import interval_of, next_probe_at, should_probe
from raccord.toolkit.texts import TEXTS


@dataclass
class Row:
    spec: InterfaceSpec
    level: str  # ok, failed, warning, unknown, disabled
    label: Tr
    message: Tr | None = None
    at: datetime | None = None
    since: datetime | None = None
    source: str = ""
    next_probe: Any = None
    interval_s: int | None = None
    changes: list[Status] = field(default_factory=list)


STATE_LABELS = {"ok": TEXTS["cert_ok"], "none": TEXTS["cert_none"],
                "warning": TEXTS["cert_expiring"], "failed": TEXTS["cert_expired"]}


def rows(hub: InterfaceHub) -> list[Row]:
    found = []
    for spec in hub.interfaces.values():
        if spec.own_state is not None:
            state = spec.own_state(hub)
            level = {"none": "ok"}.get(state.level, state.level)
            found.append(Row(spec, level, STATE_LABELS[state.level], state.message))
            continue
        status = hub.status(spec.name)
        probed = should_probe(hub, spec.name)
        values = hub.values(spec.name)
        if "enabled" in values and not values["enabled"]:
            level, label = "disabled", TEXTS["status_disabled"]
        elif status is None:
            level, label = "unknown", TEXTS["status_unknown"]
        else:
            level = "ok" if status.ok else "failed"
            label = TEXTS["status_ok"] if status.ok else TEXTS["status_failed"]
        found.append(Row(
            spec, level, label, status.message if status else None,
            status.at if status else None, status.since if status else None,
            status.source if status else "",
            next_probe_at(hub, spec.name) if probed else None,
            interval_of(hub, spec.name) if probed else None,
            hub.status_changes(spec.name, 5)))
    return found
