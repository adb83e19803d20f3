"""The simulated mailboxes' calendars, shared by the Graph and EWS parts of the simulator: an
event created through EWS is seen through Graph (with another id, as in Exchange), and raccord's
extended property is the same MAPI named property on both sides.

Every change takes the mailbox's next sequence number; delta and SyncFolderItems cursors are
sequence numbers kept under opaque tokens, which the tests can expire (410 / invalid state).
Per (application, mailbox): at most 4 requests at once and `budget` requests in any
`window_s` seconds, beyond which the request is refused with a Retry-After."""

from __future__ import annotations

import base64
import random
import secrets
import threading
import time
from collections import deque
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any


def _b64(text: str) -> str:
    return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")


def graph_id(mailbox: str, number: int) -> str:
    return "AAMkAGI" + _b64(f"{mailbox}|{number}")


def ews_id(mailbox: str, number: int) -> str:
    return "AAMkAEWS" + _b64(f"{mailbox}|{number}")


@dataclass
class SimEvent:
    number: int
    mailbox: str
    fields: dict[str, Any]
    props: dict[tuple[str, str], str] = field(default_factory=dict)
    transaction_id: str | None = None
    version: int = 1
    sequence: int = 0
    created: datetime = field(default_factory=lambda: datetime.now(UTC))
    modified: datetime = field(default_factory=lambda: datetime.now(UTC))

    @property
    def graph_id(self) -> str:
        return graph_id(self.mailbox, self.number)

    @property
    def ews_id(self) -> str:
        return ews_id(self.mailbox, self.number)

    @property
    def change_key(self) -> str:
        return _b64(f"ck|{self.number}|{self.version}")

    @property
    def ical_uid(self) -> str:
        return f"040000008200E00074C5B7101A82E008{self.number:016X}{_b64(self.mailbox)[:16]}"

    def overlaps(self, start: datetime, end: datetime) -> bool:
        return bool(self.fields["start"] < end and self.fields["end"] > start)


@dataclass
class Cursor:
    mailbox: str
    sequence: int
    start: datetime | None
    end: datetime | None
    # The events still to hand out in this round (pages), and the sequence it ends at.
    pending: deque[tuple[str, int]] = field(default_factory=deque)
    ends_at: int = 0


@dataclass
class MailboxCalendar:
    events: dict[int, SimEvent] = field(default_factory=dict)
    # sequence -> (event number, "changed" | "deleted")
    log: list[tuple[int, int, str]] = field(default_factory=list)
    sequence: int = 0
    calls: deque[float] = field(default_factory=deque)
    in_flight: int = 0


class Throttled(Exception):
    def __init__(self, retry_after: int, code: str, message: str) -> None:
        super().__init__(message)
        self.retry_after, self.code, self.message = retry_after, code, message


class Calendars:
    def __init__(self) -> None:
        self.lock = threading.RLock()
        self.mailboxes: dict[str, MailboxCalendar] = {}
        self.cursors: dict[str, Cursor] = {}
        self.numbers = 0
        self.budget = 10000
        self.window_s = 600.0
        self.concurrency = 4
        self.throttled = 0
        self.server_busy_next = 0  # EWS: the next N requests answer ErrorServerBusy
        # Share of requests refused with a 429 at random (beyond the limits), and the
        # requests that came back to a throttled mailbox in a later call before its
        # Retry-After had passed (a client not honouring it).
        self.throttle_rate = 0.0
        self.retry_after_s = 1
        self.blocked: dict[str, tuple[float, int]] = {}
        self.early = 0

    def of(self, mailbox: str) -> MailboxCalendar:
        with self.lock:
            return self.mailboxes.setdefault(mailbox.lower(), MailboxCalendar())

    # -- limits --------------------------------------------------------------------------
    def enter(self, mailbox: str, call: int = 0) -> None:
        """Count a request on the mailbox (`call`: the HTTP call it came in); Throttled when
        over its limits, or while a Retry-After given to the mailbox has not passed."""
        calendar = self.of(mailbox)
        now = time.monotonic()
        with self.lock:
            until, by_call = self.blocked.get(mailbox, (0.0, 0))
            if now < until:
                if call != by_call:
                    self.early += 1
                self.throttled += 1
                raise Throttled(max(1, int(until - now + 0.999)), "ApplicationThrottled",
                                "Application is over its MailboxConcurrency limit.")
            if self.throttle_rate and random.random() < self.throttle_rate:
                self.throttled += 1
                self.blocked[mailbox] = (now + self.retry_after_s, call)
                raise Throttled(self.retry_after_s, "TooManyRequests",
                                "Please retry again later.")
            calls = calendar.calls
            while calls and calls[0] <= now - self.window_s:
                calls.popleft()
            if calendar.in_flight >= self.concurrency:
                self.throttled += 1
                raise Throttled(1, "ApplicationThrottled",
                                "Application is over its MailboxConcurrency limit.")
            if len(calls) >= self.budget:
                self.throttled += 1
                wait = max(1, int(calls[len(calls) - self.budget] + self.window_s - now + 0.999))
                self.blocked[mailbox] = (now + wait, call)
                raise Throttled(wait, "ApplicationThrottled",
                                "Application is over its MailboxRequests limit.")
            calls.append(now)
            calendar.in_flight += 1

    def leave(self, mailbox: str) -> None:
        with self.lock:
            calendar = self.of(mailbox)
            calendar.in_flight = max(0, calendar.in_flight - 1)

    # -- events --------------------------------------------------------------------------
    def _touch(self, calendar: MailboxCalendar, event: SimEvent, kind: str) -> None:
        calendar.sequence += 1
        event.sequence = calendar.sequence
        event.modified = datetime.now(UTC)
        calendar.log.append((calendar.sequence, event.number, kind))

    def create(self, mailbox: str, fields: dict[str, Any], props: dict[tuple[str, str], str],
               transaction_id: str | None = None) -> tuple[SimEvent, bool]:
        """(event, created): the same transactionId gives back the event it created."""
        with self.lock:
            calendar = self.of(mailbox)
            if transaction_id:
                for event in calendar.events.values():
                    if event.transaction_id == transaction_id:
                        return event, False
            self.numbers += 1
            event = SimEvent(self.numbers, mailbox.lower(), dict(fields), dict(props),
                             transaction_id)
            calendar.events[event.number] = event
            self._touch(calendar, event, "changed")
            return event, True

    def update(self, event: SimEvent, fields: dict[str, Any],
               props: dict[tuple[str, str], str] | None = None) -> SimEvent:
        with self.lock:
            event.fields.update(fields)
            if props:
                event.props.update(props)
            event.version += 1
            self._touch(self.of(event.mailbox), event, "changed")
            return event

    def delete(self, event: SimEvent) -> None:
        with self.lock:
            calendar = self.of(event.mailbox)
            calendar.events.pop(event.number, None)
            self._touch(calendar, event, "deleted")

    def find(self, mailbox: str, event_id: str) -> SimEvent | None:
        with self.lock:
            for event in self.of(mailbox).events.values():
                if event_id in (event.graph_id, event.ews_id):
                    return event
            return None

    def by_property(self, mailbox: str, key: tuple[str, str], value: str | None
                    ) -> list[SimEvent]:
        with self.lock:
            return [e for e in self.of(mailbox).events.values()
                    if (value is None and e.props.get(key)) or
                    (value is not None and (e.props.get(key) or "").lower() == value.lower())]

    # -- cursors -------------------------------------------------------------------------
    def new_cursor(self, mailbox: str, start: datetime | None, end: datetime | None) -> str:
        with self.lock:
            calendar = self.of(mailbox)
            cursor = Cursor(mailbox.lower(), 0, start, end, ends_at=calendar.sequence)
            for event in sorted(calendar.events.values(), key=lambda e: e.number):
                if start is None or end is None or event.overlaps(start, end):
                    cursor.pending.append(("changed", event.number))
            return self._keep(cursor)

    def _keep(self, cursor: Cursor) -> str:
        token = secrets.token_urlsafe(18)
        self.cursors[token] = cursor
        return token

    def cursor(self, token: str) -> Cursor | None:
        return self.cursors.get(token)

    def next_round(self, token: str) -> str | None:
        """From a round's final token: a token whose pending items are the changes since."""
        with self.lock:
            old = self.cursors.get(token)
            if old is None:
                return None
            calendar = self.of(old.mailbox)
            cursor = Cursor(old.mailbox, old.ends_at, old.start, old.end,
                            ends_at=calendar.sequence)
            last: dict[int, str] = {}
            for sequence, number, kind in calendar.log:
                if sequence > old.ends_at:
                    last[number] = kind
            for number, kind in sorted(last.items()):
                event = calendar.events.get(number)
                in_window = event is not None and (
                    old.start is None or old.end is None or event.overlaps(old.start, old.end))
                cursor.pending.append(("changed" if kind == "changed" and in_window
                                       else "deleted", number))
            return self._keep(cursor)

    def expire(self, mailbox: str) -> int:
        with self.lock:
            gone = [t for t, c in self.cursors.items() if c.mailbox == mailbox.lower()]
            for token in gone:
                del self.cursors[token]
            return len(gone)
