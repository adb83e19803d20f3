"""SIRENE fixtures: the sandbox's simulator, units of each kind picked from its population,
and retry delays shortened so that failure paths take milliseconds."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from raccord.core.simulator import Simulator
from raccord.interfaces.sirene import client as sirene_client
from raccord.interfaces.sirene.population import Establishment, LegalUnit
from raccord.sandbox.setup import Sandbox

Pick = Callable[[Callable[[LegalUnit, Establishment], bool]], tuple[LegalUnit, Establishment]]


@pytest.fixture(autouse=True)
def quick_retries(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sirene_client, "RETRY_DELAY_S", 0.01)
    monkeypatch.setattr(sirene_client, "DEFAULT_429_WAIT_S", 0.2)


@pytest.fixture
def sim(sandbox: Sandbox) -> Simulator:
    return sandbox.simulators["sirene"]


@pytest.fixture
def pick(sim: Simulator) -> Pick:
    """The first establishment of the simulator's population matching a condition."""

    def find(condition: Callable[[LegalUnit, Establishment], bool]
             ) -> tuple[LegalUnit, Establishment]:
        for unit, est in sim.state["establishments"].values():
            if condition(unit, est):
                return unit, est
        raise AssertionError("no such establishment in the simulated population")

    return find
