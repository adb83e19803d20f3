"""The follow-up runs on the screen's interval and startup delay, read live, and asks only
about the requests still followed."""

from __future__ import annotations

from datetime import timedelta

from raccord.core.hub import Hub
from raccord.core.jobs import Scheduler
from raccord.core.models import ScheduleState, utcnow
from raccord.core.settings_store import SYSTEM
from raccord.features.signatures.dispatch import FOLLOW_UP_JOB
from raccord.interfaces.signature.simulator import Universign
from raccord.sandbox.setup import Sandbox
from tests.signatures.conftest import ALICE, hand_over, run_jobs


def _last_run_ago(hub: Hub, seconds: float) -> None:
    with hub.db.session() as session:
        row = session.get(ScheduleState, FOLLOW_UP_JOB)
        assert row is not None
        row.last_run_at = utcnow() - timedelta(seconds=seconds)


def test_the_startup_delay_and_interval_are_followed_live(sig_hub: Hub) -> None:
    sig_hub.settings.set("signature", "startup_delay_s", 30, SYSTEM)
    scheduler = Scheduler(sig_hub)
    scheduler.arm_startup_delays()
    assert FOLLOW_UP_JOB not in scheduler.tick()  # 30 s after start
    sig_hub.settings.set("signature", "startup_delay_s", 0, SYSTEM)
    scheduler.arm_startup_delays()  # a restart with the new delay
    assert FOLLOW_UP_JOB in scheduler.tick()
    assert FOLLOW_UP_JOB not in scheduler.tick()  # next one in 21600 s
    _last_run_ago(sig_hub, 700)
    assert FOLLOW_UP_JOB not in scheduler.tick()
    sig_hub.settings.set("signature", "poll_interval_s", 600, SYSTEM)  # no restart
    assert FOLLOW_UP_JOB in scheduler.tick()
    sig_hub.settings.set("signature", "enabled", False, SYSTEM)
    _last_run_ago(sig_hub, 7200)
    assert FOLLOW_UP_JOB not in scheduler.tick()  # disabled: not followed


def test_a_run_asks_only_about_the_requests_still_followed(sig_hub: Hub, us: Universign,
                                                           sandbox: Sandbox) -> None:
    done = hand_over(sig_hub, "D-DONE", signers=[ALICE])
    run_jobs(sig_hub)
    tx_done = sig_hub_transaction(sig_hub, done.id)
    us.sign(tx_done, ALICE["email"])
    us.archive_delay_s = 0
    sig_hub.jobs.enqueue(FOLLOW_UP_JOB)
    run_jobs(sig_hub)  # signed, then archived: no longer followed
    pending = [hand_over(sig_hub, f"D-OPEN-{n}", signers=[ALICE]) for n in range(3)]
    run_jobs(sig_hub)
    sim = sandbox.simulators["signature"]
    sim.counts.clear()
    sig_hub.jobs.enqueue(FOLLOW_UP_JOB)
    run_jobs(sig_hub)
    reads = {k: v for k, v in sim.counts.items() if k.startswith("GET /signature/v1/")}
    assert reads == {f"GET /signature/v1/transactions/{sig_hub_transaction(sig_hub, p.id)}": 1
                     for p in pending}


def test_with_webhooks_a_run_lists_what_changed_instead_of_asking_each(
        sig_hub: Hub, us: Universign, sandbox: Sandbox) -> None:
    pending = [hand_over(sig_hub, f"D-HOOKED-{n}", signers=[ALICE]) for n in range(4)]
    run_jobs(sig_hub)
    sig_hub.settings.set("signature", "universign_webhooks", True, SYSTEM)
    sig_hub.jobs.enqueue(FOLLOW_UP_JOB)
    run_jobs(sig_hub)  # the first run reads each one and marks where the next listing starts
    us.sign(sig_hub_transaction(sig_hub, pending[0].id), ALICE["email"])
    sim = sandbox.simulators["signature"]
    sim.counts.clear()
    sig_hub.jobs.enqueue(FOLLOW_UP_JOB)
    run_jobs(sig_hub)
    reads = sorted(k for k in sim.counts if k.startswith("GET /signature/v1/"))
    tx_id = sig_hub_transaction(sig_hub, pending[0].id)
    assert reads == [f"GET /signature/v1/archives/{tx_id}/requester-attestation",
                     "GET /signature/v1/transactions",
                     f"GET /signature/v1/transactions/{tx_id}/archive/documents/"
                     f"{us.transactions[tx_id]['documents'][0]['id']}/download"]
    from raccord.features.signatures import store

    assert store.get(sig_hub, pending[0].id).state == "signed"  # type: ignore[union-attr]


def sig_hub_transaction(hub: Hub, request_id: int) -> str:
    from raccord.features.signatures import store

    found = store.get(hub, request_id)
    assert found is not None and found.transaction_id
    return found.transaction_id
