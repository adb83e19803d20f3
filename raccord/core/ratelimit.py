"""Ceilings shared by every worker: in memory when embedded, in Redis when distributed.

Three kinds of ceiling, one per way services count:
- a rate over a sliding window (`second`, `minute`): a call waits for room;
- a *paced* rate: the calls are also handed evenly spaced slots, so that they never go in a
  burst (a burst filling a second to the brim at the sender is over the count at the
  service whenever the network delays the first calls a little more than the last); with
  `spaced=False`, a budget over a long window (Graph's 10,000 requests per 10 minutes) whose
  calls may go in bursts, each still counted from when it was written out;
- a daily quota (`day`): counted per calendar day in the service's time zone, and when it is
  spent the call is refused at once with the time it resumes (`QuotaExhausted`). A call the
  service refused for its rate (429) or that never reached it is given back (`refused`): it
  did nothing, so it does not count against the day (Gmail does not count a refused send).
"""

from __future__ import annotations

import math
import threading
import time
import uuid
import weakref
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, cast
from zoneinfo import ZoneInfo

from limits import (
    RateLimitItem,
    RateLimitItemPerDay,
    RateLimitItemPerMinute,
    RateLimitItemPerSecond,
    parse,
)
from limits.storage import MemoryStorage, Storage, storage_from_string
from limits.strategies import MovingWindowRateLimiter

from raccord.core.formats import moment
from raccord.core.i18n import Tr

__all__ = ["Attempts", "Ceiling", "QuotaExhausted", "RateLimiter", "parse", "per"]

# Paced slots are this much further apart than rate alone requires: calls that reach the
# service up to 4 % of the window out of step (40 ms in a second) still fit in its count.
PACING_ROOM = 1.04
# Two paced calls never leave closer than this share of their interval (see Pacer.claim).
MIN_GAP = 0.5
DAY_KEY_TTL_S = 2 * 86400


def per(unit: str, amount: int, multiples: int = 1) -> RateLimitItem:
    return {"second": RateLimitItemPerSecond, "minute": RateLimitItemPerMinute,
            "day": RateLimitItemPerDay}[unit](amount, multiples)


WINDOW_S = {"second": 1.0, "minute": 60.0, "day": 86400.0}


@dataclass(frozen=True)
class Ceiling:
    """A limit read live from the settings: `amount` is called before every acquire."""

    name: str
    unit: str
    amount: Callable[[], int]
    # When exhausted, wait for a slot (rate) or stop and report (daily quota).
    blocking: bool = True
    # Rates only: hand out evenly spaced slots instead of letting calls go in bursts.
    paced: bool = False
    # Paced rates only: False lets the calls go in bursts (no slots, no gap) while each is
    # still counted from when its request was written out (`left`).
    spaced: bool = True
    # Rates: the window is this many units (`amount` calls in any 61 seconds).
    multiples: int = 1
    # Daily quotas only: the service's day, and the calls already made today (read once when
    # an embedded process first counts a day, so that a restart does not start from zero).
    timezone: str = "Europe/Paris"
    used_today: Callable[[], int] | None = None


class QuotaExhausted(Exception):
    def __init__(self, name: str, resets_at: float) -> None:
        when = datetime.fromtimestamp(resets_at, UTC)
        self.message = Tr(
            f"Quota « {name} » épuisé : reprise automatique le {moment(when, 'fr', True)}.",
            f"Quota '{name}' used up: resumes by itself at {moment(when, 'en', True)}.")
        super().__init__(self.message.en)
        self.name = name
        self.resets_at = resets_at


_RESERVE_SLOT = """
local now_parts = redis.call('TIME')
local now = tonumber(now_parts[1]) + tonumber(now_parts[2]) / 1000000
local interval = tonumber(ARGV[1])
local nxt = tonumber(redis.call('GET', KEYS[1]) or '0')
local slot = math.max(now, nxt)
redis.call('SET', KEYS[1], tostring(slot + interval), 'PX', 120000)
return tostring(slot - now)
"""

_CLAIM = """
local now_parts = redis.call('TIME')
local now = tonumber(now_parts[1]) + tonumber(now_parts[2]) / 1000000
local limit = tonumber(ARGV[1])
local window = tonumber(ARGV[2])
local gap = tonumber(ARGV[4])
local last = tonumber(redis.call('GET', KEYS[2]) or '0')
if now < last + gap then
  return tostring(last + gap - now)
end
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - window)
if redis.call('ZCARD', KEYS[1]) >= limit then
  local oldest = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
  return tostring(math.max(tonumber(oldest[2]) + window - now, 0.001))
end
redis.call('ZADD', KEYS[1], now, ARGV[3])
redis.call('PEXPIRE', KEYS[1], math.ceil(window * 1000) + 1000)
redis.call('SET', KEYS[2], tostring(now), 'PX', math.ceil(window * 1000) + 1000)
return '0'
"""

_LEFT = """
local now_parts = redis.call('TIME')
local now = tonumber(now_parts[1]) + tonumber(now_parts[2]) / 1000000
redis.call('ZADD', KEYS[1], 'XX', now, ARGV[1])
return '0'
"""


@dataclass(frozen=True)
class Ticket:
    """A call counted under a paced ceiling, or (`day`) under a daily quota, whose `key` is
    then the day's count."""

    key: str
    id: str
    day: bool = False


class Pacer:
    """Evenly spaced slots, and the calls sent within the last window, shared by every thread
    (memory) or every process (Redis, whose clock is then the one reference for all
    machines).

    A call is counted when it is allowed to go, then counted again from the moment its
    request has been written out: a process paused in between (garbage collection, a busy
    machine) would otherwise let calls claimed before the pause reach the service together
    with the ones claimed after it."""

    def __init__(self, redis_url: str | None) -> None:
        self._lock = threading.Lock()
        self._next: dict[str, float] = {}
        self._sent: dict[str, dict[str, float]] = {}
        self._last: dict[str, float] = {}
        self._redis: Any = None
        self._scripts: dict[str, Any] = {}
        if redis_url:
            import redis

            self._redis = redis.Redis.from_url(redis_url)
            self._scripts = {name: self._redis.register_script(code) for name, code in
                             (("reserve", _RESERVE_SLOT), ("claim", _CLAIM), ("left", _LEFT))}

    def delay(self, key: str, interval_s: float) -> float:
        """Reserve the next free slot; seconds until it comes."""
        if self._redis is not None:
            return max(0.0, float(self._scripts["reserve"](keys=[f"raccord:pacer:{key}"],
                                                           args=[interval_s])))
        with self._lock:
            now = time.monotonic()
            slot = max(now, self._next.get(key, 0.0))
            self._next[key] = slot + interval_s
            return slot - now

    def claim(self, key: str, limit: int, window_s: float, min_gap_s: float = 0.0
              ) -> tuple[float, Ticket | None]:
        """Count a call going now if fewer than `limit` went in the last `window_s` seconds
        and the last one went at least `min_gap_s` ago: (0.0, its ticket); else (seconds
        until one may go, None). The gap keeps calls that waited for room together (their
        slots passed) from leaving in twos and threes, bunches the window would then repeat
        every `window_s`."""
        ticket = Ticket(key, uuid.uuid4().hex)
        if self._redis is not None:
            wait = float(self._scripts["claim"](
                keys=[f"raccord:sent:{key}", f"raccord:last:{key}"],
                args=[limit, window_s, ticket.id, min_gap_s]))
            return (wait, None) if wait > 0 else (0.0, ticket)
        with self._lock:
            now = time.monotonic()
            last = self._last.get(key, float("-inf"))
            if now < last + min_gap_s:
                return last + min_gap_s - now, None
            sent = {t: at for t, at in self._sent.get(key, {}).items() if at > now - window_s}
            self._sent[key] = sent
            if len(sent) >= limit:
                return max(min(sent.values()) + window_s - now, 0.001), None
            sent[ticket.id] = now
            self._last[key] = now
            return 0.0, ticket

    def left(self, ticket: Ticket) -> None:
        """The call's request has been written out: it counts from now."""
        if self._redis is not None:
            self._scripts["left"](keys=[f"raccord:sent:{ticket.key}"], args=[ticket.id])
            return
        with self._lock:
            sent = self._sent.get(ticket.key)
            if sent is not None and ticket.id in sent:
                sent[ticket.id] = time.monotonic()

    def sent_within(self, key: str, window_s: float) -> int:
        """How many calls went in the last `window_s` seconds."""
        if self._redis is not None:
            seconds, micros = self._redis.time()
            now = seconds + micros / 1_000_000
            return int(self._redis.zcount(f"raccord:sent:{key}", f"({now - window_s}", "+inf"))
        with self._lock:
            now = time.monotonic()
            return sum(1 for at in self._sent.get(key, {}).values() if at > now - window_s)


class SweptMemory(MemoryStorage):
    """`limits`' MemoryStorage, without its expiry Timer: it starts a new Timer thread on
    every count when none is alive (10 ms), so at one call every few tens of milliseconds each
    paced call started a thread first (a GIL hand-over to a thread the OS must schedule, seen
    in bench/mail_send.py; and, unguarded, two threads could start the same Timer). Every read
    checks expiry itself, so the only sweeping left is freeing memory: one daemon thread does
    it every second, for as long as the storage lives."""

    def __init__(self, uri: str | None = None, **options: Any) -> None:
        super().__init__(uri, **options)
        self.timer.cancel()
        this = weakref.ref(self)

        def sweep() -> None:
            while (storage := this()) is not None:
                storage._MemoryStorage__expire_events()  # type: ignore[attr-defined]
                del storage
                time.sleep(1.0)

        threading.Thread(target=sweep, name="raccord-limiter-sweep", daemon=True).start()

    def _MemoryStorage__schedule_expiry(self) -> None:
        """Called by MemoryStorage on every count: the sweeper does it instead."""


class RateLimiter:
    def __init__(self, storage_uri: str, sleep: Callable[[float], None] = time.sleep) -> None:
        self.storage = SweptMemory() if storage_uri.startswith("memory") else cast(
            Storage, storage_from_string(storage_uri))
        self.strategy = MovingWindowRateLimiter(self.storage)
        self.distributed = storage_uri.startswith("redis")
        self.pacer = Pacer(storage_uri if storage_uri.startswith("redis") else None)
        self.sleep = sleep
        # Redis keeps its counts across restarts; a process's memory does not, so it starts
        # its day from what the ceiling says was already used.
        self._seeds = not storage_uri.startswith("redis")
        self._seeded: set[str] = set()
        self._seeding = threading.Lock()

    def acquire(self, interface: str, ceilings: list[Ceiling], deadline_s: float = 3600
                ) -> list[Ticket]:
        """Take one slot under every ceiling: daily quotas first (a spent one raises at once,
        before any wait), then the rates, waiting for their room. Give the tickets to `left`
        once the request is written out, to `refused` if the service refused it (429) or it
        never reached the service."""
        give_up = time.monotonic() + deadline_s
        self._wait_while_paused(interface)
        tickets: list[Ticket] = []
        try:
            for ceiling in ceilings:
                if ceiling.unit == "day":
                    tickets.append(self._count_today(interface, ceiling))
            for ceiling in ceilings:
                if ceiling.unit == "day":
                    continue
                amount = max(1, ceiling.amount())
                if ceiling.paced:
                    tickets.append(self._paced(f"{interface}:{ceiling.name}", amount,
                                               WINDOW_S[ceiling.unit] * ceiling.multiples,
                                               give_up, ceiling.spaced))
                    continue
                self._hit(f"{interface}:{ceiling.name}", ceiling, amount, give_up)
        except BaseException:
            self.refused(tickets)  # the call does not go: today's counts are given back
            raise
        return tickets

    def _hit(self, key: str, ceiling: Ceiling, amount: int, give_up: float) -> None:
        item = per(ceiling.unit, amount, ceiling.multiples)
        while not self.strategy.hit(item, "raccord", key):
            stats = self.strategy.get_window_stats(item, "raccord", key)
            if not ceiling.blocking or time.monotonic() > give_up:
                raise QuotaExhausted(ceiling.name, stats.reset_time)
            self.sleep(min(max(stats.reset_time - time.time(), 0.005), 0.25))

    def pause(self, interface: str, seconds: float) -> None:
        """Hold every caller of `interface` sharing this storage (all workers with Redis) for
        `seconds`: after a service's 429, the others wait too instead of hitting it again."""
        self.storage.incr(f"raccord/{interface}/paused", max(1, math.ceil(seconds)))

    def _wait_while_paused(self, interface: str) -> None:
        key = f"raccord/{interface}/paused"
        while self.storage.get(key) > 0:
            until = self.storage.get_expiry(key)
            self.sleep(min(max(until - time.time(), 0.01), 0.5))

    def left(self, tickets: list[Ticket]) -> None:
        for ticket in tickets:
            if not ticket.day:
                self.pacer.left(ticket)

    def refused(self, tickets: list[Ticket]) -> None:
        """The call did nothing at the service (refused for its rate, or never reached it):
        it no longer counts against the daily quotas. (Its paced slot stays taken: the
        service's window had no room for it.)"""
        for ticket in tickets:
            if ticket.day:
                self._give_back(ticket.key)

    def _give_back(self, key: str) -> None:
        if self.storage.get(key) > 0:
            self.storage.incr(key, DAY_KEY_TTL_S, -1)

    def _paced(self, key: str, amount: int, window_s: float, give_up: float,
               spaced: bool = True) -> Ticket:
        # Slots PACING_ROOM apart, and never `amount` calls within PACING_ROOM windows: the
        # room absorbs calls reaching the service a little out of step.
        room = PACING_ROOM * window_s
        interval = room / amount
        if spaced:
            self.sleep(self.pacer.delay(key, interval))
        while True:
            wait, ticket = self.pacer.claim(key, amount, room,
                                            MIN_GAP * interval if spaced else 0.0)
            if ticket is not None:
                return ticket
            if time.monotonic() > give_up:
                raise QuotaExhausted(key.split(":")[-1], time.time() + wait)
            self.sleep(wait)

    def usage(self, interface: str, ceiling: Ceiling) -> tuple[int, int]:
        """(used, limit) over the ceiling's current window (today, for a daily quota)."""
        amount = max(1, ceiling.amount())
        if ceiling.unit == "day":
            key = self._day_key(interface, ceiling)
            self._seed(key, ceiling)
            return min(self.storage.get(key), amount), amount
        if ceiling.paced:
            return self.pacer.sent_within(f"{interface}:{ceiling.name}",
                                          WINDOW_S[ceiling.unit] * ceiling.multiples), amount
        item = per(ceiling.unit, amount, ceiling.multiples)
        stats = self.strategy.get_window_stats(item, "raccord", f"{interface}:{ceiling.name}")
        return amount - stats.remaining, amount

    # -- daily quotas --------------------------------------------------------------------
    @staticmethod
    def _today(ceiling: Ceiling) -> datetime:
        return datetime.now(ZoneInfo(ceiling.timezone))

    def _day_key(self, interface: str, ceiling: Ceiling) -> str:
        return f"raccord:day:{interface}:{ceiling.name}:{self._today(ceiling).date().isoformat()}"

    def _seed(self, key: str, ceiling: Ceiling) -> None:
        if key in self._seeded:
            return
        with self._seeding:
            if key in self._seeded:
                return
            if self._seeds and ceiling.used_today is not None and self.storage.get(key) == 0:
                already = ceiling.used_today()
                if already > 0:
                    self.storage.incr(key, DAY_KEY_TTL_S, already)
            self._seeded.add(key)

    def _count_today(self, interface: str, ceiling: Ceiling) -> Ticket:
        key = self._day_key(interface, ceiling)
        self._seed(key, ceiling)
        if self.storage.incr(key, DAY_KEY_TTL_S) > max(1, ceiling.amount()):
            self._give_back(key)  # refused here: it counts no more than a refused call
            now = self._today(ceiling)
            midnight = (now + timedelta(days=1)).replace(hour=0, minute=0, second=0,
                                                         microsecond=0)
            raise QuotaExhausted(ceiling.name, midnight.timestamp())
        return Ticket(key, "", day=True)


@dataclass(frozen=True)
class Attempts:
    """Failed attempts (a wrong password, a wrong API key) counted per key over a sliding
    window, in the limiter's storage (every process shares them with Redis): once `amount`
    failed within `seconds`, the next attempt waits until the oldest leaves the window."""

    limiter: RateLimiter
    name: str
    amount: int
    seconds: int

    @property
    def _item(self) -> RateLimitItem:
        return RateLimitItemPerSecond(self.amount, self.seconds)

    def wait(self, key: str) -> float:
        """Seconds before `key` may try again (0.0: now)."""
        strategy = self.limiter.strategy
        if strategy.test(self._item, "raccord-attempts", self.name, key):
            return 0.0
        stats = strategy.get_window_stats(self._item, "raccord-attempts", self.name, key)
        return max(stats.reset_time - time.time(), 1.0)

    def failed(self, key: str) -> None:
        self.limiter.strategy.hit(self._item, "raccord-attempts", self.name, key)

    def forget(self, key: str) -> None:
        """A success: the key's failures no longer count."""
        self.limiter.strategy.clear(self._item, "raccord-attempts", self.name, key)
