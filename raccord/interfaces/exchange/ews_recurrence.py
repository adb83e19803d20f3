"""Recurrences through EWS: raccord's patternedRecurrence (Graph's JSON, `recurrence.py`)
written as exchangelib's Recurrence (`<t:Recurrence>`: a pattern and a boundary) and read
back into that form."""

from __future__ import annotations

from typing import Any

from exchangelib import EWSDate
from exchangelib.recurrence import (
    AbsoluteMonthlyPattern,
    AbsoluteYearlyPattern,
    DailyPattern,
    EndDatePattern,
    NoEndPattern,
    NumberedPattern,
    Recurrence,
    RelativeMonthlyPattern,
    RelativeYearlyPattern,
    WeeklyPattern,
)

from raccord.core.i18n import Tr
from raccord.interfaces.exchange.recurrence import (
    DAYS,
    INDEXES,
    InvalidRecurrence,
    comparable,
    normal,
)

# EWS's relative patterns name one day, or one of these sets (exchangelib's WEEKDAYS).
DAY_SETS = {frozenset(DAYS): "Day", frozenset(DAYS[:5]): "Weekday",
            frozenset(DAYS[5:]): "WeekendDay"}
EWS_DAYS = tuple(d.capitalize() for d in DAYS) + ("Day", "Weekday", "WeekendDay")
MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August",
          "September", "October", "November", "December")

def _ews_day(days: list[str]) -> str:
    if len(days) == 1:
        return days[0].capitalize()
    named = DAY_SETS.get(frozenset(days))
    if named is None:
        raise InvalidRecurrence(Tr(
            "récurrence : par EWS, un motif relatif nomme un jour, tous les jours, les jours "
            "ouvrés ou le week-end",
            "recurrence: through EWS a relative pattern names one day, every day, the "
            "weekdays or the weekend days"))
    return named


def to_ews(recurrence: dict[str, Any]) -> Recurrence:
    """exchangelib's Recurrence for a patternedRecurrence (InvalidRecurrence when EWS cannot
    say it: a yearly rule every N > 1 years, several days of a relative pattern)."""
    rule = normal(recurrence)
    assert rule is not None
    pattern, bounds = rule["pattern"], rule["range"]
    kind, interval = pattern["type"], pattern["interval"]
    if kind.endswith("Yearly") and interval != 1:
        raise InvalidRecurrence(Tr(
            "récurrence : par EWS, un motif annuel se répète chaque année",
            "recurrence: through EWS a yearly pattern repeats every year"))
    if kind in ("weekly", "absoluteMonthly", "relativeMonthly") and interval > 99:
        raise InvalidRecurrence(Tr("récurrence : par EWS, l'intervalle est de 99 au plus",
                                   "recurrence: through EWS the interval is 99 at most"))
    made: Any
    if kind == "daily":
        made = DailyPattern(interval=interval)
    elif kind == "weekly":
        made = WeeklyPattern(interval=interval,
                             weekdays=[d.capitalize() for d in pattern["daysOfWeek"]],
                             first_day_of_week=pattern["firstDayOfWeek"].capitalize())
    elif kind == "absoluteMonthly":
        made = AbsoluteMonthlyPattern(interval=interval, day_of_month=pattern["dayOfMonth"])
    elif kind == "relativeMonthly":
        made = RelativeMonthlyPattern(interval=interval, weekday=_ews_day(pattern["daysOfWeek"]),
                                      week_number=pattern["index"].capitalize())
    elif kind == "absoluteYearly":
        made = AbsoluteYearlyPattern(day_of_month=pattern["dayOfMonth"],
                                     month=MONTHS[pattern["month"] - 1])
    else:
        made = RelativeYearlyPattern(weekday=_ews_day(pattern["daysOfWeek"]),
                                     week_number=pattern["index"].capitalize(),
                                     month=MONTHS[pattern["month"] - 1])
    start = EWSDate.fromisoformat(bounds["startDate"])
    boundary: Any
    if bounds["type"] == "endDate":
        boundary = EndDatePattern(start=start, end=EWSDate.fromisoformat(bounds["endDate"]))
    elif bounds["type"] == "numbered":
        boundary = NumberedPattern(start=start, number=bounds["numberOfOccurrences"])
    else:
        boundary = NoEndPattern(start=start)
    return Recurrence(pattern=made, boundary=boundary)


def _name(value: Any, names: tuple[str, ...]) -> str:
    """exchangelib hands enums back as 1-based numbers (or names, as given)."""
    return names[value - 1] if isinstance(value, int) else str(value)


def _graph_days(value: Any) -> list[str]:
    name = _name(value, EWS_DAYS)
    sets = {v: sorted(k, key=DAYS.index) for k, v in DAY_SETS.items()}
    return sets.get(name, [name.lower()])


def from_ews(recurrence: Recurrence | None) -> dict[str, Any] | None:
    """The patternedRecurrence of an EWS recurrence (None when there is none)."""
    if recurrence is None or recurrence.pattern is None:
        return None
    p = recurrence.pattern
    pattern: dict[str, Any]
    if isinstance(p, DailyPattern):
        pattern = {"type": "daily", "interval": p.interval}
    elif isinstance(p, WeeklyPattern):
        days = p.weekdays if isinstance(p.weekdays, list) else [p.weekdays]
        pattern = {"type": "weekly", "interval": p.interval,
                   "daysOfWeek": [_name(d, EWS_DAYS).lower() for d in days],
                   "firstDayOfWeek": _name(p.first_day_of_week or 1, EWS_DAYS).lower()}
    elif isinstance(p, AbsoluteMonthlyPattern):
        pattern = {"type": "absoluteMonthly", "interval": p.interval,
                   "dayOfMonth": p.day_of_month}
    elif isinstance(p, RelativeMonthlyPattern):
        pattern = {"type": "relativeMonthly", "interval": p.interval,
                   "daysOfWeek": _graph_days(p.weekday),
                   "index": _name(p.week_number, tuple(i.capitalize() for i in INDEXES)).lower()}
    elif isinstance(p, AbsoluteYearlyPattern):
        pattern = {"type": "absoluteYearly", "interval": 1, "dayOfMonth": p.day_of_month,
                   "month": MONTHS.index(_name(p.month, MONTHS)) + 1}
    elif isinstance(p, RelativeYearlyPattern):
        pattern = {"type": "relativeYearly", "interval": 1,
                   "daysOfWeek": _graph_days(p.weekday),
                   "index": _name(p.week_number, tuple(i.capitalize() for i in INDEXES)).lower(),
                   "month": MONTHS.index(_name(p.month, MONTHS)) + 1}
    else:  # a regeneration (tasks): not a calendar rule
        return None
    b = recurrence.boundary
    start = getattr(b, "start", None)
    bounds: dict[str, Any] = {"type": "noEnd",
                              "startDate": start.isoformat()[:10] if start else ""}
    if isinstance(b, EndDatePattern):
        bounds.update(type="endDate", endDate=b.end.isoformat()[:10])
    elif isinstance(b, NumberedPattern):
        bounds.update(type="numbered", numberOfOccurrences=b.number)
    return comparable({"pattern": pattern, "range": bounds})
