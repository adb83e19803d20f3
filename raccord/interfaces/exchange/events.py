"""What the calendar clients (Graph and EWS) hand to features: plain dataclasses, never Graph
JSON nor EWS XML. Times are aware datetimes; an all-day event spans whole days in its zone."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from typing import Any

from raccord.core.diagnosis import Diagnosis
from raccord.interfaces.exchange.recurrence import comparable as comparable_recurrence

# raccord's id on each event it creates: a MAPI named string property, the same for Graph
# (single-value extended property) and EWS (ExtendedFieldURI), so that either finds it.
PROPERTY_SET = "8d7a3c1e-4f2b-4e6a-9b5d-2c1f0e9a7b64"
PROPERTY_NAME = "RaccordAppointmentId"
GRAPH_PROPERTY_ID = f"String {{{PROPERTY_SET}}} Name {PROPERTY_NAME}"
SHOW_AS = ("free", "tentative", "busy", "oof", "workingElsewhere", "unknown")


@dataclass(frozen=True)
class EventData:
    """The fields raccord writes to an event and compares when it comes back."""

    subject: str
    start: datetime
    end: datetime
    time_zone: str = "Europe/Paris"
    all_day: bool = False
    location: str = ""
    body: str = ""
    categories: tuple[str, ...] = ()
    show_as: str = "busy"
    private: bool = False
    attendees: tuple[str, ...] = ()
    recurrence: dict[str, Any] | None = None

    def comparable(self) -> dict[str, Any]:
        """Field values as compared across the two sides (instants in UTC, trimmed text)."""
        return {
            "subject": self.subject.strip(), "start": _utc(self.start), "end": _utc(self.end),
            "all_day": self.all_day, "location": self.location.strip(),
            "body": " ".join(self.body.split()), "categories": sorted(self.categories),
            "show_as": self.show_as, "private": self.private,
            "attendees": sorted(a.lower() for a in self.attendees),
            "recurrence": comparable_recurrence(self.recurrence),
        }

    def with_values(self, values: dict[str, Any]) -> EventData:
        changes = {k: v for k, v in values.items() if k in FIELD_NAMES}
        if "categories" in changes:
            changes["categories"] = tuple(changes["categories"])
        if "attendees" in changes:
            changes["attendees"] = tuple(changes["attendees"])
        for key in ("start", "end"):
            if isinstance(changes.get(key), str):
                changes[key] = datetime.fromisoformat(changes[key])
        return replace(self, **changes)


FIELD_NAMES = ("subject", "start", "end", "all_day", "location", "body", "categories",
               "show_as", "private", "attendees", "recurrence")


def _utc(moment: datetime) -> str:
    aware = moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)
    return aware.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


@dataclass(frozen=True)
class RemoteEvent:
    """An event as the calendar holds it."""

    remote_id: str
    change_key: str = ""
    ical_uid: str = ""
    raccord_id: str | None = None
    data: EventData | None = None


@dataclass(frozen=True)
class Changes:
    """One mailbox's changes since its cursor: events changed, ids removed, the new cursor.
    `complete` is false when a page limit stopped the round (the cursor then resumes it)."""

    changed: list[RemoteEvent] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    cursor: str = ""
    complete: bool = True
    calls: int = 0


class CursorExpired(Exception):
    """The sync cursor is no longer valid (Graph 410 syncStateNotFound, EWS invalid state)."""


# -- push operations and their outcomes ----------------------------------------------------
@dataclass(frozen=True)
class Create:
    mailbox: str
    raccord_id: str
    data: EventData
    transaction_id: str


@dataclass(frozen=True)
class Update:
    """Write `fields` (names of FIELD_NAMES; all when empty) of `data` to the event: the
    others keep what Outlook holds."""

    mailbox: str
    remote_id: str
    data: EventData
    raccord_id: str = ""
    fields: tuple[str, ...] = ()


@dataclass(frozen=True)
class Delete:
    mailbox: str
    remote_id: str
    raccord_id: str = ""


@dataclass(frozen=True)
class Find:
    """Look an event up by raccord's id in its extended property."""

    mailbox: str
    raccord_id: str


Operation = Create | Update | Delete | Find


@dataclass(frozen=True)
class Outcome:
    """What became of one operation.

    kind: "done" (event in `event`, or None after a delete / a Find that found nothing),
    "missing" (the event is gone), "unknown" (the answer was lost: its effect must be looked
    up before any retry), "throttled" (try again after `retry_after` seconds), "failed"."""

    operation: Operation
    kind: str
    event: RemoteEvent | None = None
    retry_after: float = 0.0
    diagnosis: Diagnosis | None = None
