"""A real `raccord worker` in its own process, for tests that kill one with SIGKILL mid-way
and start another on the same installation (RACCORD_HOME: its database and job queue)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def start_worker(home: Path, workers: int = 2, log: str = "worker.log"
                 ) -> subprocess.Popen[bytes]:
    """`raccord worker --no-scheduler` on `home`; its output goes to `home / log`."""
    env = dict(os.environ, RACCORD_HOME=str(home), PYTHONPATH=str(ROOT))
    env.pop("RACCORD_REDIS_URL", None)
    return subprocess.Popen([sys.executable, "-c", "from raccord.cli import main; main()",
                             "worker", "--workers", str(workers), "--no-scheduler"], cwd=ROOT,
                            env=env, stdout=open(home / log, "ab"), stderr=subprocess.STDOUT)


def kill(worker: subprocess.Popen[bytes]) -> None:
    """SIGKILL: no handler runs, nothing is released or recorded on the way out."""
    worker.send_signal(signal.SIGKILL)
    worker.wait()


def wait_until(predicate: Callable[[], object], timeout_s: float) -> bool:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.05)
    return False


def log_tail(home: Path, log: str = "worker.log", size: int = 3000) -> str:
    path = home / log
    return path.read_text(errors="replace")[-size:] if path.exists() else ""
