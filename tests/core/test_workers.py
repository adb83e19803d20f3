"""Several `raccord worker` processes on other machines share one queue (Redis) and one
database (PostgreSQL): every job runs exactly once, and every worker takes its share."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pytest
from sqlalchemy import select

from raccord.core.config import Environment
from raccord.core.models import JobRun
from raccord.wiring import open_hub
from tests.conftest import make_env
from tests.core.worker_probe import PROBE_JOB

ROOT = Path(__file__).resolve().parents[2]
# `raccord worker`, with the test's probe job importable (the CLI's own entry point).
WORKER = ("import sys; import tests.core.worker_probe; from raccord.cli import main; "
          "sys.argv = ['raccord', 'worker', '--workers', '2', '--no-scheduler']; main()")
JOBS = 40


class Worker:
    def __init__(self, env: Environment, log: Path, pycache: Path) -> None:
        variables = {**os.environ, "RACCORD_HOME": str(env.home),
                     "RACCORD_DATABASE_URL": env.database_url,
                     "RACCORD_REDIS_URL": env.redis_url or "", "PYTHONUNBUFFERED": "1",
                     "PYTHONPATH": str(ROOT), "RACCORD_LANG": "en"}
        if variables.pop("PYTHONDONTWRITEBYTECODE", None):
            # Compiled once by the first worker, outside the source tree, reused by the second.
            variables["PYTHONPYCACHEPREFIX"] = str(pycache)
        self.log = log
        self.output = log.open("w")
        self.process = subprocess.Popen([sys.executable, "-c", WORKER], cwd=ROOT,
                                        env=variables, stdout=self.output,
                                        stderr=subprocess.STDOUT)

    def started(self) -> bool:
        if self.process.poll() is not None:
            raise AssertionError(f"the worker exited: {self.log.read_text()}")
        return "raccord worker:" in self.log.read_text()

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)  # huey's graceful stop

    def wait(self) -> None:
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=5)
        self.output.close()


def wait_for(condition: object, timeout_s: float, what: str) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if condition():  # type: ignore[operator]
            return
        time.sleep(0.1)
    raise AssertionError(f"timed out waiting for {what}")


@pytest.mark.postgres
@pytest.mark.redis
def test_two_worker_processes_share_one_queue_and_run_each_job_once(
        postgres_url: str, redis_url: str, tmp_path: Path) -> None:
    env = make_env(tmp_path / "home", database_url=postgres_url, redis_url=redis_url)
    hub = open_hub(env)  # migrates the database and makes the key file, before the workers start
    ran = tmp_path / "ran.txt"
    ran.touch()
    workers: list[Worker] = []
    try:
        for i in range(2):  # one after the other: the second starts from compiled modules
            workers.append(Worker(env, tmp_path / f"worker-{i}.log", tmp_path / "pycache"))
            wait_for(workers[-1].started, 90, f"worker {i} to start")
        for n in range(JOBS):
            hub.jobs.enqueue(PROBE_JOB, n=n, path=str(ran))
        wait_for(lambda: len(ran.read_text().splitlines()) >= JOBS, 60, "every job to run")
        time.sleep(0.5)  # a job run twice would show up now
    finally:
        for worker in workers:
            worker.stop()
        for worker in workers:
            worker.wait()
    lines = [line.split() for line in ran.read_text().splitlines()]
    runs_per_job = Counter(int(n) for n, _ in lines)
    assert runs_per_job == Counter(range(JOBS)), "a job ran twice, or never"
    pids = {pid for _, pid in lines}
    assert pids == {str(w.process.pid) for w in workers}, "a worker took no job"
    assert hub.jobs.pending() == 0
    with hub.db.session() as session:
        runs = list(session.scalars(select(JobRun).where(JobRun.task == PROBE_JOB)))
    assert len(runs) == JOBS
    assert all(r.outcome == "success" and r.counts == {"recorded": 1} for r in runs)
