"""A job for the worker-process tests: it appends "<n> <pid>" to a file, so that the test sees
which process ran which job, and how many times. Worker processes import this module before
running `raccord worker` (see test_workers.py)."""

from __future__ import annotations

import os
import time

from raccord.core.hub import Hub
from raccord.core.jobs import job

PROBE_JOB = "probe.record"


@job(PROBE_JOB, interface="probe")
def record(hub: Hub, n: int, path: str, pause_s: float = 0.05) -> dict[str, int]:
    time.sleep(pause_s)  # long enough for every worker to take a share
    with open(path, "a", encoding="utf-8") as handle:  # O_APPEND: one line, written whole
        handle.write(f"{n} {os.getpid()}\n")
    return {"recorded": 1}
