"""Exactly once under faults and crashes (small batches here; `bench/chorus_reliability.py`
runs the 500-invoice version)."""

from __future__ import annotations

import signal
import time
from collections import Counter

from raccord.core.hub import Hub
from raccord.core.settings_store import SYSTEM
from raccord.features.einvoicing import intake, store, transmit
from raccord.features.einvoicing.states import State
from raccord.interfaces.chorus.simulator import ChorusSimulator
from tests.chorus.conftest import sample
from tests.chorus.helpers import drain, states
from tests.worker_process import start_worker, wait_until


def test_with_ten_percent_of_calls_failing_every_invoice_ends_once(
        chorus_hub: Hub, sim: ChorusSimulator) -> None:
    numbers = [f"X-{n:03d}" for n in range(30)]
    for number in numbers:
        intake.receive(chorus_hub, "DEMO", "erp", data=sample(number))
    sim.faults.error_rate, sim.faults.timeout_rate, sim.faults.drop_rate = 0.04, 0.03, 0.03
    sim.faults.hang_s = 1.2
    final = drain(chorus_hub, threads=8, timeout_s=90)
    assert set(final.values()) <= {"integrated", "failed"}, Counter(final.values())
    deposited = sim.portal.deposits
    for number, state in final.items():
        count = deposited[f"90243187300014/{number}"]
        assert count <= 1, f"{number} deposited {count} times"
        if state == "integrated":
            assert count == 1
        else:
            invoice = store.find(chorus_hub, "DEMO", number)
            assert invoice is not None and invoice.errors, f"{number} failed without a reason"
    assert Counter(final.values())["integrated"] >= 20



def test_a_worker_killed_mid_batch_loses_nothing_and_deposits_nothing_twice(
        chorus_hub: Hub, sim: ChorusSimulator) -> None:
    chorus_hub.settings.set("chorus", "max_calls_per_second", 10, SYSTEM)
    numbers = [f"K-{n:03d}" for n in range(40)]
    for number in numbers:
        intake.receive(chorus_hub, "DEMO", "erp", data=sample(number))
    sim.faults.latency_ms = 250  # several deposits are in flight when the worker dies
    first = start_worker(chorus_hub.env.home, workers=6)
    try:
        assert wait_until(lambda: sum(sim.portal.deposits.values()) >= 12, 120), "no progress"
    finally:
        first.send_signal(signal.SIGKILL)
        first.wait()
    in_flight = Counter(states(chorus_hub).values())["depositing"]
    print("in flight when killed:", in_flight)
    second = start_worker(chorus_hub.env.home, workers=6)
    try:
        time.sleep(2 * 1 + transmit.LEASE_MARGIN_S + 1)  # the lease of the killed deposits
        swept = transmit.sweep(chorus_hub, stale_s=0)
        # The restarted worker's own reconciler may already have swept some of them.
        assert swept["interrupted"] <= in_flight
        assert wait_until(lambda: set(states(chorus_hub).values()) <= {"deposited", "integrated"},
                     120), Counter(states(chorus_hub).values())
    finally:
        second.send_signal(signal.SIGINT)
        second.wait(timeout=20)
    final = drain(chorus_hub, timeout_s=30)
    assert set(final.values()) == {State.INTEGRATED.value}
    assert all(sim.portal.deposits[f"90243187300014/{n}"] == 1 for n in numbers), \
        {k: v for k, v in sim.portal.deposits.items() if v != 1}
