"""The execution log and the holder alerts reach people: the log is mailed to
`bank.log_email` through raccord's mail service (and kept on the run, shown on the bank
screen); a bank that needs its holder is an alert until it is repaired."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from raccord.core import alerts
from raccord.core.i18n import Tr
from raccord.core.outbox import OutgoingMail, queue_mail

if TYPE_CHECKING:
    from raccord.core.hub import Hub

log = logging.getLogger("raccord.banking")


def mail_log(hub: Hub, run_id: int, subject: str, text: str) -> tuple[str, str]:
    """(state, address): "queued" to the mail service, "no_address" when bank.log_email is
    empty. A run's log is queued once, whatever happens next."""
    to = str(hub.values("bank").get("log_email") or "")
    if not to:
        return "no_address", ""
    queue_mail(hub, OutgoingMail(to=(to,), subject=subject, text=text,
                                 reference=f"bank-run-{run_id}"),
               origin="bank", idempotency_key=f"bank-run-{run_id}")
    return "queued", to


def raise_alert(hub: Hub, key: str, message: Tr, severity: str = "warning") -> None:
    alerts.raise_alert(hub, key, interface="bank", severity=severity, message=message)


def clear_alert(hub: Hub, key: str) -> None:
    alerts.clear_alert(hub, key)


def webhook_refused(hub: Hub, message: Tr, source: str) -> Tr:
    """A Bridge webhook refused (no secret saved, a wrong signature): logged and shown as
    the interface's status, so a webhook secret that differs from Bridge's is seen."""
    log.warning("Bridge webhook from %s refused: %s", source, message.en)
    hub.record_status("bank", False, "webhook", message)
    return message
