"""Background work: a durable queue (Huey on SQLite by default, Redis when distributed) that
only wakes workers, every run recorded, and a scheduler whose intervals are live settings.

A feature registers its work with `@job(name)` or `@scheduled(...)` in its `jobs.py`; the
queue carries only the job's name and arguments, so any worker process on any machine, with
its own hub, runs the same code."""

from __future__ import annotations

import gc
import logging
import sys
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

from huey import RedisHuey, SqliteHuey
from huey.api import Huey
from huey.storage import SqliteStorage
from sqlalchemy import select, update

from raccord.core.files import private_file
from raccord.core.i18n import Tr
from raccord.core.models import JobRun, ScheduleState, aware, utcnow
from raccord.core.words import counts_tr, task_label

if TYPE_CHECKING:
    from raccord.core.hub import Hub

log = logging.getLogger("raccord.jobs")
JobFunction = Callable[..., "dict[str, int] | None"]
# A run's error holds the English text, then this mark and the French one (see `run_error`).
ERROR_FR_MARK = "\n[fr] "


@dataclass(frozen=True)
class JobDef:
    name: str
    function: JobFunction
    interface: str | None
    # A job run once per item of a high volume whose rows keep their own history (one mail
    # each): its runs are recorded only when they fail, so that it costs no two writes each.
    quiet: bool = False


@dataclass(frozen=True)
class ScheduleDef:
    job: str
    interface: str | None
    interval_key: str | None
    startup_key: str | None
    # The interval when there is no setting for it (housekeeping).
    every_s: int = 21600


JOBS: dict[str, JobDef] = {}
SCHEDULES: dict[str, ScheduleDef] = {}


def job(name: str, interface: str | None = None, *, quiet: bool = False
        ) -> Callable[[JobFunction], JobFunction]:
    def register(function: JobFunction) -> JobFunction:
        JOBS[name] = JobDef(name, function, interface or name.split(".")[0], quiet)
        return function

    return register


def scheduled(name: str, interface: str | None, interval_key: str | None = "poll_interval_s",
              startup_key: str | None = "startup_delay_s", every_s: int = 21600
              ) -> Callable[[JobFunction], JobFunction]:
    def register(function: JobFunction) -> JobFunction:
        JOBS[name] = JobDef(name, function, interface)
        SCHEDULES[name] = ScheduleDef(name, interface, interval_key, startup_key, every_s)
        return function

    return register


class QueueFile(SqliteStorage):  # type: ignore[misc]  # huey ships no types
    """Huey's SQLite queue with the database's own durability (WAL, synchronous NORMAL):
    Huey leaves SQLite's default, an fsync at every commit, made while the queue's one lock
    is held, so that on a busy disk every worker thread waited on each other's fsync to take
    its next job (measured in bench/mail_send.py). The queue only wakes workers: what a
    power cut could lose of it, the rows' own states and the sweeps bring back."""

    def _create_connection(self) -> Any:
        connection = super()._create_connection()
        connection.execute("pragma synchronous=1")
        return connection


class JobQueue:
    def __init__(self, hub: Hub) -> None:
        self.hub = hub
        env = hub.env
        self.huey: Huey
        if env.redis_url:
            self.huey = RedisHuey("raccord", url=env.redis_url, utc=True)
        else:
            private_file(env.job_store)
            self.huey = SqliteHuey("raccord", filename=str(env.job_store), utc=True,
                                   storage_class=QueueFile)
        self._task = self.huey.task(name="raccord.run")(self._execute)

    # -- producing -----------------------------------------------------------------------
    def enqueue(self, name: str, delay_s: float = 0.0, **kwargs: Any) -> None:
        if name not in JOBS:
            raise KeyError(f"unknown job {name!r}")
        if delay_s > 0:
            self._task.schedule(args=(name, kwargs), delay=delay_s)
        else:
            self._task(name, kwargs)

    def pending(self) -> int:
        return int(self.huey.pending_count()) + int(self.huey.scheduled_count())

    # -- consuming -----------------------------------------------------------------------
    def run_pending(self, include_scheduled: bool = False) -> int:
        """Run every queued job now, in this thread (tests, `raccord worker --once`): the due
        delayed ones too, and with `include_scheduled` those not yet due."""
        done = 0
        while True:
            horizon = datetime.max if include_scheduled else datetime.now(UTC).replace(tzinfo=None)
            for task in self.huey.read_schedule(horizon):
                self.huey.enqueue(task)
            task = self.huey.dequeue()
            if task is None:
                return done
            if task.eta is not None and not self.huey.ready_to_run(task):
                if not include_scheduled:
                    self.huey.add_schedule(task)
                    continue
                task.eta = None  # run it now; huey would put it back in the schedule
            self.huey.execute(task)
            done += 1

    def consumer(self, workers: int = 2) -> Any:
        # Worker threads mostly wait (on services, on paced slots): a shorter interpreter
        # switch interval lets a thread whose slot has come run within a millisecond rather
        # than five, so that paced calls leave on time (measured in bench/chorus_throughput).
        sys.setswitchinterval(0.001)
        # Likewise a full garbage collection stops every thread: what was loaded at start-up
        # is set aside from it. (Raising the thresholds makes pauses rarer but far longer:
        # measured 75 ms for a young generation of 50,000 objects.)
        gc.freeze()
        return self.huey.create_consumer(workers=workers, worker_type="thread", periodic=False,
                                         check_worker_health=True, backoff=1.15, max_delay=1.0)

    def _execute(self, name: str, kwargs: dict[str, Any]) -> None:
        run_job(self.hub, name, kwargs)


def run_job(hub: Hub, name: str, kwargs: dict[str, Any]) -> JobRun:
    """Run one job with its run recorded (start, end, outcome, counts, error); a quiet job's
    run only when it fails."""
    definition = JOBS[name]
    started = utcnow()
    run_id: int | None = None
    if not definition.quiet:
        with hub.db.session() as session:
            run = JobRun(task=name, interface=definition.interface, started_at=started)
            session.add(run)
            session.flush()
            run_id = run.id
    outcome, counts, error, transient = "success", None, None, False
    said: Tr | None = None
    try:
        counts = definition.function(hub, **kwargs)
    except Exception as exc:  # recorded and shown; the worker goes on with the next job
        outcome = "failure"
        diagnosis = getattr(exc, "diagnosis", None)
        # A timeout or a spent quota is not a person's business; a refused key is.
        transient = bool(getattr(diagnosis, "transient", False)) or hasattr(exc, "resets_at")
        message = getattr(exc, "message", None)
        if message is None and diagnosis is not None:
            message = diagnosis.message
        plain = f"{type(exc).__name__}: {exc}"
        said = Tr(hub.redactor.text(message.fr), hub.redactor.text(message.en)) if isinstance(
            message, Tr) else Tr(hub.redactor.text(plain), hub.redactor.text(plain))
        # Both languages are kept (the page shows the reader's); English first, for the logs.
        error = said.en if said.fr == said.en else f"{said.en}{ERROR_FR_MARK}{said.fr}"
        log.warning("job %s failed: %s", name, said.en)
    row = JobRun(task=name, interface=definition.interface, started_at=started)
    if run_id is not None or outcome != "success":
        with hub.db.session() as session:
            found = session.get(JobRun, run_id) if run_id is not None else None
            if found is None:
                session.add(row)
            else:
                row = found
            row.finished_at = utcnow()
            row.outcome = outcome
            row.counts = counts
            row.error = error
    else:
        row.finished_at, row.outcome, row.counts = utcnow(), outcome, counts
    if definition.interface is not None and definition.interface in hub.settings.schemas:
        task = task_label(name)
        done = counts_tr(counts)
        summary = said or Tr(f"{task.fr} : {done.fr or 'rien à faire'}.",
                             f"{task.en}: {done.en or 'nothing to do'}.")
        hub.record_status(definition.interface, outcome == "success", f"job:{name}", summary,
                          transient=transient)
    return row


class Scheduler:
    """Enqueues each scheduled job when due. Several schedulers may run (one per `raccord
    serve` or `raccord worker --scheduler`): a run is claimed by a conditional update, so it
    is enqueued once."""

    def __init__(self, hub: Hub, tick_s: float = 1.0) -> None:
        self.hub = hub
        self.tick_s = tick_s
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> Scheduler:
        self.arm_startup_delays()
        self._thread = threading.Thread(target=self._loop, name="raccord-scheduler", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=5)

    def _loop(self) -> None:
        while not self._stop.is_set():
            try:
                self.tick()
            except Exception as exc:  # a database hiccup must not kill the scheduler
                log.warning("scheduler tick failed: %s", self.hub.redactor.text(str(exc)))
            self._stop.wait(self.tick_s)

    def _setting(self, schedule: ScheduleDef, key: str | None, fallback: int) -> int:
        if key is None or schedule.interface is None:
            return fallback
        value = self.hub.values(schedule.interface).get(key)
        return int(value) if isinstance(value, int) else fallback

    def arm_startup_delays(self) -> None:
        """The first run comes `startup_delay_s` after start (the seed's 20 s)."""
        now = utcnow()
        with self.hub.db.session() as session:
            for schedule in SCHEDULES.values():
                delay = self._setting(schedule, schedule.startup_key, 60)
                row = session.get(ScheduleState, schedule.job)
                first = now + timedelta(seconds=delay)
                if row is None:
                    session.add(ScheduleState(task=schedule.job, next_run_at=first))
                else:
                    row.next_run_at = first
                    row.last_run_at = None

    def due_at(self, schedule: ScheduleDef, row: ScheduleState) -> Any:
        if row.last_run_at is None:
            return row.next_run_at
        interval = self._setting(schedule, schedule.interval_key, schedule.every_s)
        return aware(row.last_run_at) + timedelta(seconds=interval)

    def tick(self) -> list[str]:
        """Enqueue what is due now; returns the jobs enqueued."""
        enqueued = []
        now = utcnow()
        for schedule in SCHEDULES.values():
            if schedule.interface is not None:
                values = self.hub.values(schedule.interface)
                if "enabled" in values and not values["enabled"]:
                    continue
            with self.hub.db.session() as session:
                row = session.get(ScheduleState, schedule.job)
                if row is None:
                    session.add(ScheduleState(task=schedule.job, next_run_at=now))
                    continue
                if aware(self.due_at(schedule, row)) > now:
                    continue
                interval = self._setting(schedule, schedule.interval_key, schedule.every_s)
                claimed = session.execute(  # type: ignore[attr-defined]
                    update(ScheduleState)
                    .where(ScheduleState.task == schedule.job,
                           ScheduleState.generation == row.generation)
                    .values(last_run_at=now, next_run_at=now + timedelta(seconds=interval),
                            generation=row.generation + 1)
                ).rowcount
            if claimed:
                self.hub.jobs.enqueue(schedule.job)
                enqueued.append(schedule.job)
        return enqueued


def run_error(run: JobRun, lang: str) -> str:
    """A run's error in the reader's language."""
    english, _, french = (run.error or "").partition(ERROR_FR_MARK)
    return french if lang == "fr" and french else english


def recent_runs(hub: Hub, limit: int = 50, interface: str | None = None) -> list[JobRun]:
    with hub.db.session() as session:
        query = select(JobRun).order_by(JobRun.id.desc()).limit(limit)
        if interface:
            query = query.where(JobRun.interface == interface)
        return list(session.scalars(query))

