"""A worker killed (SIGKILL) in the middle of sending: after a restart every request is sent,
none twice, and no draft is left behind."""

from __future__ import annotations

import signal
import time
from collections import Counter

from raccord.core.hub import Hub
from raccord.features.signatures import sending, store
from raccord.features.signatures.states import State
from raccord.interfaces.signature.simulator import Universign
from raccord.sandbox.setup import Sandbox
from tests.signatures.conftest import ALICE, BOB, hand_over
from tests.worker_process import start_worker, wait_until


def _states(hub: Hub, ids: list[int]) -> Counter[str]:
    return Counter(store.get(hub, i).state for i in ids)  # type: ignore[union-attr]


def test_a_worker_killed_mid_sending_loses_nothing_and_sends_nothing_twice(
        sig_hub: Hub, us: Universign, sandbox: Sandbox) -> None:
    requests = [hand_over(sig_hub, f"D-KILL-{n:02d}", signers=[ALICE, BOB]) for n in range(12)]
    ids = [r.id for r in requests]
    uids = {r.uid for r in requests}
    sim = sandbox.simulators["signature"]
    sim.faults.latency_ms = 150  # several sends are half-built when the worker dies
    first = start_worker(sig_hub.env.home, workers=6)
    try:
        assert wait_until(lambda: sum(us.created[u] for u in uids) >= 5, 120), "no progress"
    finally:
        first.send_signal(signal.SIGKILL)
        first.wait()
    in_flight = _states(sig_hub, ids)["sending"]
    print("in flight when killed:", in_flight, _states(sig_hub, ids))
    second = start_worker(sig_hub.env.home, workers=6)
    try:
        time.sleep(sending.lease_s(sig_hub.values("signature")) + 1)
        swept = sending.sweep(sig_hub)
        assert swept["interrupted"] <= in_flight
        assert wait_until(lambda: set(_states(sig_hub, ids)) == {State.SENT.value}, 120), \
            _states(sig_hub, ids)
    finally:
        second.send_signal(signal.SIGINT)
        second.wait(timeout=20)
    sim.faults.latency_ms = 0
    for request_id in ids:
        request = store.get(sig_hub, request_id)
        assert request is not None
        assert us.created[request.uid] == 1, f"{request.reference} created " \
                                             f"{us.created[request.uid]} times"
        made = [t for t in us.transactions.values()
                if t["metadata"].get("raccord_id") == request.uid]
        assert [t["state"] for t in made] == ["started"]
        tx = made[0]
        assert len(tx["documents"]) == 1 and len(tx["instructions"]["signatures"]) == 2
