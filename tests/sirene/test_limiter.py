"""The shared ceiling under concurrent lookups: calls queue for a slot, the portal's limit is
never exceeded in any window, and the simulator (which enforces it) never answers 429.
The window is shortened to one second (10 calls) so the test takes seconds, not minutes;
raccord counts over the window plus its margin (one second), as it does in production."""

from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor

import pytest

from raccord.core.hub import Hub
from raccord.core.simulator import Faults, Simulator
from raccord.features.sirene.lookup import Lookups
from raccord.interfaces.sirene import client as sirene_client

CALLS = 10
WINDOW_S = 1.0


@pytest.fixture
def one_second_window(monkeypatch: pytest.MonkeyPatch, sim: Simulator) -> None:
    monkeypatch.setattr(sirene_client, "RATE_WINDOW", sirene_client.RateWindow(CALLS, 1, 1))
    sim.faults = Faults(per_second=CALLS, per_minute=100_000)
    sim.state["served_at"].clear()


def most_in_any_window(stamps: list[float], window: float) -> int:
    stamps = sorted(stamps)
    most, start = 0, 0
    for end, moment in enumerate(stamps):
        while moment - stamps[start] >= window:
            start += 1
        most = max(most, end - start + 1)
    return most


def test_concurrent_lookups_never_exceed_the_ceiling(sandboxed_hub: Hub, sim: Simulator,
                                                     one_second_window: None,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    sirets = [e.siret for _, e in list(sim.state["establishments"].values())[:2 * CALLS]]
    granted: list[float] = []
    acquire = sandboxed_hub.limiter.acquire

    def recorded(interface: str, *args: object, **kwargs: object) -> object:
        tickets = acquire(interface, *args, **kwargs)  # type: ignore[arg-type]
        if interface == "sirene":
            granted.append(time.time())
        return tickets

    monkeypatch.setattr(sandboxed_hub.limiter, "acquire", recorded)

    def find(siret: str) -> str:
        with Lookups(sandboxed_hub) as lookups:
            return lookups.find(siret).siret

    started = time.monotonic()
    with ThreadPoolExecutor(max_workers=8) as pool:
        found = list(pool.map(find, sirets))
    elapsed = time.monotonic() - started

    assert found == sirets  # every lookup succeeded: waiting, not failing
    assert sim.http_429 == 0
    assert len(granted) == len(sirets)
    # Grant times are noted by the threads after the fact (late under load), so the ceiling
    # is asserted where it matters: at the service, which saw no more than CALLS per window.
    assert most_in_any_window(sim.state["served_at"], WINDOW_S) <= CALLS
    assert elapsed >= 2 * WINDOW_S * 0.95  # the second ten waited for the first ten's window
