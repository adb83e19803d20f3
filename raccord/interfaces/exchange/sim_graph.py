"""The calendar part of the Graph simulator: events CRUD on `/users/{id}/events` and
`/users/{id}/calendar/events`, `calendarView/delta` (nextLink / deltaLink, page size, 410
syncStateNotFound), single-value extended properties (`$filter` and `$expand`),
`transactionId`, per-mailbox 429 with Retry-After, and `POST /$batch` (20 requests)."""

from __future__ import annotations

import random
import re
import uuid
from datetime import UTC, datetime
from typing import Any
from urllib.parse import parse_qs, quote, unquote, urlsplit
from zoneinfo import ZoneInfo

from raccord.interfaces.exchange.graph_events import parse_moment, zone
from raccord.interfaces.exchange.sim_calendar import Calendars, SimEvent, Throttled, graph_id
from raccord.interfaces.exchange.sim_directory import Directory, Grant

Answer = tuple[int, dict[str, str], Any]
FILTER = re.compile(r"ep/id eq '([^']*)' and ep/value (eq|ne) '([^']*)'", re.I)
PROPERTY_ID = re.compile(r"^String \{([0-9a-fA-F-]+)\} Name (.+)$")
DEFAULT_PAGE = 50
WRITE_ROLE = "Calendars.ReadWrite"


def _error(status: int, code: str, message: str, headers: dict[str, str] | None = None
           ) -> Answer:
    request_id = str(uuid.uuid4())
    return status, {"request-id": request_id, **(headers or {})}, {"error": {
        "code": code, "message": message, "innerError": {
            "date": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S"), "request-id": request_id,
            "client-request-id": request_id}}}


def _property_key(prop_id: str) -> tuple[str, str] | None:
    match = PROPERTY_ID.match(prop_id.strip())
    return (match.group(1).lower(), match.group(2)) if match else None


def _prefer(headers: dict[str, str]) -> dict[str, str]:
    wanted: dict[str, str] = {}
    for part in re.split(r",\s*", headers.get("prefer", "")):
        name, _, value = part.partition("=")
        if name:
            wanted[name.strip().lower()] = value.strip().strip('"')
    return wanted


def _moment(moment: datetime, tz_name: str) -> dict[str, str]:
    local = moment.astimezone(zone(tz_name) if tz_name != "UTC" else ZoneInfo("UTC"))
    return {"dateTime": local.replace(tzinfo=None).strftime("%Y-%m-%dT%H:%M:%S.0000000"),
            "timeZone": tz_name}


def event_json(event: SimEvent, prefer: dict[str, str], base: str,
               expand: tuple[str, str] | None = None) -> dict[str, Any]:
    f = event.fields
    tz_name = prefer.get("outlook.timezone", "UTC")
    text = prefer.get("outlook.body-content-type", "html").lower() == "text"
    body = f.get("body", "")
    data: dict[str, Any] = {
        "@odata.etag": f'W/"{event.change_key}"', "id": event.graph_id,
        "createdDateTime": event.created.isoformat().replace("+00:00", "Z"),
        "lastModifiedDateTime": event.modified.isoformat().replace("+00:00", "Z"),
        "changeKey": event.change_key, "categories": list(f.get("categories") or []),
        "originalStartTimeZone": f.get("time_zone", "UTC"), "iCalUId": event.ical_uid,
        "subject": f.get("subject", ""), "bodyPreview": body[:255],
        "importance": "normal", "sensitivity": f.get("sensitivity", "normal"),
        "isAllDay": bool(f.get("all_day")), "isCancelled": False, "isOrganizer": True,
        "showAs": f.get("show_as", "busy"),
        "type": "seriesMaster" if f.get("recurrence") else "singleInstance",
        "webLink": f"https://outlook.office365.com/owa/?itemid={quote(event.graph_id)}"
                   "&exvsurl=1&path=/calendar/item",
        "body": {"contentType": "text" if text else "html",
                 "content": body if text else f"<html><head></head><body>{body}</body></html>"},
        "start": _moment(f["start"], tz_name), "end": _moment(f["end"], tz_name),
        "location": {"displayName": f.get("location", ""), "locationType": "default"},
        "recurrence": f.get("recurrence"),
        "attendees": [{"type": "required", "status": {"response": "none",
                                                      "time": "0001-01-01T00:00:00Z"},
                       "emailAddress": {"address": a, "name": a}}
                      for a in f.get("attendees") or []],
        "organizer": {"emailAddress": {"address": event.mailbox, "name": event.mailbox}},
    }
    if event.transaction_id:
        data["transactionId"] = event.transaction_id
    if expand is not None and expand in event.props:
        data["singleValueExtendedProperties"] = [
            {"id": f"String {{{expand[0]}}} Name {expand[1]}", "value": event.props[expand]}]
    return data


def _fields(body: dict[str, Any], partial: bool) -> dict[str, Any] | str:
    """Event fields from a request body; an error text when a required one is missing."""
    fields: dict[str, Any] = {}
    for key, name in (("subject", "subject"), ("isAllDay", "all_day"), ("showAs", "show_as"),
                      ("sensitivity", "sensitivity"), ("recurrence", "recurrence")):
        if key in body:
            fields[name] = body[key]
    if "body" in body:
        fields["body"] = str((body["body"] or {}).get("content") or "")
    if "location" in body:
        fields["location"] = str((body["location"] or {}).get("displayName") or "")
    if "categories" in body:
        fields["categories"] = list(body["categories"] or [])
    if "attendees" in body:
        fields["attendees"] = [str((a.get("emailAddress") or {}).get("address") or "")
                               for a in body["attendees"] or []]
    for key in ("start", "end"):
        if key in body:
            try:
                fields[key] = parse_moment(body[key]).astimezone(UTC)
            except (ValueError, TypeError, AttributeError):
                return f"Invalid value for '{key}'."
            fields["time_zone"] = str(body[key].get("timeZone") or "UTC")
    if not partial and ("start" not in fields or "end" not in fields):
        return "Start and end are required."
    if "start" in fields and "end" in fields and fields["end"] < fields["start"]:
        return "The end of the event is before its start."
    return fields


class GraphCalendarSim:
    def __init__(self, directory: Directory, calendars: Calendars) -> None:
        self.directory = directory
        self.calendars = calendars
        # Share of create answers lost (carried out, then the answer never comes).
        self.drop_create_rate = 0.0

    def lose_answer(self) -> bool:
        return bool(self.drop_create_rate) and random.random() < self.drop_create_rate

    def handle(self, grant: Grant, method: str, url: str, headers: dict[str, str],
               body: Any, base: str, call: int = 0) -> Answer:
        """One Graph request (direct or inside a batch); `url` is relative to /v1.0."""
        parts = urlsplit(url)
        query = {k: v[0] for k, v in parse_qs(parts.query, keep_blank_values=True).items()}
        segments = [unquote(s) for s in parts.path.strip("/").split("/")]
        if len(segments) < 2 or segments[0] != "users":
            return _error(400, "BadRequest", f"Resource not found for the segment "
                                             f"'{segments[0] if segments else ''}'.")
        mailbox = segments[1].lower()
        rest = segments[2:]
        if rest[:1] == ["calendar"] and rest[1:2] == ["events"]:
            rest = rest[1:]
        if not grant.roles & {"Calendars.Read", WRITE_ROLE}:
            return _error(403, "ErrorAccessDenied",
                          "Access is denied. Check credentials and try again.")
        if method != "GET" and WRITE_ROLE not in grant.roles:
            return _error(403, "ErrorAccessDenied",
                          "Access is denied. Check credentials and try again.")
        known = self.directory.mailboxes.get(mailbox)
        if known is None:
            return _error(404, "ErrorInvalidUser", f"The requested user '{mailbox}' is invalid.")
        if not known.has_mailbox:
            return _error(404, "MailboxNotEnabledForRESTAPI",
                          "The mailbox is either inactive, soft-deleted, or is hosted "
                          "on-premise.")
        try:
            self.calendars.enter(mailbox, call)
        except Throttled as throttled:
            return _error(429, throttled.code, throttled.message,
                          {"Retry-After": str(throttled.retry_after)})
        try:
            prefer = _prefer(headers)
            if rest == ["calendarView", "delta"] and method == "GET":
                return self._delta(mailbox, query, prefer, base)
            if rest == ["events"] and method == "GET":
                return self._list(mailbox, query, prefer, base)
            if rest == ["events"] and method == "POST":
                return self._create(mailbox, body, prefer, base)
            if len(rest) == 2 and rest[0] == "events":
                return self._item(mailbox, rest[1], method, query, body, prefer, base)
            return _error(400, "BadRequest", "Unsupported segment.")
        finally:
            self.calendars.leave(mailbox)

    def _expand(self, query: dict[str, str]) -> tuple[str, str] | None:
        match = re.search(r"id eq '([^']*)'", query.get("$expand", ""))
        return _property_key(match.group(1)) if match else None

    def _create(self, mailbox: str, body: Any, prefer: dict[str, str], base: str) -> Answer:
        if not isinstance(body, dict):
            return _error(400, "RequestBodyRead", "Empty Payload. JSON content expected.")
        fields = _fields(body, partial=False)
        if isinstance(fields, str):
            return _error(400, "ErrorInvalidRequest", fields)
        fields.setdefault("subject", "")
        props: dict[tuple[str, str], str] = {}
        for prop in body.get("singleValueExtendedProperties") or []:
            key = _property_key(str(prop.get("id", "")))
            if key is None:
                return _error(400, "ErrorInvalidProperty", "The property id is invalid.")
            props[key] = str(prop.get("value", ""))
        event, _created = self.calendars.create(mailbox, fields, props,
                                                body.get("transactionId") or None)
        return 201, {}, event_json(event, prefer, base)

    def _item(self, mailbox: str, event_id: str, method: str, query: dict[str, str],
              body: Any, prefer: dict[str, str], base: str) -> Answer:
        event = self.calendars.find(mailbox, event_id)
        if event is None:
            return _error(404, "ErrorItemNotFound",
                          "The specified object was not found in the store.")
        if method == "GET":
            return 200, {}, event_json(event, prefer, base, self._expand(query))
        if method == "DELETE":
            self.calendars.delete(event)
            return 204, {}, None
        if method == "PATCH":
            if not isinstance(body, dict):
                return _error(400, "RequestBodyRead", "Empty Payload. JSON content expected.")
            if "transactionId" in body and body["transactionId"] != event.transaction_id:
                return _error(400, "ErrorInvalidRequest",
                              "transactionId cannot be changed after creation.")
            fields = _fields(body, partial=True)
            if isinstance(fields, str):
                return _error(400, "ErrorInvalidRequest", fields)
            props = {}
            for prop in body.get("singleValueExtendedProperties") or []:
                key = _property_key(str(prop.get("id", "")))
                if key is not None:
                    props[key] = str(prop.get("value", ""))
            self.calendars.update(event, fields, props)
            return 200, {}, event_json(event, prefer, base)
        return _error(405, "ErrorInvalidRequest", "The HTTP method is not allowed.")

    def _list(self, mailbox: str, query: dict[str, str], prefer: dict[str, str],
              base: str) -> Answer:
        match = FILTER.search(query.get("$filter", ""))
        events: list[SimEvent]
        key = None
        if match:
            key = _property_key(match.group(1))
            if key is None:
                return _error(400, "ErrorInvalidProperty", "The property id is invalid.")
            value = match.group(3) if match.group(2).lower() == "eq" else None
            events = self.calendars.by_property(mailbox, key, value)
        elif query.get("$filter"):
            return _error(400, "ErrorInvalidUrlQueryFilter", "The $filter is not supported.")
        else:
            with self.calendars.lock:
                events = list(self.calendars.of(mailbox).events.values())
        events.sort(key=lambda e: e.number)
        top = int(query.get("$top") or 10)
        skip = int(query.get("$skip") or 0)
        page = events[skip:skip + top]
        expand = self._expand(query) or key
        data: dict[str, Any] = {
            "@odata.context": f"{base}/$metadata#users('{mailbox}')/events",
            "value": [event_json(e, prefer, base, expand) for e in page]}
        if skip + top < len(events):
            rest = {k: v for k, v in query.items() if k != "$skip"}
            link = "&".join(f"{k}={quote(v, safe='')}" for k, v in rest.items())
            data["@odata.nextLink"] = (f"{base}/users/{quote(mailbox, safe='@')}/events?{link}"
                                       f"&$skip={skip + top}")
        return 200, {}, data

    def _delta(self, mailbox: str, query: dict[str, str], prefer: dict[str, str],
               base: str) -> Answer:
        calendars = self.calendars
        if "$skiptoken" in query or "$deltatoken" in query:
            skip = query.get("$skiptoken")
            token: str | None = skip if skip else calendars.next_round(
                query.get("$deltatoken", ""))
            cursor = calendars.cursor(token or "") if token else None
            if cursor is None or cursor.mailbox != mailbox:
                return _error(410, "syncStateNotFound",
                              "The sync state generation is not found. The delta token is "
                              "expired and data must be synchronized again.")
        else:
            try:
                start = datetime.fromisoformat(query["startDateTime"].replace("Z", "+00:00"))
                end = datetime.fromisoformat(query["endDateTime"].replace("Z", "+00:00"))
            except (KeyError, ValueError):
                return _error(400, "ErrorInvalidParameter",
                              "This request requires a time window specified by the query "
                              "string parameters StartDateTime and EndDateTime.")
            token = calendars.new_cursor(mailbox, start.astimezone(UTC), end.astimezone(UTC))
            cursor = calendars.cursor(token)
            assert cursor is not None
        size = int(prefer.get("odata.maxpagesize") or DEFAULT_PAGE)
        items: list[dict[str, Any]] = []
        with calendars.lock:
            calendar = calendars.of(mailbox)
            while cursor.pending and len(items) < size:
                kind, number = cursor.pending.popleft()
                event = calendar.events.get(number)
                if kind == "changed" and event is not None:
                    items.append({"@odata.type": "#microsoft.graph.event",
                                  **event_json(event, prefer, base)})
                else:
                    items.append({"@odata.type": "#microsoft.graph.event",
                                  "id": graph_id(mailbox, number),
                                  "@removed": {"reason": "deleted"}})
        link = f"{base}/users/{quote(mailbox, safe='@')}/calendarView/delta"
        data: dict[str, Any] = {"@odata.context": f"{base}/$metadata#Collection(event)",
                                "value": items}
        if cursor.pending:
            data["@odata.nextLink"] = f"{link}?$skiptoken={token}"
        else:
            data["@odata.deltaLink"] = f"{link}?$deltatoken={token}"
        return 200, {"Preference-Applied": f"odata.maxpagesize={size}"}, data
