"""Numbers, amounts, percentages, dates and plurals written the way the reader's language writes
them (Babel's CLDR data): `1 200,00 €` and `12/03/2026` in French, `€1,200.00` and
`12/03/2026` in British English. Pages (Jinja filters), the CLI and mails all use these, so a
figure reads the same everywhere.

Times are stored in UTC and shown in Paris time, the time of the services raccord talks to
(a moment that has its own zone, such as an appointment, is shown in it: `moment(zone=...)`)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from babel.dates import format_date, format_datetime, format_time
from babel.numbers import format_currency, format_decimal, format_percent

from raccord.core.i18n import DEFAULT_LANGUAGE, Tr

PARIS = ZoneInfo("Europe/Paris")
LOCALES = {"fr": "fr_FR", "en": "en_GB"}


def locale_of(lang: str | None) -> str:
    return LOCALES.get(lang or DEFAULT_LANGUAGE, LOCALES[DEFAULT_LANGUAGE])


def _number(value: Any) -> Decimal | None:
    if value is None or value == "":
        return None
    try:
        return Decimal(str(value))
    except (InvalidOperation, ValueError):
        return None


def number(value: Any, lang: str = DEFAULT_LANGUAGE, digits: int | None = None) -> str:
    """`1 000 000`, `489,4`; with `digits`, exactly that many decimals."""
    amount = _number(value)
    if amount is None:
        return "" if value is None else str(value)
    if digits is None:
        return format_decimal(amount, locale=locale_of(lang))
    pattern = "#,##0" + ("." + "0" * digits if digits else "")
    return format_decimal(amount, format=pattern, locale=locale_of(lang))


def money(value: Any, currency: str | None = "EUR", lang: str = DEFAULT_LANGUAGE) -> str:
    """`1 200,00 €` / `€1,200.00` (an unknown code is written after the figure)."""
    amount = _number(value)
    if amount is None:
        return "" if value is None else str(value)
    return format_currency(amount, (currency or "EUR").upper(), locale=locale_of(lang))


def percent(ratio: float, lang: str = DEFAULT_LANGUAGE, digits: int = 1) -> str:
    """A ratio (0.25) as `25,0 %` / `25.0%`."""
    pattern = "#,##0" + ("." + "0" * digits if digits else "") + " %"
    text = format_percent(ratio, format=pattern, locale=locale_of(lang))
    return text if lang != "en" else text.replace("\xa0", "").replace(" ", "")


def _zone(name: str | None) -> ZoneInfo:
    if not name:
        return PARIS
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return PARIS


def _local(moment: datetime, zone: str | None = None) -> datetime:
    aware = moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)
    return aware.astimezone(_zone(zone))


def _moment(value: Any) -> datetime | date | None:
    if isinstance(value, datetime | date):
        return value
    if isinstance(value, str) and value:
        try:
            return datetime.fromisoformat(value)
        except ValueError:
            return None
    return None


def day(value: Any, lang: str = DEFAULT_LANGUAGE) -> str:
    """`12/03/2026` (the day in Paris for a moment)."""
    moment = _moment(value)
    if moment is None:
        return "" if value is None else str(value)
    if isinstance(moment, datetime):
        moment = _local(moment).date()
    return format_date(moment, "dd/MM/yyyy", locale=locale_of(lang))


def moment(value: Any, lang: str = DEFAULT_LANGUAGE, seconds: bool = False,
           zone: str | None = None) -> str:
    """`12/03/2026 14:03` in Paris time (with `:05` seconds when asked), or in `zone` (an
    IANA name, e.g. an appointment's own time zone; an unknown one falls back to Paris)."""
    found = _moment(value)
    if found is None:
        return "" if value is None else str(value)
    if not isinstance(found, datetime):
        return day(found, lang)
    pattern = "dd/MM/yyyy HH:mm:ss" if seconds else "dd/MM/yyyy HH:mm"
    return format_datetime(_local(found, zone), pattern, locale=locale_of(lang))


def clock(value: Any, lang: str = DEFAULT_LANGUAGE) -> str:
    """`14:03:05` in Paris time."""
    found = _moment(value)
    if not isinstance(found, datetime):
        return "" if value is None else str(value)
    return format_time(_local(found), "HH:mm:ss", locale=locale_of(lang))


def plural(count: int, one: Tr, many: Tr, lang: str = DEFAULT_LANGUAGE) -> str:
    """`1 facture`, `0 facture`, `3 factures` (French counts 0 and 1 as singular)."""
    singular = count in (0, 1) if lang == "fr" else count == 1
    return f"{number(count, lang)} {(one if singular else many)(lang)}"


def counted(count: int, one: Tr, many: Tr) -> Tr:
    """The same as `plural`, in both languages at once (for a message stored as a Tr)."""
    return Tr(plural(count, one, many, "fr"), plural(count, one, many, "en"))


def duration(seconds: float, lang: str = DEFAULT_LANGUAGE) -> str:
    """`45 s`, `3 min`, `2 h`, `5 jours` / `5 days`: a wait or an age, roughly."""
    if seconds < 90:
        return f"{number(round(seconds), lang)} s"
    if seconds < 5400:
        return f"{number(round(seconds / 60), lang)} min"
    if seconds < 172800:
        return f"{number(round(seconds / 3600), lang)} h"
    return plural(round(seconds / 86400), Tr("jour", "day"), Tr("jours", "days"), lang)
