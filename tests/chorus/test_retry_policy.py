"""One retry policy: a call that fails for a passing reason is tried again by re-queueing the
invoice, never by waiting in a worker thread, and the tries do not multiply."""

from __future__ import annotations

import pytest
from sqlalchemy import delete

from raccord.core.http import Outgoing
from raccord.core.hub import Hub
from raccord.core.settings_store import SYSTEM
from raccord.features.einvoicing import intake, store
from raccord.features.einvoicing.models import BuyerStructure
from raccord.interfaces.chorus.simulator import ChorusSimulator
from tests.chorus.conftest import sample
from tests.chorus.helpers import drain

STRUCTURE_SEARCH = "structures/v1/rechercher"


def test_a_failing_structure_lookup_is_tried_exactly_max_attempts_times(
        chorus_hub: Hub, sim: ChorusSimulator, monkeypatch: pytest.MonkeyPatch) -> None:
    waits: list[float] = []
    monkeypatch.setattr(Outgoing, "_pause_before_retry",
                        lambda _self, _diagnosis, wait: waits.append(wait))
    chorus_hub.settings.set_many("chorus", {"max_attempts": 4, "retry_delay_s": 0}, SYSTEM)
    receipt = intake.receive(chorus_hub, "DEMO", "erp", data=sample("S-1"))
    with chorus_hub.db.session() as session:  # the structure is asked again at deposit time
        session.execute(delete(BuyerStructure))
    before = sim.counts[f"POST /chorus/cpro/{STRUCTURE_SEARCH}"]
    sim.faults.fail_next, sim.faults.fail_status = 100, 503
    sim.faults.fail_path = STRUCTURE_SEARCH
    try:
        assert drain(chorus_hub, follow=False) == {"S-1": "failed"}
    finally:
        sim.faults.fail_next, sim.faults.fail_path = 0, ""
    assert sim.counts[f"POST /chorus/cpro/{STRUCTURE_SEARCH}"] - before == 4
    assert waits == []  # no try waited in a worker thread: each was a new job
    failed = store.get(chorus_hub, receipt.id)
    assert failed is not None and failed.attempts == 4
    assert "Gave up after 4 tries" in failed.errors[0]["en"]
