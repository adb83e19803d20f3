"""Shared ceilings: paced rates hand out evenly spaced slots across every worker, sliding
windows are never over, and daily quotas count per calendar day and say when they resume."""

from __future__ import annotations

import threading
import time
from datetime import datetime
from zoneinfo import ZoneInfo

import httpx
import pytest

from raccord.core.diagnosis import Problem, ServiceError
from raccord.core.hub import Hub
from raccord.core.ratelimit import (
    PACING_ROOM,
    Ceiling,
    Pacer,
    QuotaExhausted,
    RateLimiter,
    Ticket,
)
from raccord.sandbox.setup import Sandbox


def _slots(pacers: list[Pacer], count: int, rate: float) -> list[float]:
    """When each reserved slot comes (a reservation answers a delay from its own now)."""
    key = f"test-{time.time_ns()}"
    for pacer in pacers:
        pacer.delay(f"{key}-warm", 1.0)  # connections and scripts loaded beforehand
    slots = []
    for n in range(count):
        before = time.monotonic()
        delay = pacers[n % len(pacers)].delay(key, PACING_ROOM / rate)
        slots.append((before + time.monotonic()) / 2 + delay)
    return slots


def test_one_process_hands_out_evenly_spaced_slots() -> None:
    slots = _slots([Pacer(None)], 10, 20)
    gaps = [b - a for a, b in zip(slots, slots[1:], strict=False)]
    assert all(abs(gap - PACING_ROOM / 20) < 0.01 for gap in gaps)


@pytest.mark.redis
def test_two_processes_sharing_redis_share_the_spacing(redis_url: str) -> None:
    slots = _slots([Pacer(redis_url), Pacer(redis_url)], 20, 20)
    gaps = [b - a for a, b in zip(slots, slots[1:], strict=False)]
    assert all(abs(gap - PACING_ROOM / 20) < 0.01 for gap in gaps)


def _sent_at(limiter: RateLimiter, ceilings: list[Ceiling], calls: int) -> list[float]:
    moments = []
    for _ in range(calls):
        limiter.acquire("svc", ceilings)
        moments.append(time.monotonic())
    return moments


def test_a_paced_rate_spreads_calls_and_never_fills_a_second() -> None:
    limiter = RateLimiter("memory://")
    sent = _sent_at(limiter, [Ceiling("rate", "second", lambda: 10, paced=True)], 25)
    assert most_within(sent, 1.0) <= 10
    gaps = [b - a for a, b in zip(sent, sent[1:], strict=False)]
    # No burst (one call every 1.04 / 10 s) and no slot lost. The moments are read after each
    # call returns, so a busy machine may delay one reading: the bounds leave it that much.
    assert min(gaps) > 0.05
    assert sorted(gaps)[len(gaps) // 2] > 0.09
    assert sent[-1] - sent[0] < 24 * PACING_ROOM / 10 + 0.6


def most_within(moments: list[float], window_s: float) -> int:
    ordered = sorted(moments)
    return max(sum(1 for t in ordered if start <= t < start + window_s) for start in ordered)


def test_a_rate_change_applies_to_the_next_call() -> None:
    limiter = RateLimiter("memory://")
    rate = {"now": 50}
    ceiling = Ceiling("rate", "second", lambda: rate["now"], paced=True)
    fast = _sent_at(limiter, [ceiling], 5)
    rate["now"] = 2
    slow = _sent_at(limiter, [ceiling], 4)
    assert fast[-1] - fast[0] < 0.2
    assert most_within(fast + slow, 1.0) <= 2 + 3  # the fast ones leave the second at once
    assert most_within(slow, 1.0) <= 2


def test_a_spent_daily_quota_refuses_at_once_with_the_next_midnight() -> None:
    limiter = RateLimiter("memory://")
    day = Ceiling("calls_per_day", "day", lambda: 3, blocking=False)
    for _ in range(3):
        limiter.acquire("svc", [day])
    started = time.monotonic()
    with pytest.raises(QuotaExhausted) as spent:
        limiter.acquire("svc", [day])
    assert time.monotonic() - started < 0.5
    resumes = datetime.fromtimestamp(spent.value.resets_at, ZoneInfo("Europe/Paris"))
    assert (resumes.hour, resumes.minute, resumes.second) == (0, 0, 0)
    assert 0 < spent.value.resets_at - time.time() <= 86400 + 3600
    assert "resumes by itself at" in spent.value.message.en
    assert limiter.usage("svc", day) == (3, 3)


def test_a_restarted_process_counts_the_calls_already_made_today() -> None:
    day = Ceiling("calls_per_day", "day", lambda: 5, blocking=False, used_today=lambda: 4)
    restarted = RateLimiter("memory://")
    assert restarted.usage("svc", day) == (4, 5)
    restarted.acquire("svc", [day])
    with pytest.raises(QuotaExhausted):
        restarted.acquire("svc", [day])


@pytest.mark.redis
def test_the_daily_quota_is_counted_once_across_processes(redis_url: str) -> None:
    day = Ceiling(f"per_day_{time.time_ns()}", "day", lambda: 4, blocking=False)
    first, second = RateLimiter(redis_url), RateLimiter(redis_url)
    for limiter in (first, second, first, second):
        limiter.acquire("svc", [day])
    with pytest.raises(QuotaExhausted):
        second.acquire("svc", [day])
    assert first.usage("svc", day) == (4, 4)


def test_calls_held_up_do_not_then_go_together_over_the_ceiling() -> None:
    """Threads paused past their slots (garbage collection, a busy machine) wake together:
    the calls still never exceed the rate within the pacing room."""
    held = iter([0.4] * 6)

    def oversleep(seconds: float) -> None:
        time.sleep(seconds + next(held, 0.0))  # the first callers wake 0.4 s late

    limiter = RateLimiter("memory://", sleep=oversleep)
    ceiling = Ceiling("rate", "second", lambda: 10, paced=True)
    sent: list[float] = []

    def caller() -> None:
        for _ in range(4):
            limiter.acquire("svc", [ceiling])
            sent.append(time.monotonic())

    threads = [threading.Thread(target=caller) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(sent) == 24
    assert most_within(sent, 1.0) <= 10  # (timed after each call: within its room's slack)
    assert limiter.usage("svc", ceiling)[0] <= 10


def test_the_eleventh_call_within_the_room_waits_for_the_first_to_leave_it() -> None:
    pacer = Pacer(None)
    for _ in range(10):
        assert pacer.claim("k", 10, PACING_ROOM)[1] is not None
    wait, ticket = pacer.claim("k", 10, PACING_ROOM)
    assert ticket is None and PACING_ROOM - 0.1 < wait <= PACING_ROOM


def _counts_from_when_it_left(pacer: Pacer) -> None:
    _, ticket = pacer.claim("left", 1, 1.0)
    assert ticket is not None
    time.sleep(0.5)  # held up between being allowed and being written out
    pacer.left(ticket)
    wait, _ = pacer.claim("left", 1, 1.0)
    assert 0.9 < wait <= 1.0  # a second from when it left, not from when it was allowed


def test_a_call_held_up_before_it_left_counts_from_when_it_left() -> None:
    _counts_from_when_it_left(Pacer(None))


@pytest.mark.redis
def test_a_call_held_up_before_it_left_counts_from_when_it_left_in_redis(
        redis_url: str) -> None:
    import redis

    redis.Redis.from_url(redis_url).delete("raccord:sent:left")
    _counts_from_when_it_left(Pacer(redis_url))


def test_a_paced_call_counts_from_when_its_request_was_written_out(
        sandboxed_hub: Hub, sandbox: Sandbox, monkeypatch: pytest.MonkeyPatch) -> None:
    """Through the real outgoing door: the ticket is handed back once the body is sent."""
    hub = sandboxed_hub
    seen: list[tuple[float, int]] = []
    original = hub.limiter.left

    def left(tickets: list[Ticket]) -> None:
        seen.append((time.monotonic(), len(tickets)))
        original(tickets)

    monkeypatch.setattr(hub.limiter, "left", left)
    ceiling = Ceiling("rate", "second", lambda: 5, paced=True)
    started = time.monotonic()
    hub.outgoing("chorus", ceilings=[ceiling]).request(
        "POST", sandbox.url("chorus") + "/api/oauth/token", expect=(200, 400, 401),
        data={"grant_type": "client_credentials", "client_id": "x", "client_secret": "y"})
    assert len(seen) == 1 and seen[0][1] == 1 and seen[0][0] >= started


def test_calls_that_waited_for_room_leave_one_by_one() -> None:
    pacer = Pacer(None)
    assert pacer.claim("gap", 10, 1.0, min_gap_s=0.05)[1] is not None
    wait, ticket = pacer.claim("gap", 10, 1.0, min_gap_s=0.05)
    assert ticket is None and 0.0 < wait <= 0.05


def test_an_unspaced_budget_lets_a_burst_go_then_waits_for_its_window() -> None:
    """A budget over a window (Graph: 10,000 requests per 10 minutes per mailbox): the calls
    go at once while there is room, the next one waits for the oldest to leave the window."""
    limiter = RateLimiter("memory://")
    budget = Ceiling("budget", "second", lambda: 5, paced=True, spaced=False, multiples=2)
    started = time.monotonic()
    tickets = [t for _ in range(5) for t in limiter.acquire("mailbox:a", [budget])]
    assert time.monotonic() - started < 0.1  # a burst, no slots
    limiter.left(tickets)
    limiter.acquire("mailbox:b", [budget])  # another key: its own budget
    assert time.monotonic() - started < 0.1
    limiter.acquire("mailbox:a", [budget])
    waited = time.monotonic() - started
    assert 2 * PACING_ROOM - 0.15 < waited < 2 * PACING_ROOM + 0.5
    assert limiter.usage("mailbox:a", budget) == (1, 5)

def test_a_call_refused_for_the_rate_does_not_count_against_the_day(hub: Hub) -> None:
    """A 429 then its retry: the service sent one, the daily quota counts one (Gmail does not
    count the refused send). So a quota of one still lets the retry go."""
    answers = iter([httpx.Response(429, headers={"Retry-After": "0"}),
                    httpx.Response(200, json={"id": "m1"}),
                    httpx.Response(200, json={"id": "m2"})])
    client = httpx.Client(transport=httpx.MockTransport(lambda _request: next(answers)))
    day = Ceiling("sends_per_day", "day", lambda: 1, blocking=False)
    door = hub.outgoing("svc", ceilings=[day])
    with pytest.raises(ServiceError) as refused:
        door.request("POST", "https://svc.example/send", client=client)
    assert refused.value.diagnosis.problem is Problem.RATE_LIMIT
    assert hub.limiter.usage("svc", day) == (0, 1)
    assert door.request("POST", "https://svc.example/send", client=client).json()["id"] == "m1"
    assert hub.limiter.usage("svc", day) == (1, 1)
    with pytest.raises(QuotaExhausted):  # and the day is then spent, as at the service
        door.request("POST", "https://svc.example/send", client=client)
    assert hub.limiter.usage("svc", day) == (1, 1)


def test_a_call_that_never_reached_the_service_does_not_count_against_the_day(
        hub: Hub) -> None:
    def unreachable(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("connection refused", request=request)

    client = httpx.Client(transport=httpx.MockTransport(unreachable))
    day = Ceiling("calls_per_day", "day", lambda: 5, blocking=False)
    with pytest.raises(ServiceError):
        hub.outgoing("svc", ceilings=[day]).request("GET", "https://svc.example/", client=client)
    assert hub.limiter.usage("svc", day) == (0, 5)


def test_a_call_stopped_by_another_ceiling_gives_its_daily_count_back() -> None:
    limiter = RateLimiter("memory://")
    day = Ceiling("calls_per_day", "day", lambda: 5, blocking=False)
    minute = Ceiling("calls_per_minute", "minute", lambda: 1, blocking=False)
    limiter.acquire("svc", [day, minute])
    with pytest.raises(QuotaExhausted):
        limiter.acquire("svc", [day, minute])
    assert limiter.usage("svc", day) == (1, 5)
    full = Ceiling("full_day", "day", lambda: 1, blocking=False)
    limiter.acquire("svc", [full])
    for _ in range(3):  # refusals past the limit do not pile up over it
        with pytest.raises(QuotaExhausted):
            limiter.acquire("svc", [full])
    limiter.refused([Ticket(limiter._day_key("svc", full), "", day=True)])
    assert limiter.usage("svc", full) == (0, 1)
    limiter.acquire("svc", [full])


@pytest.mark.redis
def test_a_refused_call_gives_its_daily_count_back_in_redis(redis_url: str) -> None:
    day = Ceiling(f"refused_{time.time_ns()}", "day", lambda: 2, blocking=False)
    first, second = RateLimiter(redis_url), RateLimiter(redis_url)
    tickets = first.acquire("svc", [day])
    second.acquire("svc", [day])
    first.refused(tickets)  # the service answered 429: it did not count it
    assert second.usage("svc", day) == (1, 2)
    second.acquire("svc", [day])
    with pytest.raises(QuotaExhausted):
        first.acquire("svc", [day])
    assert first.usage("svc", day) == (2, 2)
