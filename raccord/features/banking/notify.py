"""The execution log and the holder alerts reach `bank.log_email` through raccord's mail
service (`raccord.core.outbox`) when this installation has it; otherwise the log is recorded
and shown on the bank screen, and the run says so. Nothing is dropped silently."""

from __future__ import annotations

import importlib
import importlib.util
from typing import TYPE_CHECKING, Any

from raccord.core.i18n import Tr

if TYPE_CHECKING:
    from raccord.core.hub import Hub


def _module(name: str) -> Any | None:
    try:
        found = importlib.util.find_spec(name)
    except ModuleNotFoundError:
        return None
    return importlib.import_module(name) if found is not None else None


def mail_log(hub: Hub, run_id: int, subject: str, text: str) -> tuple[str, str]:
    """(state, address): "queued" to the mail service, "recorded" when there is none,
    "no_address" when bank.log_email is empty."""
    to = str(hub.values("bank").get("log_email") or "")
    if not to:
        return "no_address", ""
    outbox = _module("raccord.core.outbox")
    if outbox is None:
        return "recorded", to
    outbox.queue_mail(hub, outbox.OutgoingMail(
        to=(to,), subject=subject, text=text, html=None, attachments=(),
        reference=f"bank-run-{run_id}"), origin="bank", idempotency_key=f"bank-run-{run_id}")
    return "queued", to


def raise_alert(hub: Hub, key: str, message: Tr, severity: str = "warning") -> None:
    alerts = _module("raccord.core.alerts")
    if alerts is not None:
        alerts.raise_alert(hub, key, interface="bank", severity=severity, message=message)


def clear_alert(hub: Hub, key: str) -> None:
    alerts = _module("raccord.core.alerts")
    if alerts is not None:
        alerts.clear_alert(hub, key)
