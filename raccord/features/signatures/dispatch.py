"""Waking the workers. The database says what is due; the queue only carries wake-ups, so a
lost or doubled wake-up costs a delay or a no-op, never a transaction created twice."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from raccord.core.hub import Hub

log = logging.getLogger("raccord.signatures")
SEND_JOB = "signature.send"
SYNC_JOB = "signature.sync"
FOLLOW_UP_JOB = "signature.follow_up"


def wake(hub: Hub, job: str, delay_s: float = 0.0, **kwargs: Any) -> None:
    try:
        hub.jobs.enqueue(job, delay_s=max(0.0, delay_s), **kwargs)
    except Exception as error:  # the follow-up's sweep re-queues whatever is due
        log.warning("could not enqueue %s %s: %s", job, kwargs, error)
