"""Evenly spaced calls to the portal, shared by every worker.

The core ceiling (`hub.limiter`) caps calls per sliding second at the sender. The portal counts
them when they arrive, a few milliseconds later and not always in the same order, so a sender
that fills its second to the brim is sometimes over the portal's count. The pacer hands out
slots `MARGIN / rate` seconds apart (in Redis when distributed) so that the calls arrive spread
over the second with a little room to spare, and the ceiling is never reached in a burst.
"""

from __future__ import annotations

import threading
import time
import weakref
from typing import Any

# 4 % of room: calls arriving up to 40 ms out of step still fit in the portal's second
# (measured: the ratio achieved/ceiling stays above 0.95; more room would take it under).
MARGIN = 1.04

_RESERVE = """
local now_parts = redis.call('TIME')
local now = tonumber(now_parts[1]) + tonumber(now_parts[2]) / 1000000
local interval = tonumber(ARGV[1])
local nxt = tonumber(redis.call('GET', KEYS[1]) or '0')
local slot = math.max(now, nxt)
redis.call('SET', KEYS[1], tostring(slot + interval), 'PX', 120000)
return tostring(slot - now)
"""


class Pacer:
    """Reserve the next free slot; the caller sleeps until it comes."""

    def __init__(self, redis_url: str | None) -> None:
        self._lock = threading.Lock()
        self._next: dict[str, float] = {}
        self._redis: Any = None
        self._script: Any = None
        if redis_url:
            import redis

            self._redis = redis.Redis.from_url(redis_url)
            self._script = self._redis.register_script(_RESERVE)

    def delay(self, key: str, rate: float) -> float:
        """Seconds to wait before this call may go (the slot is reserved)."""
        interval = MARGIN / max(rate, 0.001)
        if self._script is not None:
            return float(self._script(keys=[f"raccord:pacer:{key}"], args=[interval]))
        with self._lock:
            now = time.monotonic()
            slot = max(now, self._next.get(key, 0.0))
            self._next[key] = slot + interval
            return slot - now



_pacers: weakref.WeakKeyDictionary[Any, Pacer] = weakref.WeakKeyDictionary()
_pacers_lock = threading.Lock()


def pacer_for(limiter: Any, redis_url: str | None) -> Pacer:
    """One pacer per hub limiter: in memory for one process, in Redis for several."""
    with _pacers_lock:
        found = _pacers.get(limiter)
        if found is None:
            found = Pacer(redis_url)
            _pacers[limiter] = found
        return found
