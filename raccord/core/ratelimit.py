"""Ceilings shared by every worker: in memory when embedded, in Redis when distributed."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

from limits import (
    RateLimitItem,
    RateLimitItemPerDay,
    RateLimitItemPerMinute,
    RateLimitItemPerSecond,
    parse,
)
from limits.storage import storage_from_string
from limits.strategies import MovingWindowRateLimiter

from raccord.core.i18n import Tr

__all__ = ["Ceiling", "QuotaExhausted", "RateLimiter", "parse", "per"]


def per(unit: str, amount: int) -> RateLimitItem:
    return {"second": RateLimitItemPerSecond, "minute": RateLimitItemPerMinute,
            "day": RateLimitItemPerDay}[unit](amount)


@dataclass(frozen=True)
class Ceiling:
    """A limit read live from the settings: `amount` is called before every acquire."""

    name: str
    unit: str
    amount: Callable[[], int]
    # When exhausted, wait for a slot (rate) or stop and report (daily quota).
    blocking: bool = True


class QuotaExhausted(Exception):
    def __init__(self, name: str, resets_at: float) -> None:
        when = time.strftime("%H:%M:%S", time.localtime(resets_at))
        self.message = Tr(
            f"Quota « {name} » épuisé : reprise automatique à {when}.",
            f"Quota '{name}' used up: resumes by itself at {when}.")
        super().__init__(self.message.en)
        self.name = name
        self.resets_at = resets_at


class RateLimiter:
    def __init__(self, storage_uri: str) -> None:
        self.storage = storage_from_string(storage_uri)
        self.strategy = MovingWindowRateLimiter(self.storage)

    def acquire(self, interface: str, ceilings: list[Ceiling], deadline_s: float = 3600) -> None:
        """Take one slot under every ceiling, waiting for rate slots; raise on a spent quota."""
        give_up = time.monotonic() + deadline_s
        for ceiling in ceilings:
            item = per(ceiling.unit, max(1, ceiling.amount()))
            key = f"{interface}:{ceiling.name}"
            while not self.strategy.hit(item, "raccord", key):
                stats = self.strategy.get_window_stats(item, "raccord", key)
                if not ceiling.blocking:
                    raise QuotaExhausted(ceiling.name, stats.reset_time)
                if time.monotonic() > give_up:
                    raise QuotaExhausted(ceiling.name, stats.reset_time)
                time.sleep(min(max(stats.reset_time - time.time(), 0.005), 0.25))

    def usage(self, interface: str, ceiling: Ceiling) -> tuple[int, int]:
        """(used, limit) over the ceiling's current window."""
        amount = max(1, ceiling.amount())
        item = per(ceiling.unit, amount)
        stats = self.strategy.get_window_stats(item, "raccord", f"{interface}:{ceiling.name}")
        return amount - stats.remaining, amount
