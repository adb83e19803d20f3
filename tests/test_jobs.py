"""Jobs: durable queue, recorded runs, live schedules."""

from __future__ import annotations

from datetime import timedelta

from raccord.core.hub import Hub
from raccord.core.jobs import JOBS, SCHEDULES, ScheduleDef, Scheduler, job, recent_runs
from raccord.core.models import ScheduleState, utcnow
from raccord.core.settings_store import SYSTEM

CALLS: list[dict] = []


@job("sirene.test_probe")
def probe(hub: Hub, n: int = 0) -> dict[str, int]:
    CALLS.append({"n": n})
    if n < 0:
        raise ValueError("negative probe")
    return {"seen": n}


def test_queued_jobs_survive_a_worker_restart(env) -> None:
    first = Hub(env)
    first.jobs.enqueue("sirene.test_probe", n=7)
    # A new process: a new hub on the same RACCORD_HOME finds the job and runs it.
    CALLS.clear()
    second = Hub(env)
    assert second.jobs.pending() == 1
    assert second.jobs.run_pending() == 1
    assert CALLS == [{"n": 7}]
    [run] = recent_runs(second, 1)
    assert run.outcome == "success" and run.counts == {"seen": 7}


def test_a_failing_job_is_recorded_and_flags_its_interface(hub: Hub) -> None:
    hub.jobs.enqueue("sirene.test_probe", n=-1)
    hub.jobs.run_pending()
    [run] = recent_runs(hub, 1)
    assert run.outcome == "failure" and "negative probe" in (run.error or "")
    status = hub.status("sirene")
    assert status is not None and not status.ok and "negative probe" in status.summary


def test_delayed_jobs_wait_their_time(hub: Hub) -> None:
    CALLS.clear()
    hub.jobs.enqueue("sirene.test_probe", delay_s=3600, n=1)
    assert hub.jobs.run_pending() == 0
    assert hub.jobs.run_pending(include_scheduled=True) == 1
    assert CALLS == [{"n": 1}]


def test_scheduler_follows_a_changed_interval_live(hub: Hub) -> None:
    JOBS["signature.test_poll"] = JOBS["sirene.test_probe"]
    SCHEDULES["signature.test_poll"] = ScheduleDef("signature.test_poll", "signature",
                                                   "poll_interval_s", "startup_delay_s")
    try:
        hub.settings.set("signature", "enabled", True, SYSTEM)
        hub.settings.set("signature", "startup_delay_s", 0, SYSTEM)
        scheduler = Scheduler(hub)
        scheduler.arm_startup_delays()
        assert "signature.test_poll" in scheduler.tick()  # first run after the startup delay
        assert "signature.test_poll" not in scheduler.tick()  # next one in 21600 s
        with hub.db.session() as session:
            row = session.get(ScheduleState, "signature.test_poll")
            assert row is not None
            row.last_run_at = utcnow() - timedelta(seconds=120)
        assert "signature.test_poll" not in scheduler.tick()
        hub.settings.set("signature", "poll_interval_s", 60, SYSTEM)  # no restart
        assert "signature.test_poll" in scheduler.tick()
        hub.settings.set("signature", "enabled", False, SYSTEM)
        with hub.db.session() as session:
            row = session.get(ScheduleState, "signature.test_poll")
            assert row is not None
            row.last_run_at = utcnow() - timedelta(seconds=3600)
        assert scheduler.tick() == []  # a disabled interface is not polled
    finally:
        JOBS.pop("signature.test_poll")
        SCHEDULES.pop("signature.test_poll")


def test_two_schedulers_enqueue_a_due_run_once(hub: Hub, env) -> None:
    JOBS["signature.test_poll"] = JOBS["sirene.test_probe"]
    SCHEDULES["signature.test_poll"] = ScheduleDef("signature.test_poll", "signature",
                                                   "poll_interval_s", "startup_delay_s")
    try:
        hub.settings.set("signature", "enabled", True, SYSTEM)
        hub.settings.set("signature", "startup_delay_s", 0, SYSTEM)
        one, two = Scheduler(hub), Scheduler(Hub(env))
        one.arm_startup_delays()
        assert len(one.tick()) + len(two.tick()) == 1
    finally:
        JOBS.pop("signature.test_poll")
        SCHEDULES.pop("signature.test_poll")
