"""Jobs: a durable queue, recorded runs, live schedules; on the SQLite Huey store and on
Redis (`job_env`)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import pytest

from raccord.core.config import Environment
from raccord.core.hub import Hub
from raccord.core.jobs import JOBS, SCHEDULES, ScheduleDef, Scheduler, job, recent_runs
from raccord.core.models import ScheduleState, utcnow
from raccord.core.settings_store import SYSTEM
from raccord.wiring import open_hub

CALLS: list[dict[str, int]] = []


@job("sirene.test_probe")
def probe(hub: Hub, n: int = 0) -> dict[str, int]:
    CALLS.append({"n": n})
    if n < 0:
        raise ValueError("negative probe")
    return {"seen": n}


@pytest.fixture
def job_hub(job_env: Environment) -> Hub:
    CALLS.clear()
    return open_hub(job_env)


@pytest.fixture
def polled() -> Iterator[str]:
    """A scheduled job on the signature interface, following its live settings."""
    JOBS["signature.test_poll"] = JOBS["sirene.test_probe"]
    # Alone in the schedule: the features' own scheduled jobs (signature.follow_up) wait.
    features = dict(SCHEDULES)
    SCHEDULES.clear()
    SCHEDULES["signature.test_poll"] = ScheduleDef("signature.test_poll", "signature",
                                                   "poll_interval_s", "startup_delay_s")
    yield "signature.test_poll"
    JOBS.pop("signature.test_poll")
    SCHEDULES.clear()
    SCHEDULES.update(features)


def test_queued_jobs_survive_a_worker_restart(job_env: Environment) -> None:
    first = open_hub(job_env)
    first.jobs.enqueue("sirene.test_probe", n=7)
    # A new process: a new hub on the same RACCORD_HOME / Redis finds the job and runs it.
    CALLS.clear()
    second = open_hub(job_env)
    assert second.jobs.pending() == 1
    assert second.jobs.run_pending() == 1
    assert CALLS == [{"n": 7}]
    assert second.jobs.pending() == 0
    [run] = recent_runs(second, 1)
    assert run.outcome == "success" and run.counts == {"seen": 7}
    assert run.started_at is not None and run.finished_at is not None


def test_a_failing_job_is_recorded_and_flags_its_interface(job_hub: Hub) -> None:
    hub = job_hub
    hub.jobs.enqueue("sirene.test_probe", n=-1)
    hub.jobs.enqueue("sirene.test_probe", n=2)  # the next job runs all the same
    assert hub.jobs.run_pending() == 2
    second, first = recent_runs(hub, 2)
    assert first.outcome == "failure" and "negative probe" in (first.error or "")
    assert second.outcome == "success"
    status = hub.status("sirene")
    assert status is not None and status.ok and status.source == "job:sirene.test_probe"
    hub.jobs.enqueue("sirene.test_probe", n=-3)
    hub.jobs.run_pending()
    status = hub.status("sirene")
    assert status is not None and not status.ok and "negative probe" in status.summary


def test_delayed_jobs_wait_their_time(job_hub: Hub) -> None:
    hub = job_hub
    hub.jobs.enqueue("sirene.test_probe", delay_s=3600, n=1)
    assert hub.jobs.pending() == 1
    assert hub.jobs.run_pending() == 0
    assert CALLS == []
    assert hub.jobs.run_pending(include_scheduled=True) == 1
    assert CALLS == [{"n": 1}]


def test_unknown_jobs_are_refused_when_enqueued(job_hub: Hub) -> None:
    with pytest.raises(KeyError, match="unknown job"):
        job_hub.jobs.enqueue("sirene.no_such_job")
    assert job_hub.jobs.pending() == 0


def test_scheduler_follows_a_changed_interval_live(job_hub: Hub, polled: str) -> None:
    hub = job_hub
    hub.settings.set("signature", "enabled", True, SYSTEM)
    hub.settings.set("signature", "startup_delay_s", 0, SYSTEM)
    scheduler = Scheduler(hub)
    scheduler.arm_startup_delays()
    assert polled in scheduler.tick()  # first run after the startup delay
    assert polled not in scheduler.tick()  # next one in 21600 s (the seed's default)
    assert hub.jobs.run_pending() == 1
    with hub.db.session() as session:
        row = session.get(ScheduleState, polled)
        assert row is not None
        row.last_run_at = utcnow() - timedelta(seconds=120)
    assert polled not in scheduler.tick()
    hub.settings.set("signature", "poll_interval_s", 60, SYSTEM)  # no restart
    assert polled in scheduler.tick()
    hub.settings.set("signature", "enabled", False, SYSTEM)
    with hub.db.session() as session:
        row = session.get(ScheduleState, polled)
        assert row is not None
        row.last_run_at = utcnow() - timedelta(seconds=3600)
    assert polled not in scheduler.tick()  # a disabled interface is not polled


def test_the_startup_delay_comes_from_the_settings(job_hub: Hub, polled: str) -> None:
    hub = job_hub
    hub.settings.set("signature", "enabled", True, SYSTEM)
    assert hub.values("signature")["startup_delay_s"] == 20  # the seed's default
    scheduler = Scheduler(hub)
    scheduler.arm_startup_delays()
    with hub.db.session() as session:
        row = session.get(ScheduleState, polled)
        assert row is not None
        delay = (row.next_run_at.replace(tzinfo=None) - utcnow().replace(tzinfo=None))
    assert timedelta(seconds=15) < delay <= timedelta(seconds=20)
    assert polled not in scheduler.tick()


def test_two_schedulers_enqueue_a_due_run_once(job_hub: Hub, job_env: Environment,
                                               polled: str) -> None:
    hub = job_hub
    hub.settings.set("signature", "enabled", True, SYSTEM)
    hub.settings.set("signature", "startup_delay_s", 0, SYSTEM)
    one, two = Scheduler(hub), Scheduler(open_hub(job_env))
    one.arm_startup_delays()
    assert len(one.tick()) + len(two.tick()) == 1
    assert hub.jobs.pending() == 1
