"""Following a fresh deposit sooner than the regular round: the portal processes a flow in
seconds to minutes, so after a deposit the follow-up is asked again after 2 s, then 4, 8, 16…
(doubling) until it reaches the configured `poll_interval_s`, where the regular schedule
takes over. One chain for every deposit of the moment: its state is a row of
`schedule_state` (claimed by its generation, as the scheduler claims its runs), so a
thousand deposits in a minute start one chain, not a thousand."""

from __future__ import annotations

import collections
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from sqlalchemy import update

from raccord.core.models import ScheduleState, aware, utcnow
from raccord.features.einvoicing import followup, store
from raccord.features.einvoicing.dispatch import FOLLOW_SOON_JOB, FOLLOW_UP_JOB, wake
from raccord.features.einvoicing.states import State

if TYPE_CHECKING:
    from raccord.core.hub import Hub

FIRST_S = 2.0


def _interval(hub: Hub) -> float:
    return float(hub.values("chorus").get("poll_interval_s") or 900)


def after_deposit(hub: Hub) -> bool:
    """Start the chain unless one is already due within its first step; True when started."""
    now = utcnow()
    with hub.db.session() as session:
        row = session.get(ScheduleState, FOLLOW_SOON_JOB)
        if row is None:
            row = ScheduleState(task=FOLLOW_SOON_JOB, next_run_at=now, last_run_at=None,
                                generation=0)
            session.add(row)
            session.flush()
        elif row.last_run_at is not None and aware(row.next_run_at) <= now + timedelta(
                seconds=FIRST_S) and aware(row.next_run_at) > now - timedelta(seconds=60):
            return False  # a step comes in a moment: it will see this deposit too
        generation = row.generation + 1
        claimed = session.execute(  # type: ignore[attr-defined]
            update(ScheduleState).where(ScheduleState.task == FOLLOW_SOON_JOB,
                                        ScheduleState.generation == row.generation)
            .values(generation=generation, last_run_at=now,
                    next_run_at=now + timedelta(seconds=FIRST_S))).rowcount
    if claimed:
        wake(hub, FOLLOW_SOON_JOB, FIRST_S, generation=generation, step_s=FIRST_S)
    return bool(claimed)


def step(hub: Hub, generation: int, step_s: float) -> collections.Counter[str]:
    """One step of the chain: follow up, then plan the next step (twice as far) while
    deposited invoices remain and the step is shorter than the regular interval."""
    with hub.db.session() as session:
        row = session.get(ScheduleState, FOLLOW_SOON_JOB)
        if row is None or row.generation != generation:
            return collections.Counter(stale=1)  # a newer chain took over
    counts = followup.follow_up(hub)
    waiting = store.in_states(hub, {State.DEPOSITED})
    following = min(step_s * 2, _interval(hub))
    now = utcnow()
    keep = bool(waiting) and following < _interval(hub)
    with hub.db.session() as session:
        claimed = session.execute(  # type: ignore[attr-defined]
            update(ScheduleState).where(ScheduleState.task == FOLLOW_SOON_JOB,
                                        ScheduleState.generation == generation)
            .values(last_run_at=now if keep else None,
                    next_run_at=now + timedelta(seconds=following))).rowcount
    if claimed and keep:
        wake(hub, FOLLOW_SOON_JOB, following, generation=generation, step_s=following)
    return counts


def next_look(hub: Hub) -> datetime | None:
    """When the portal will next be asked about deposited invoices (the chain's next step or
    the regular round's, whichever comes first)."""
    with hub.db.session() as session:
        soon = session.get(ScheduleState, FOLLOW_SOON_JOB)
        regular = session.get(ScheduleState, FOLLOW_UP_JOB)
        times = []
        if soon is not None and soon.last_run_at is not None:
            times.append(aware(soon.next_run_at))
        if regular is not None:
            times.append(aware(regular.last_run_at) + timedelta(seconds=_interval(hub))
                         if regular.last_run_at is not None else aware(regular.next_run_at))
    return min(times) if times else None
