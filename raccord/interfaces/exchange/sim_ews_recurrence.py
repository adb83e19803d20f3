"""The EWS simulator's `<t:Recurrence>`: read from CreateItem / UpdateItem into the shared
store's form (Graph's patternedRecurrence with every member, as Graph answers it, so that an
event made through EWS reads the same through Graph), and written back in GetItem, FindItem
and SyncFolderItems answers. A pattern Exchange would refuse is ErrorCalendarInvalidRecurrence."""

from __future__ import annotations

from datetime import date, datetime, time
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from lxml import etree

T = "http://schemas.microsoft.com/exchange/services/2006/types"
NS = {"t": T}
DAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
SETS = {"Day": list(DAYS), "Weekday": list(DAYS[:5]), "WeekendDay": list(DAYS[5:])}
INDEXES = ("First", "Second", "Third", "Fourth", "Last")
MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August",
          "September", "October", "November", "December")
PATTERNS = {"DailyRecurrence": "daily", "WeeklyRecurrence": "weekly",
            "AbsoluteMonthlyRecurrence": "absoluteMonthly",
            "RelativeMonthlyRecurrence": "relativeMonthly",
            "AbsoluteYearlyRecurrence": "absoluteYearly",
            "RelativeYearlyRecurrence": "relativeYearly"}
RANGES = {"NoEndRecurrence": "noEnd", "EndDateRecurrence": "endDate",
          "NumberedRecurrence": "numbered"}
NO_DATE = "0001-01-01"


class InvalidRecurrence(Exception):
    """Exchange's ErrorCalendarInvalidRecurrence."""


def _child(element: etree._Element, name: str) -> str:
    value = element.findtext(f"t:{name}", namespaces=NS)
    if value is None or not value.strip():
        raise InvalidRecurrence(f"{etree.QName(element).localname} needs {name}.")
    return value.strip()


def _number(element: etree._Element, name: str, low: int, high: int) -> int:
    try:
        number = int(_child(element, name))
    except ValueError:
        raise InvalidRecurrence(f"{name} is not a number.") from None
    if not low <= number <= high:
        raise InvalidRecurrence(f"{name} is out of range.")
    return number


def _days(value: str, relative: bool) -> list[str]:
    names = value.split()
    if relative and len(names) == 1 and names[0] in SETS:
        return [d.lower() for d in SETS[names[0]]]
    if not names or any(n not in DAYS for n in names) or (relative and len(names) != 1):
        raise InvalidRecurrence("DaysOfWeek is not valid for this pattern.")
    return [n.lower() for n in names]


def _date(value: str) -> str:
    try:  # Exchange sends dates with the zone's offset ("2026-12-03+01:00")
        return date.fromisoformat(value[:10]).isoformat()
    except ValueError:
        raise InvalidRecurrence("The recurrence date is not valid.") from None


def parse(element: etree._Element, time_zone: str) -> dict[str, Any]:
    """The patternedRecurrence of a `<t:Recurrence>` (InvalidRecurrence when Exchange would
    refuse it)."""
    pattern_el = next((c for c in element if etree.QName(c).localname in PATTERNS), None)
    range_el = next((c for c in element if etree.QName(c).localname in RANGES), None)
    if pattern_el is None or range_el is None:
        raise InvalidRecurrence("A recurrence needs a pattern and a range.")
    kind = PATTERNS[etree.QName(pattern_el).localname]
    pattern: dict[str, Any] = {"type": kind, "interval": 1, "month": 0, "dayOfMonth": 0,
                               "daysOfWeek": [], "firstDayOfWeek": "sunday", "index": "first"}
    if not kind.endswith("Yearly"):
        pattern["interval"] = _number(pattern_el, "Interval", 1, 999 if kind == "daily" else 99)
    if kind == "weekly":
        pattern["daysOfWeek"] = _days(_child(pattern_el, "DaysOfWeek"), relative=False)
        first = pattern_el.findtext("t:FirstDayOfWeek", namespaces=NS)
        if first:
            if first not in DAYS:
                raise InvalidRecurrence("FirstDayOfWeek is not a day.")
            pattern["firstDayOfWeek"] = first.lower()
    if kind in ("absoluteMonthly", "absoluteYearly"):
        pattern["dayOfMonth"] = _number(pattern_el, "DayOfMonth", 1, 31)
    if kind in ("relativeMonthly", "relativeYearly"):
        pattern["daysOfWeek"] = _days(_child(pattern_el, "DaysOfWeek"), relative=True)
        index = _child(pattern_el, "DayOfWeekIndex")
        if index not in INDEXES:
            raise InvalidRecurrence("DayOfWeekIndex is not valid.")
        pattern["index"] = index.lower()
    if kind.endswith("Yearly"):
        month = _child(pattern_el, "Month")
        if month not in MONTHS:
            raise InvalidRecurrence("Month is not valid.")
        pattern["month"] = MONTHS.index(month) + 1
    span = RANGES[etree.QName(range_el).localname]
    bounds: dict[str, Any] = {"type": span, "startDate": _date(_child(range_el, "StartDate")),
                              "endDate": NO_DATE, "recurrenceTimeZone": time_zone,
                              "numberOfOccurrences": 0}
    if span == "endDate":
        bounds["endDate"] = _date(_child(range_el, "EndDate"))
        if bounds["endDate"] < bounds["startDate"]:
            raise InvalidRecurrence("The end date is before the start date.")
    if span == "numbered":
        bounds["numberOfOccurrences"] = _number(range_el, "NumberOfOccurrences", 1, 999)
    return {"pattern": pattern, "range": bounds}


def _dated(day: str, time_zone: str) -> str:
    """A date as Exchange writes it, with its zone's offset that day."""
    try:
        zone = ZoneInfo(time_zone)
    except (ZoneInfoNotFoundError, ValueError):
        zone = ZoneInfo("UTC")
    offset = datetime.combine(date.fromisoformat(day), time(12), zone).strftime("%z")
    if offset in ("", "+0000"):
        return f"{day}Z"
    return f"{day}{offset[:3]}:{offset[3:]}"


def _ews_days(days: list[str], relative: bool) -> str:
    names = [d.capitalize() for d in days]
    if relative and len(names) > 1:
        return next((k for k, v in SETS.items() if sorted(v) == sorted(names)), names[0])
    return " ".join(names)


def xml(recurrence: dict[str, Any], time_zone: str) -> str:
    """`<t:Recurrence>` of a stored patternedRecurrence."""
    pattern, bounds = recurrence.get("pattern") or {}, recurrence.get("range") or {}
    kind = str(pattern.get("type") or "daily")
    tag = next(k for k, v in PATTERNS.items() if v == kind)
    parts = []
    if not kind.endswith("Yearly"):
        parts.append(f"<t:Interval>{int(pattern.get('interval') or 1)}</t:Interval>")
    if kind == "weekly":
        parts.append(f"<t:DaysOfWeek>{_ews_days(pattern.get('daysOfWeek') or [], False)}"
                     "</t:DaysOfWeek><t:FirstDayOfWeek>"
                     f"{str(pattern.get('firstDayOfWeek') or 'sunday').capitalize()}"
                     "</t:FirstDayOfWeek>")
    if kind in ("relativeMonthly", "relativeYearly"):
        parts.append(f"<t:DaysOfWeek>{_ews_days(pattern.get('daysOfWeek') or [], True)}"
                     f"</t:DaysOfWeek><t:DayOfWeekIndex>"
                     f"{str(pattern.get('index') or 'first').capitalize()}</t:DayOfWeekIndex>")
    if kind in ("absoluteMonthly", "absoluteYearly"):
        parts.append(f"<t:DayOfMonth>{int(pattern.get('dayOfMonth') or 1)}</t:DayOfMonth>")
    if kind.endswith("Yearly"):
        parts.append(f"<t:Month>{MONTHS[int(pattern.get('month') or 1) - 1]}</t:Month>")
    span = str(bounds.get("type") or "noEnd")
    range_tag = next(k for k, v in RANGES.items() if v == span)
    limits = [f"<t:StartDate>{_dated(str(bounds.get('startDate')), time_zone)}</t:StartDate>"]
    if span == "endDate":
        limits.append(f"<t:EndDate>{_dated(str(bounds.get('endDate')), time_zone)}</t:EndDate>")
    if span == "numbered":
        limits.append(f"<t:NumberOfOccurrences>{int(bounds.get('numberOfOccurrences') or 1)}"
                      "</t:NumberOfOccurrences>")
    return (f"<t:Recurrence><t:{tag}>{''.join(parts)}</t:{tag}><t:{range_tag}>"
            f"{''.join(limits)}</t:{range_tag}></t:Recurrence>")

