"""Waking the workers. The database says what is due; the queue only carries wake-ups, so a
lost or doubled wake-up costs a delay or a no-op, never a double deposit."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from raccord.core.hub import Hub

log = logging.getLogger("raccord.einvoicing")
DEPOSIT_JOB = "chorus.deposit"
RECONCILE_JOB = "chorus.reconcile"
WEBHOOK_JOB = "chorus.webhook"
FOLLOW_UP_JOB = "chorus.follow_up"
FOLLOW_SOON_JOB = "chorus.follow_soon"


def wake(hub: Hub, job: str, delay_s: float = 0.0, **kwargs: Any) -> None:
    try:
        hub.jobs.enqueue(job, delay_s=max(0.0, delay_s), **kwargs)
    except Exception as error:  # the sweep re-queues whatever the database says is due
        log.warning("could not enqueue %s %s: %s", job, kwargs, error)
