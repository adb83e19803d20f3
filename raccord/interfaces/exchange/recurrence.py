"""Recurrences: Graph's `patternedRecurrence` JSON is raccord's one form (the ERP hands it
over, Graph writes it as is; `ews_recurrence` says it to EWS).

`normal` gives the one way to compare two recurrences: the members each pattern and range
type uses, and nothing else (Graph answers every member, most of them empty)."""

from __future__ import annotations

from datetime import date
from typing import Any

from raccord.core.i18n import Tr

DAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
INDEXES = ("first", "second", "third", "fourth", "last")
PATTERNS = ("daily", "weekly", "absoluteMonthly", "relativeMonthly", "absoluteYearly",
            "relativeYearly")
RANGES = ("endDate", "noEnd", "numbered")


class InvalidRecurrence(ValueError):
    def __init__(self, message: Tr) -> None:
        super().__init__(message.en)
        self.message = message


def _int(value: Any, name: str, low: int, high: int) -> int:
    try:
        number = int(value)
    except (TypeError, ValueError):
        raise InvalidRecurrence(Tr(
            f"récurrence : « {name} » est un nombre entier",
            f"recurrence: '{name}' must be a whole number")) from None
    if not low <= number <= high:
        raise InvalidRecurrence(Tr(
            f"récurrence : « {name} » est entre {low} et {high}",
            f"recurrence: '{name}' must be between {low} and {high}"))
    return number


def _days(value: Any) -> list[str]:
    days = [str(d).lower() for d in value or ()] if isinstance(value, list) else []
    if not days or any(d not in DAYS for d in days):
        raise InvalidRecurrence(Tr(
            "récurrence : « daysOfWeek » liste des jours (monday … sunday)",
            "recurrence: 'daysOfWeek' lists days (monday … sunday)"))
    return sorted(set(days), key=DAYS.index)


def _date(value: Any, name: str) -> str:
    try:
        return date.fromisoformat(str(value)[:10]).isoformat()
    except ValueError:
        raise InvalidRecurrence(Tr(
            f"récurrence : « {name} » est une date (AAAA-MM-JJ)",
            f"recurrence: '{name}' is a date (YYYY-MM-DD)")) from None


def normal(recurrence: dict[str, Any] | None) -> dict[str, Any] | None:
    """The recurrence with the members its pattern and range use (InvalidRecurrence when it
    is not a patternedRecurrence)."""
    if not recurrence:
        return None
    pattern = recurrence.get("pattern") if isinstance(recurrence, dict) else None
    bounds = recurrence.get("range") if isinstance(recurrence, dict) else None
    if not isinstance(pattern, dict) or not isinstance(bounds, dict):
        raise InvalidRecurrence(Tr(
            "récurrence : « pattern » et « range » sont obligatoires",
            "recurrence: 'pattern' and 'range' are required"))
    kind = pattern.get("type")
    if kind not in PATTERNS:
        raise InvalidRecurrence(Tr(
            f"récurrence : le « type » du motif est l'un de {', '.join(PATTERNS)}",
            f"recurrence: pattern 'type' is one of {', '.join(PATTERNS)}"))
    out: dict[str, Any] = {"type": kind, "interval": _int(pattern.get("interval", 1),
                                                          "interval", 1, 999)}
    if kind == "weekly":
        out["daysOfWeek"] = _days(pattern.get("daysOfWeek"))
        first = str(pattern.get("firstDayOfWeek") or "sunday").lower()
        if first not in DAYS:
            raise InvalidRecurrence(Tr(
            "récurrence : « firstDayOfWeek » est un jour",
            "recurrence: 'firstDayOfWeek' is a day"))
        out["firstDayOfWeek"] = first
    if kind in ("absoluteMonthly", "absoluteYearly"):
        out["dayOfMonth"] = _int(pattern.get("dayOfMonth"), "dayOfMonth", 1, 31)
    if kind in ("relativeMonthly", "relativeYearly"):
        out["daysOfWeek"] = _days(pattern.get("daysOfWeek"))
        index = str(pattern.get("index") or "first").lower()
        if index not in INDEXES:
            raise InvalidRecurrence(Tr(
            f"récurrence : « index » est l'un de {', '.join(INDEXES)}",
            f"recurrence: 'index' is one of {', '.join(INDEXES)}"))
        out["index"] = index
    if kind in ("absoluteYearly", "relativeYearly"):
        out["month"] = _int(pattern.get("month"), "month", 1, 12)
    span = bounds.get("type")
    if span not in RANGES:
        raise InvalidRecurrence(Tr(
            f"récurrence : le « type » de la plage est l'un de {', '.join(RANGES)}",
            f"recurrence: range 'type' is one of {', '.join(RANGES)}"))
    limits: dict[str, Any] = {"type": span,
                              "startDate": _date(bounds.get("startDate"), "startDate")}
    if span == "endDate":
        limits["endDate"] = _date(bounds.get("endDate"), "endDate")
        if limits["endDate"] < limits["startDate"]:
            raise InvalidRecurrence(Tr(
            "récurrence : « endDate » est avant « startDate »",
            "recurrence: 'endDate' is before 'startDate'"))
    if span == "numbered":
        limits["numberOfOccurrences"] = _int(bounds.get("numberOfOccurrences"),
                                             "numberOfOccurrences", 1, 999)
    return {"pattern": out, "range": limits}


def comparable(recurrence: dict[str, Any] | None) -> dict[str, Any] | None:
    """`normal`, or the recurrence as it is when it is not one raccord writes (an Outlook
    rule it does not know still compares with itself)."""
    try:
        return normal(recurrence)
    except InvalidRecurrence:
        return recurrence or None
