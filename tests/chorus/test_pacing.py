"""Slots to call the portal are spaced `MARGIN / rate` apart across every worker."""

from __future__ import annotations

import pytest

from raccord.interfaces.chorus.pacing import MARGIN, Pacer


def _slots(pacers: list[Pacer], count: int, rate: float) -> list[float]:
    return [pacers[n % len(pacers)].delay("test", rate) for n in range(count)]


def test_one_process_hands_out_evenly_spaced_slots() -> None:
    slots = _slots([Pacer(None)], 10, 20)
    gaps = [b - a for a, b in zip(slots, slots[1:], strict=False)]
    assert all(abs(gap - MARGIN / 20) < 0.01 for gap in gaps)


@pytest.mark.redis
def test_two_processes_sharing_redis_share_the_spacing(redis_url: str) -> None:
    slots = _slots([Pacer(redis_url), Pacer(redis_url)], 20, 20)
    gaps = [b - a for a, b in zip(slots, slots[1:], strict=False)]
    assert all(gap > MARGIN / 20 - 0.01 for gap in gaps)
    assert slots[-1] >= 19 * MARGIN / 20 - 0.05  # 20 calls take (20 - 1) slots of time
