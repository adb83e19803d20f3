"""The same behaviour on PostgreSQL as on SQLite, and one ceiling for several workers
sharing Redis (each with its own hub, as on several machines)."""

from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from raccord.core.hub import Hub
from raccord.core.simulator import Faults, Simulator
from raccord.features.sirene.lookup import lookup
from raccord.features.thirdparties import service
from raccord.features.thirdparties.models import PartyKind
from raccord.interfaces.sirene import client as sirene_client
from raccord.sandbox.setup import Sandbox, point_at_sandbox
from raccord.wiring import open_hub
from tests.conftest import make_env
from tests.sirene.test_limiter import most_in_any_window


def test_kept_answers_and_third_parties_on_each_database(storage_hub: Hub, sandbox: Sandbox,
                                                         sim: Simulator) -> None:
    sim.reset()
    point_at_sandbox(storage_hub, sandbox)
    unit, est = next((u, e) for u, e in sim.state["establishments"].values()
                     if u.diffusible and not u.individual and e.open)
    assert lookup(storage_hub, est.siret).source == "api"
    assert lookup(storage_hub, est.siret).source == "cache"
    party = service.create(storage_hub, service.PartyData(kind=PartyKind.SUPPLIER,
                                                          siret=est.siret), "erp", fill=True)
    assert party.name == unit.name and party.sirene_info is not None
    assert [p.id for p in service.listing(storage_hub, "supplier", unit.siren)] == [party.id]


@pytest.mark.redis
def test_two_workers_on_redis_share_one_ceiling(redis_url: str, tmp_path: Path,
                                                sandbox: Sandbox, sim: Simulator,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sirene_client, "RATE_WINDOW", sirene_client.RateWindow(5, 1, 1))
    sim.reset()
    sim.faults = Faults(per_second=5, per_minute=100_000)
    sim.state["served_at"].clear()
    workers = [open_hub(make_env(tmp_path / f"worker-{n}", redis_url=redis_url)) for n in (1, 2)]
    for hub in workers:
        point_at_sandbox(hub, sandbox)
    sirets = [e.siret for _, e in list(sim.state["establishments"].values())[:10]]
    started = time.monotonic()
    with ThreadPoolExecutor(max_workers=4) as pool:
        found = list(pool.map(lambda pair: lookup(workers[pair[0] % 2], pair[1]).siret,
                              enumerate(sirets)))
    assert found == sirets
    assert sim.http_429 == 0
    assert most_in_any_window(sim.state["served_at"], 1.0) <= 5
    assert time.monotonic() - started >= 1.9  # the second five waited for the first five
