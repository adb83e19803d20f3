"""Running the queued jobs of a test hub, and reading what became of its invoices."""

from __future__ import annotations

import contextlib
import threading
import time

from sqlalchemy import select

from raccord.core.diagnosis import ServiceError
from raccord.core.hub import Hub
from raccord.features.einvoicing.models import EInvoice
from raccord.features.einvoicing.states import State

SETTLED = {State.INVALID, State.INTEGRATED, State.REJECTED, State.FAILED, State.CANCELLED}


def states(hub: Hub) -> dict[str, str]:
    with hub.db.session() as session:
        return {i.number: i.state for i in session.scalars(select(EInvoice))}


def drain(hub: Hub, threads: int = 1, timeout_s: float = 60.0, follow: bool = True,
          until: set[State] = SETTLED) -> dict[str, str]:
    """Run queued jobs (delayed ones when due) on `threads` threads, and the follow-up, until
    every invoice is in `until` or the time is up."""
    from raccord.features.einvoicing import followup

    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        workers = [threading.Thread(target=hub.jobs.run_pending) for _ in range(threads)]
        for worker in workers:
            worker.start()
        for worker in workers:
            worker.join()
        if follow:
            with contextlib.suppress(ServiceError):  # injected faults: the next round asks
                followup.follow_up(hub)
        now = states(hub)
        if all(State(s) in until for s in now.values()):
            return now
        time.sleep(0.05)
    return states(hub)
