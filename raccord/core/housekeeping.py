"""Housekeeping jobs: the call log and the run history are kept for a bounded time."""

from __future__ import annotations

from datetime import date, timedelta
from typing import TYPE_CHECKING

from sqlalchemy import delete

from raccord.core.alerts import clear_alert, open_alerts, raise_alert
from raccord.core.formats import counted
from raccord.core.i18n import Tr
from raccord.core.jobs import scheduled
from raccord.core.models import CallLog, JobRun, utcnow
from raccord.core.schema import Kind

if TYPE_CHECKING:
    from raccord.core.hub import Hub

CALL_LOG_DAYS = 30
RUN_HISTORY_DAYS = 90


@scheduled("core.purge_history", interface=None, interval_key=None, startup_key=None,
           every_s=86400)
def purge_history(hub: Hub) -> dict[str, int]:
    now = utcnow()
    with hub.db.session() as session:
        calls = session.execute(delete(CallLog).where(
            CallLog.at < now - timedelta(days=CALL_LOG_DAYS))).rowcount  # type: ignore[attr-defined]
        runs = session.execute(delete(JobRun).where(
            JobRun.started_at < now - timedelta(days=RUN_HISTORY_DAYS))).rowcount  # type: ignore[attr-defined]
    return {"call_log_deleted": calls, "runs_deleted": runs}


EXPIRY_WARNING_DAYS = 30
EXPIRY_ALERT = "expiry:"


def expiring(hub: Hub, today: date | None = None) -> list[tuple[str, Tr]]:
    """(interface, warning) for every expiry date within the warning window or past."""
    return [(name, message) for name, _key, _left, message in expiring_fields(hub, today)]


def expiring_fields(hub: Hub, today: date | None = None) -> list[tuple[str, str, int, Tr]]:
    """(interface, field key, days left, warning) for every date within the window or past."""
    today = today or date.today()
    found = []
    for name, schema in hub.settings.schemas.items():
        values = hub.values(name)
        for f in schema.fields:
            if f.kind is not Kind.DATE or not values.get(f.key):
                continue
            left = (date.fromisoformat(values[f.key]) - today).days
            if left > EXPIRY_WARNING_DAYS:
                continue
            if left < 0:
                ago = counted(-left, Tr("jour", "day"), Tr("jours", "days"))
                message = Tr(f"« {f.label.fr} » est dépassée depuis {ago.fr} : "
                             "créez une nouvelle valeur et enregistrez-la.",
                             f"'{f.label.en}' passed {ago.en} ago: create a new "
                             "one and save it.")
            else:
                due = counted(left, Tr("jour", "day"), Tr("jours", "days"))
                message = Tr(f"« {f.label.fr} » arrive dans {due.fr} : "
                             "préparez son renouvellement.",
                             f"'{f.label.en}' comes in {due.en}: prepare its renewal.")
            found.append((name, f.key, left, message))
    return found


@scheduled("core.expiry_warnings", interface=None, interval_key=None, startup_key=None,
           every_s=86400)
def expiry_warnings(hub: Hub) -> dict[str, int]:
    """Each date close to expiry is an alert (a warning; an error once passed), ended when
    the date is renewed. The status board says it too (not as a status alert: the expiry
    alert stands for it)."""
    warnings = expiring_fields(hub)
    current = set()
    for interface, key, left, message in warnings:
        name = f"{EXPIRY_ALERT}{interface}:{key}"
        current.add(name)
        raise_alert(hub, name, interface=interface,
                    severity="error" if left < 0 else "warning", message=message)
        hub.record_status(interface, False, "expiry", message, transient=True)
    for alert in open_alerts(hub):
        if alert.key.startswith(EXPIRY_ALERT) and alert.key not in current:
            clear_alert(hub, alert.key)
    return {"warnings": len(warnings)}
