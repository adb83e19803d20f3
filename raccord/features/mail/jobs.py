"""The mail feature's background work: the send job (woken by `queue_mail`), and a sweep
every 30 s that reconciles interrupted sends, wakes waiting ones and mails the alerts."""

from __future__ import annotations

from typing import TYPE_CHECKING

from raccord.core.jobs import job, scheduled
from raccord.core.outbox import SEND_JOB
from raccord.features.mail.alertmail import notify_alerts
from raccord.features.mail.keywatch import watch_gmail_key
from raccord.features.mail.send import send_message, sweep

if TYPE_CHECKING:
    from raccord.core.hub import Hub


@job(SEND_JOB, quiet=True)  # each message keeps its own history
def send_job(hub: Hub, message_id: int) -> dict[str, int]:
    return {send_message(hub, message_id): 1}


@scheduled("mail.sweep", interface=None, interval_key=None, startup_key=None, every_s=30)
def sweep_job(hub: Hub) -> dict[str, int]:
    counts = sweep(hub)
    counts.update(notify_alerts(hub))
    counts.update(watch_gmail_key(hub))
    return counts
