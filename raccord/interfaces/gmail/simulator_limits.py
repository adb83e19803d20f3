"""Gmail's per-user limits as the simulator enforces them: quota units per user per second
(a send costs 100, a list 5) and the daily sending limit per mailbox, counted per Pacific
day as Google does. Over either, Google's 429 answer."""

from __future__ import annotations

import threading
import time
from collections import deque
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from fastapi.responses import JSONResponse

SEND_UNITS = 100
PACIFIC = ZoneInfo("America/Los_Angeles")


def _rate_error(message: str, retry_after_s: int | None) -> JSONResponse:
    body = {"error": {"code": 429, "message": message, "status": "RESOURCE_EXHAUSTED",
                      "errors": [{"message": message, "domain": "usageLimits",
                                  "reason": "rateLimitExceeded"}]}}
    headers = {"Retry-After": str(retry_after_s)} if retry_after_s else None
    return JSONResponse(body, status_code=429, headers=headers)


@dataclass
class UserLimits:
    units_per_second: int = 250
    daily_sends: int = 2000
    lock: threading.Lock = field(default_factory=threading.Lock)
    # Calls refused for each reason (tests and benchmarks read them).
    refused: dict[str, int] = field(default_factory=lambda: {"rate": 0, "daily": 0})

    def _user(self, usage: dict[str, Any], who: str) -> dict[str, Any]:
        today = datetime.now(PACIFIC).date().isoformat()
        user: dict[str, Any] = usage.setdefault(who, {"day": today, "sends": 0,
                                                      "units": deque()})
        if user["day"] != today:
            user["day"], user["sends"] = today, 0
        return user

    def take_units(self, usage: dict[str, Any], who: str, units: int) -> JSONResponse | None:
        with self.lock:
            return self._units(self._user(usage, who), units)

    def _units(self, user: dict[str, Any], units: int) -> JSONResponse | None:
        now = time.monotonic()
        window: deque[tuple[float, int]] = user["units"]
        while window and window[0][0] <= now - 1.0:
            window.popleft()
        if sum(u for _, u in window) + units > self.units_per_second:
            self.refused["rate"] += 1
            return _rate_error("User-rate limit exceeded.  Retry after 1s", 1)
        window.append((now, units))
        return None

    def take_send(self, usage: dict[str, Any], who: str) -> JSONResponse | None:
        with self.lock:
            user = self._user(usage, who)
            if user["sends"] >= self.daily_sends:
                self.refused["daily"] += 1
                return _rate_error("Daily user sending limit exceeded.", None)
            refused = self._units(user, SEND_UNITS)
            if refused is None:
                user["sends"] += 1
            return refused
