"""Background work of the calendar feature: the scheduled sync of every mailbox (interval and
startup delay are the Exchange screen's live settings) and the immediate push of one
mailbox when the ERP changes one of its appointments."""

from __future__ import annotations

from typing import TYPE_CHECKING

from raccord.core.i18n import Tr
from raccord.core.jobs import job, scheduled
from raccord.core.words import count_words, task_words
from raccord.features.calendar.labels import COUNTS
from raccord.features.calendar.sync import RunTotals, sync

if TYPE_CHECKING:
    from raccord.core.hub import Hub

SYNC_JOB = "calendar.sync"
PUSH_JOB = "calendar.push"
# A push that finds its mailbox being synchronised comes back this much later.
BUSY_DELAY_S = 5.0
# A mailbox is re-queued this many times at most between two scheduled syncs (which take
# whatever is left anyway).
MAX_ATTEMPTS = 5

task_words({
    SYNC_JOB: Tr("Synchronisation des agendas Outlook", "Outlook calendars synchronisation"),
    PUSH_JOB: Tr("Envoi à Outlook d'un changement de l'ERP", "ERP change sent to Outlook"),
})
count_words({
    **COUNTS, "mailboxes": Tr("boîtes", "mailboxes"),
    "busy": Tr("boîtes occupées ailleurs", "mailboxes busy elsewhere"),
    "requeued": Tr("remises en file", "queued again"), "attempt": Tr("essai n°", "attempt"),
})


def requeue(hub: Hub, totals: RunTotals, attempt: int, pull: bool) -> int:
    """Each mailbox with work left comes back after the delay the service asked for."""
    if attempt >= MAX_ATTEMPTS:
        return 0
    for mailbox, delay in totals.retry.items():
        hub.jobs.enqueue(PUSH_JOB, delay_s=delay, mailbox=mailbox, attempt=attempt + 1,
                         pull=pull)
    return len(totals.retry)


@scheduled(SYNC_JOB, interface="exchange", interval_key="sync_interval_s",
           startup_key="startup_delay_s")
def sync_job(hub: Hub) -> dict[str, int]:
    totals = sync(hub, trigger="schedule")
    return {**totals.as_dict(), "requeued": requeue(hub, totals, 0, pull=True)}


@job(PUSH_JOB, interface="exchange")
def push_job(hub: Hub, mailbox: str, attempt: int = 1, pull: bool = False) -> dict[str, int]:
    """The ERP changed an appointment (or a mailbox had work left): bring it to Outlook now;
    a mailbox re-queued after a throttled or failed read is also read back."""
    totals = sync(hub, [mailbox], trigger="push", pull=pull)
    if totals.busy and attempt < MAX_ATTEMPTS:
        # Another worker holds the mailbox (it may be past its push): come back shortly.
        hub.jobs.enqueue(PUSH_JOB, delay_s=BUSY_DELAY_S, mailbox=mailbox, attempt=attempt + 1,
                         pull=pull)
    requeued = requeue(hub, totals, attempt, pull)
    return {**totals.as_dict(), "attempt": attempt, "requeued": requeued}
