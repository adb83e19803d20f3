"""Background work of the calendar feature: the scheduled sync of every mailbox (interval and
startup delay are the Exchange screen's live settings) and the immediate push of one
mailbox when the ERP changes one of its appointments."""

from __future__ import annotations

from typing import TYPE_CHECKING

from raccord.core.jobs import job, scheduled
from raccord.features.calendar.sync import sync

if TYPE_CHECKING:
    from raccord.core.hub import Hub

SYNC_JOB = "calendar.sync"
PUSH_JOB = "calendar.push"
# A push that finds its mailbox being synchronised comes back this much later, this often.
BUSY_DELAY_S = 5.0
BUSY_ATTEMPTS = 3


@scheduled(SYNC_JOB, interface="exchange", interval_key="sync_interval_s",
           startup_key="startup_delay_s")
def sync_job(hub: Hub) -> dict[str, int]:
    return sync(hub, trigger="schedule").as_dict()


@job(PUSH_JOB, interface="exchange")
def push_job(hub: Hub, mailbox: str, attempt: int = 1) -> dict[str, int]:
    """The ERP changed an appointment: bring it to Outlook now (no pull)."""
    totals = sync(hub, [mailbox], trigger="push", pull=False)
    if totals.busy and attempt < BUSY_ATTEMPTS:
        # Another worker holds the mailbox (it may be past its push): come back shortly.
        hub.jobs.enqueue(PUSH_JOB, delay_s=BUSY_DELAY_S, mailbox=mailbox, attempt=attempt + 1)
    return {**totals.as_dict(), "attempt": attempt}
