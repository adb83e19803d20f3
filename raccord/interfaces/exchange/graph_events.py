"""Graph event JSON to and from `EventData`: only this module and the simulator know it."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from raccord.interfaces.exchange.events import GRAPH_PROPERTY_ID, EventData, RemoteEvent

# Windows zone names Graph may answer with, for the zones French companies use most.
WINDOWS_ZONES = {
    "UTC": "UTC", "Romance Standard Time": "Europe/Paris",
    "W. Europe Standard Time": "Europe/Berlin", "GMT Standard Time": "Europe/London",
    "Central Europe Standard Time": "Europe/Budapest", "Reunion Standard Time":
        "Indian/Reunion", "SA Western Standard Time": "America/Guadeloupe",
    "Pacific Standard Time": "America/Los_Angeles", "Eastern Standard Time":
        "America/New_York",
}


def zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(WINDOWS_ZONES.get(name, name) or "UTC")
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")


def parse_moment(value: dict[str, Any]) -> datetime:
    text = str(value.get("dateTime") or "1970-01-01T00:00:00")
    if "." in text:  # Graph writes seven fractional digits; Python reads six
        head, fraction = text.split(".", 1)
        text = f"{head}.{fraction[:6]}"
    moment = datetime.fromisoformat(text.rstrip("Z"))
    return moment.replace(tzinfo=zone(str(value.get("timeZone") or "UTC")))


def moment_json(moment: datetime, time_zone: str) -> dict[str, str]:
    local = moment.astimezone(zone(time_zone)) if moment.tzinfo else moment
    return {"dateTime": local.replace(tzinfo=None).isoformat(timespec="seconds"),
            "timeZone": time_zone}


# The JSON members each field is written in (times go with the all-day flag).
GRAPH_MEMBERS = {"subject": ("subject",), "body": ("body",), "start": ("start",),
                 "end": ("end",), "all_day": ("isAllDay", "start", "end"),
                 "location": ("location",), "categories": ("categories",),
                 "show_as": ("showAs",), "private": ("sensitivity",),
                 "attendees": ("attendees",), "recurrence": ("recurrence",)}


def event_json(data: EventData, fields: tuple[str, ...] = ()) -> dict[str, Any]:
    """The event's JSON; with `fields`, only their members (a PATCH of what changed)."""
    body: dict[str, Any] = {
        "subject": data.subject,
        "body": {"contentType": "text", "content": data.body},
        "start": moment_json(data.start, data.time_zone),
        "end": moment_json(data.end, data.time_zone),
        "isAllDay": data.all_day,
        "location": {"displayName": data.location},
        "categories": list(data.categories),
        "showAs": data.show_as,
        "sensitivity": "private" if data.private else "normal",
        "attendees": [{"emailAddress": {"address": a}, "type": "required"}
                      for a in data.attendees],
        "recurrence": data.recurrence,
    }
    if fields:
        wanted = {member for name in fields for member in GRAPH_MEMBERS[name]}
        return {k: v for k, v in body.items() if k in wanted}
    return body


def create_json(data: EventData, raccord_id: str, transaction_id: str) -> dict[str, Any]:
    return {**event_json(data), "transactionId": transaction_id,
            "singleValueExtendedProperties": [{"id": GRAPH_PROPERTY_ID, "value": raccord_id}]}


def event_data(event: dict[str, Any], time_zone: str = "Europe/Paris") -> EventData:
    start, end = parse_moment(event.get("start") or {}), parse_moment(event.get("end") or {})
    tz = zone(time_zone)
    return EventData(
        subject=str(event.get("subject") or ""),
        start=start.astimezone(tz), end=end.astimezone(tz), time_zone=time_zone,
        all_day=bool(event.get("isAllDay")),
        location=str((event.get("location") or {}).get("displayName") or ""),
        body=str((event.get("body") or {}).get("content") or ""),
        categories=tuple(event.get("categories") or ()),
        show_as=str(event.get("showAs") or "busy"),
        private=event.get("sensitivity") in ("private", "confidential"),
        attendees=tuple(str((a.get("emailAddress") or {}).get("address") or "")
                        for a in event.get("attendees") or ()),
        recurrence=event.get("recurrence") or None)


def remote_event(event: dict[str, Any], time_zone: str = "Europe/Paris") -> RemoteEvent:
    raccord_id = None
    for prop in event.get("singleValueExtendedProperties") or ():
        if str(prop.get("id", "")).lower() == GRAPH_PROPERTY_ID.lower():
            raccord_id = str(prop.get("value"))
    return RemoteEvent(str(event.get("id") or ""), str(event.get("changeKey") or ""),
                       str(event.get("iCalUId") or ""), raccord_id,
                       event_data(event, time_zone))


def utc_query(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
