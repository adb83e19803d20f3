"""The console served for real (HTTP on a free port) with in-process workers and no scheduler,
the sandbox's simulators' webhooks pointed at it as `raccord serve --sandbox` does: whatever
changes then came through a webhook, never through the schedule."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TypeVar

from raccord.core.hub import Hub
from raccord.core.workers import InProcessWorkers
from raccord.interfaces.signature.simulator import universign
from raccord.sandbox.server import ThreadedServer
from raccord.sandbox.setup import Sandbox, connect_webhooks
from raccord.web import create_app

T = TypeVar("T")


@contextmanager
def live_console(hub: Hub, sandbox: Sandbox) -> Iterator[str]:
    server = ThreadedServer(create_app(hub)).start()
    workers = InProcessWorkers(hub, workers=1, scheduler=False).start()
    try:
        assert {"bank", "signature"} <= set(connect_webhooks(hub, sandbox, server.url))
        yield server.url
    finally:
        sandbox.simulators["bank"].state["webhook"].clear()
        universign(sandbox.simulators["signature"]).webhooks.endpoint = None
        workers.stop()
        server.stop()


def wait_for(what: Callable[[], T | None], timeout_s: float = 30.0) -> T:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        found = what()
        if found:
            return found
        time.sleep(0.1)
    raise AssertionError(f"not within {timeout_s} s")
