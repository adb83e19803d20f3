"""After a deposit the portal is asked again within seconds, doubling the wait up to the
configured interval; one chain for all the deposits of the moment."""

from __future__ import annotations

import time

from raccord.core.hub import Hub
from raccord.core.models import ScheduleState
from raccord.core.settings_store import SYSTEM
from raccord.features.einvoicing import intake, soon, store
from raccord.features.einvoicing.dispatch import FOLLOW_SOON_JOB
from raccord.interfaces.chorus.simulator import ChorusSimulator
from tests.chorus.conftest import sample


def chain(hub: Hub) -> ScheduleState:
    with hub.db.session() as session:
        row = session.get(ScheduleState, FOLLOW_SOON_JOB)
        assert row is not None
        return row


def test_many_deposits_start_one_chain_that_backs_off_to_the_interval(
        chorus_hub: Hub, sim: ChorusSimulator) -> None:
    hub = chorus_hub
    sim.portal.processing_s = 3600  # the portal keeps them "deposited" for now
    hub.settings.set("chorus", "poll_interval_s", 60, SYSTEM)
    ids = [intake.receive(hub, "DEMO", "erp", data=sample(f"S-{n}")).id for n in range(3)]
    hub.jobs.run_pending()  # the deposits; the chain's first step waits 2 s in the queue
    assert all(store.get(hub, i).state == "deposited" for i in ids)  # type: ignore[union-attr]
    first = chain(hub)
    assert first.generation == 1  # three deposits, one chain
    assert first.last_run_at is not None
    started = soon.next_look(hub)
    assert started is not None and (started - first.last_run_at.replace(
        tzinfo=started.tzinfo)).total_seconds() <= 2.5
    waits = []
    step = soon.FIRST_S
    while True:
        soon.step(hub, 1, step)
        row = chain(hub)
        if row.last_run_at is None:
            break
        step = min(step * 2, 60)
        waits.append(step)
    assert waits == [4, 8, 16, 32]  # doubling; the next (60 s) is the regular round's
    # Once the portal has processed them, a step finds nothing left and the chain ends.
    sim.portal.processing_s = 0.0
    assert soon.after_deposit(hub)
    time.sleep(0.1)
    soon.step(hub, 2, soon.FIRST_S)
    assert all(store.get(hub, i).state == "integrated" for i in ids)  # type: ignore[union-attr]
    assert chain(hub).last_run_at is None
    # A step of an older chain does nothing.
    assert soon.step(hub, 1, soon.FIRST_S) == {"stale": 1}
