"""Statement periods: a day, a week (Monday to Sunday), a month, or everything booked since
the last statement up to a date."""

from __future__ import annotations

import calendar
from datetime import date, timedelta
from enum import StrEnum


class Period(StrEnum):
    DAY = "day"
    WEEK = "week"
    MONTH = "month"
    SINCE_LAST = "since_last"


def bounds(period: Period, on: date) -> tuple[date, date]:
    """The first and last day of the period holding `on` (`since_last`: up to `on`)."""
    if period is Period.DAY:
        return on, on
    if period is Period.WEEK:
        start = on - timedelta(days=on.weekday())
        return start, start + timedelta(days=6)
    if period is Period.MONTH:
        last = calendar.monthrange(on.year, on.month)[1]
        return on.replace(day=1), on.replace(day=last)
    return on, on


def finished_ends(period: Period, after: date, today: date) -> list[date]:
    """The last days of the periods ending after `after` and before today (finished)."""
    ends: list[date] = []
    cursor = after + timedelta(days=1)
    while True:
        _, end = bounds(period, cursor)
        if end >= today:
            return ends
        ends.append(end)
        cursor = end + timedelta(days=1)
