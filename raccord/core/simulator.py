"""Shared machinery of the simulators: fault injection, quotas, counters, token bookkeeping,
and the control API (`/_sim/...`) that tests and benchmarks use to steer a simulator."""

from __future__ import annotations

import asyncio
import json
import random
import secrets
import threading
import time
from collections import Counter, deque
from collections.abc import Awaitable, Callable, MutableMapping
from dataclasses import dataclass, field
from typing import Any

from fastapi import FastAPI
from pydantic import BaseModel

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]


class Faults(BaseModel):
    latency_ms: int = 0
    jitter_ms: int = 0
    error_rate: float = 0.0
    error_status: int = 503
    # Share of calls that hang without an answer (the client times out; nothing is done).
    timeout_rate: float = 0.0
    # Share of calls that are carried out but whose answer never comes back.
    drop_rate: float = 0.0
    hang_s: float = 30.0
    # The next N calls answer 429 / `fail_status`, whatever the quotas.
    force_429: int = 0
    fail_next: int = 0
    fail_status: int = 500
    # When set, `fail_next` and the error, timeout and drop rates hit only the calls whose
    # path contains it.
    fail_path: str = ""
    retry_after_s: int = 1
    # Quotas (None: the simulator's own default from its service).
    per_second: int | None = None
    per_minute: int | None = None
    per_day: int | None = None


@dataclass
class Quotas:
    per_second: int | None = None
    per_minute: int | None = None
    per_day: int | None = None


@dataclass
class Simulator:
    """State of one simulated service; the service's routes read and write `state`."""

    name: str
    default_quotas: Quotas = field(default_factory=Quotas)
    faults: Faults = field(default_factory=Faults)
    state: dict[str, Any] = field(default_factory=dict)
    counts: Counter[str] = field(default_factory=Counter)
    tokens: dict[str, float] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)
    _calls: deque[float] = field(default_factory=deque)
    http_429: int = 0
    app: ASGIApp | None = None

    # -- tokens --------------------------------------------------------------------------
    def issue_token(self, lifetime_s: int = 3600, prefix: str = "") -> str:
        token = prefix + secrets.token_urlsafe(24)
        self.tokens[token] = time.time() + lifetime_s
        return token

    def token_valid(self, token: str | None) -> bool:
        return bool(token) and self.tokens.get(token or "", 0) > time.time()

    def expire_tokens(self) -> None:
        self.tokens.clear()

    # -- quotas --------------------------------------------------------------------------
    def quota(self) -> Quotas:
        d, f = self.default_quotas, self.faults
        return Quotas(f.per_second or d.per_second, f.per_minute or d.per_minute,
                      f.per_day or d.per_day)

    def over_quota(self, now: float) -> float | None:
        """Record a call; return seconds to wait when it exceeds a quota, else None."""
        q = self.quota()
        with self.lock:
            calls = self._calls
            while calls and calls[0] <= now - 86400:
                calls.popleft()
            for limit, window in ((q.per_second, 1.0), (q.per_minute, 60.0), (q.per_day, 86400.0)):
                if limit is None or len(calls) < limit:
                    continue
                oldest_inside = calls[len(calls) - limit]  # the limit-th most recent call
                if oldest_inside > now - window:
                    return max(0.05, oldest_inside + window - now)
            calls.append(now)
            return None

    def reset(self) -> None:
        self.faults = Faults()
        self.counts.clear()
        self._calls.clear()
        self.http_429 = 0


async def _send_json(send: Send, status: int, body: Any, headers: dict[str, str] | None = None
                     ) -> None:
    payload = json.dumps(body).encode()
    raw = [(b"content-type", b"application/json"), (b"content-length", str(len(payload)).encode())]
    raw += [(k.lower().encode(), v.encode()) for k, v in (headers or {}).items()]
    await send({"type": "http.response.start", "status": status, "headers": raw})
    await send({"type": "http.response.body", "body": payload})


class FaultMiddleware:
    def __init__(self, app: ASGIApp, sim: Simulator,
                 error_body: Callable[[int], Any]) -> None:
        self.app = app
        self.sim = sim
        self.error_body = error_body

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        # Under a Mount, `path` keeps the mount prefix (`/chorus/_sim/...`): strip `root_path`.
        local_path = scope["path"][len(scope.get("root_path", "")):]
        if scope["type"] != "http" or local_path.startswith("/_sim"):
            await self.app(scope, receive, send)
            return
        sim, f = self.sim, self.sim.faults
        sim.counts[f"{scope['method']} {scope['path']}"] += 1
        # Quotas are counted when a call reaches the gateway, before the service works on it.
        wait = sim.over_quota(time.time())
        if f.force_429 > 0:
            f.force_429 -= 1
            wait = float(f.retry_after_s)
        if wait is not None:
            sim.http_429 += 1
            await _send_json(send, 429, self.error_body(429),
                             {"Retry-After": str(max(1, int(wait + 0.999)))})
            return
        if f.latency_ms or f.jitter_ms:
            await asyncio.sleep((f.latency_ms + random.uniform(0, f.jitter_ms)) / 1000)
        targeted = not f.fail_path or f.fail_path in local_path
        if f.fail_next > 0 and targeted:
            f.fail_next -= 1
            await _send_json(send, f.fail_status, self.error_body(f.fail_status))
            return
        roll = random.random() if targeted else 1.0 + f.timeout_rate + f.drop_rate
        if roll < f.error_rate:
            await _send_json(send, f.error_status, self.error_body(f.error_status))
            return
        if roll < f.error_rate + f.timeout_rate:
            await asyncio.sleep(f.hang_s)
            return
        if roll < f.error_rate + f.timeout_rate + f.drop_rate:
            async def swallow(_message: Message) -> None:
                return None

            await self.app(scope, receive, swallow)
            sim.counts["dropped"] += 1
            await asyncio.sleep(f.hang_s)
            return
        await self.app(scope, receive, send)


def add_control_api(app: FastAPI, sim: Simulator) -> None:
    @app.get("/_sim/stats", include_in_schema=False)
    def stats() -> dict[str, Any]:
        return {"name": sim.name, "counts": dict(sim.counts), "http_429": sim.http_429,
                "faults": sim.faults.model_dump()}

    @app.post("/_sim/faults", include_in_schema=False)
    def set_faults(faults: Faults) -> dict[str, Any]:
        sim.faults = faults
        return faults.model_dump()

    @app.post("/_sim/expire-tokens", include_in_schema=False)
    def expire() -> dict[str, str]:
        sim.expire_tokens()
        return {"status": "expired"}

    @app.post("/_sim/reset", include_in_schema=False)
    def reset() -> dict[str, str]:
        sim.reset()
        return {"status": "reset"}


def build(sim: Simulator, routes: FastAPI,
          error_body: Callable[[int], Any] = lambda status: {"error": status}) -> Simulator:
    """Wrap a service's routes with the control API and fault injection."""
    add_control_api(routes, sim)
    sim.app = FaultMiddleware(routes, sim, error_body)
    return sim
