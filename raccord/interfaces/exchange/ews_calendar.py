"""Calendar items through Exchange Web Services (exchangelib), for Exchange Server on premises
(and Exchange Online until EWS is switched off there).

CreateItem / UpdateItem / DeleteItem in bulk per mailbox, FindItem restricted on raccord's
extended property (the same MAPI named property Graph reads), SyncFolderItems for the changes.
`ErrorServerBusy` pauses the mailbox in the core limiter for the back-off Exchange asks for,
then the call goes again."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime
from typing import TYPE_CHECKING, Any, TypeVar
from zoneinfo import ZoneInfo

import requests
from exchangelib import CalendarItem, EWSDateTime, EWSTimeZone, ExtendedProperty
from exchangelib.errors import (
    ErrorInvalidSyncStateData,
    ErrorItemNotFound,
    ErrorServerBusy,
    ErrorTimeoutExpired,
    EWSError,
)
from exchangelib.folders import Calendar
from exchangelib.items import SEND_TO_NONE
from exchangelib.properties import Attendee, ItemId, Mailbox
from exchangelib.util import TNS

from raccord.core.diagnosis import Diagnosis, Problem, ServiceError, diagnose_exception
from raccord.core.i18n import Tr
from raccord.interfaces.exchange.events import (
    PROPERTY_NAME,
    PROPERTY_SET,
    Changes,
    Create,
    CursorExpired,
    Delete,
    EventData,
    Find,
    Operation,
    Outcome,
    RemoteEvent,
    Update,
)
from raccord.interfaces.exchange.ews_errors import ews_refusal
from raccord.interfaces.exchange.ews_recurrence import from_ews, to_ews
from raccord.interfaces.exchange.graph_calendar import mailbox_key
from raccord.interfaces.exchange.recurrence import InvalidRecurrence

if TYPE_CHECKING:
    from exchangelib import Account

    from raccord.core.ratelimit import RateLimiter
    from raccord.interfaces.exchange.ews import EwsClient

T = TypeVar("T")
DEFAULT_BACK_OFF_S = 5.0
SYNC_PAGE = 200
# Graph's showAs and EWS's LegacyFreeBusyStatus name the same thing.
FREE_BUSY = {"free": "Free", "tentative": "Tentative", "busy": "Busy", "oof": "OOF",
             "workingElsewhere": "WorkingElsewhere", "unknown": "NoData"}
SHOW_AS = {v: k for k, v in FREE_BUSY.items()}
_ = TNS  # exchangelib's namespace, re-exported for the simulator's tests


class Busy(Exception):
    def __init__(self, back_off_s: float) -> None:
        super().__init__(f"server busy, back off {back_off_s} s")
        self.back_off_s = back_off_s


class RaccordId(ExtendedProperty):
    property_set_id = PROPERTY_SET
    property_name = PROPERTY_NAME
    property_type = "String"


if "raccord_id" not in {f.name for f in CalendarItem.FIELDS}:
    CalendarItem.register("raccord_id", RaccordId)


def _ews_time(moment: datetime, zone_name: str) -> EWSDateTime:
    local = moment.astimezone(ZoneInfo(zone_name))
    return EWSDateTime.from_datetime(local.replace(tzinfo=None)).replace(
        tzinfo=EWSTimeZone(zone_name))


def _item_fields(data: EventData) -> dict[str, Any]:
    return {
        "subject": data.subject, "start": _ews_time(data.start, data.time_zone),
        "end": _ews_time(data.end, data.time_zone), "is_all_day": data.all_day,
        "location": data.location or None, "body": data.body or None,
        "categories": list(data.categories) or None,
        "legacy_free_busy_status": FREE_BUSY.get(data.show_as, "Busy"),
        "sensitivity": "Private" if data.private else "Normal",
        "required_attendees": [Attendee(mailbox=Mailbox(email_address=a))
                               for a in data.attendees] or None,
        "recurrence": to_ews(data.recurrence) if data.recurrence else None,
    }


UPDATE_FIELDS = ("subject", "start", "end", "is_all_day", "location", "body", "categories",
                 "legacy_free_busy_status", "sensitivity", "required_attendees", "recurrence")
# exchangelib's fields for each of raccord's (times go with the all-day flag).
EWS_FIELDS = {"subject": ("subject",), "body": ("body",), "start": ("start",),
              "end": ("end",), "all_day": ("is_all_day", "start", "end"),
              "location": ("location",), "categories": ("categories",),
              "show_as": ("legacy_free_busy_status",), "private": ("sensitivity",),
              "attendees": ("required_attendees",), "recurrence": ("recurrence",)}


def _update_fields(fields: tuple[str, ...]) -> list[str]:
    if not fields:
        return list(UPDATE_FIELDS)
    wanted = {name for field in fields for name in EWS_FIELDS[field]}
    return [name for name in UPDATE_FIELDS if name in wanted]


def _event(item: CalendarItem, zone_name: str) -> RemoteEvent:
    zone = ZoneInfo(zone_name)
    # exchangelib's own datetimes refuse standard zones: handed over as plain datetimes.
    start = (datetime.fromtimestamp(item.start.timestamp(), zone)
             if isinstance(item.start, datetime) else datetime.now(zone))
    end = (datetime.fromtimestamp(item.end.timestamp(), zone)
           if isinstance(item.end, datetime) else start)
    data = EventData(
        subject=str(item.subject or ""), start=start.astimezone(zone),
        end=end.astimezone(zone), time_zone=zone_name, all_day=bool(item.is_all_day),
        location=str(item.location or ""), body=str(item.body or ""),
        categories=tuple(item.categories or ()),
        show_as=SHOW_AS.get(str(item.legacy_free_busy_status or "Busy"), "busy"),
        private=str(item.sensitivity or "Normal") in ("Private", "Confidential"),
        attendees=tuple(str(a.mailbox.email_address) for a in item.required_attendees or ()
                        if a.mailbox is not None),
        recurrence=from_ews(item.recurrence))
    return RemoteEvent(str(item.id), str(item.changekey or ""), str(item.uid or ""),
                       getattr(item, "raccord_id", None) or None, data)


class EwsCalendar:
    def __init__(self, ews: EwsClient, limiter: RateLimiter) -> None:
        self.ews = ews
        self.limiter = limiter
        self.time_zone = "Europe/Paris"
        self.calls = 0
        self.throttled = 0

    @contextmanager
    def _calendar(self, mailbox: str) -> Iterator[tuple[Account, Calendar]]:
        with self.ews.account(mailbox) as account:
            yield account, account.calendar

    def _busy_safe(self, mailbox: str, call: Callable[[], T]) -> T:
        """Run one EWS call, once. ErrorServerBusy pauses the mailbox for every worker (the
        core limiter) for the back-off Exchange asks for, and raises Busy: the caller
        re-queues the work, whose next call waits for the pause."""
        self.limiter.acquire(mailbox_key(mailbox), [])
        self.calls += 1
        try:
            return call()
        except ErrorServerBusy as busy:
            self.throttled += 1
            wait = float(busy.back_off or DEFAULT_BACK_OFF_S)
            self.limiter.pause(mailbox_key(mailbox), wait)
            raise Busy(wait) from None

    def _diagnosis(self, error: Exception, mailbox: str) -> Diagnosis:
        if isinstance(error, ServiceError):
            return error.diagnosis
        if isinstance(error, requests.RequestException):
            return diagnose_exception(error, self.ews.url, self.ews.http.timeout)
        if isinstance(error, EWSError):
            return ews_refusal(error, self.ews.values, mailbox)
        return Diagnosis(Problem.PROTOCOL, Tr(f"Réponse EWS inattendue : {error}",
                                              f"Unexpected EWS answer: {error}"))

    # -- operations ----------------------------------------------------------------------
    def run(self, operations: list[Operation]) -> list[Outcome]:
        outcomes: dict[int, Outcome] = {}
        by_mailbox: dict[str, list[int]] = {}
        for index, op in enumerate(operations):
            by_mailbox.setdefault(op.mailbox, []).append(index)
        for mailbox, indexes in by_mailbox.items():
            ops = [(i, operations[i]) for i in indexes]
            try:
                with self._calendar(mailbox) as (account, folder):
                    outcomes.update(self._run_mailbox(account, folder, mailbox, ops))
            except Busy as busy:
                for i, op in ops:
                    outcomes.setdefault(i, Outcome(op, "throttled", retry_after=busy.back_off_s))
            except (EWSError, ServiceError, requests.RequestException) as error:
                # exchangelib turns a read timeout into ErrorTimeoutExpired: the request
                # went out, its effect is unknown.
                lost = isinstance(error, ErrorTimeoutExpired | requests.ReadTimeout)
                diagnosis = self._diagnosis(error, mailbox)
                for i, op in ops:
                    if i not in outcomes:
                        kind = "unknown" if lost else "failed"
                        outcomes[i] = Outcome(op, kind, diagnosis=diagnosis)
        return [outcomes[i] for i in range(len(operations))]

    def _run_mailbox(self, account: Account, folder: Calendar, mailbox: str,
                     ops: list[tuple[int, Operation]]) -> dict[int, Outcome]:
        done: dict[int, Outcome] = {}
        creates = self._sayable([(i, op) for i, op in ops if isinstance(op, Create)], done)
        updates = self._sayable([(i, op) for i, op in ops if isinstance(op, Update)], done)
        deletes = [(i, op) for i, op in ops if isinstance(op, Delete)]
        finds = [(i, op) for i, op in ops if isinstance(op, Find)]
        if finds:
            wanted = [op.raccord_id for _, op in finds]
            found = self._busy_safe(mailbox, lambda: list(folder.filter(
                raccord_id__in=wanted)) if len(wanted) > 1 else list(folder.filter(
                    raccord_id=wanted[0])))
            by_id = {getattr(item, "raccord_id", None): item for item in found
                     if isinstance(item, CalendarItem)}
            for i, op in finds:
                item = by_id.get(op.raccord_id)
                done[i] = Outcome(op, "done", _event(item, self.time_zone) if item else None)
        if creates:
            items = [CalendarItem(account=account, folder=folder, raccord_id=op.raccord_id,
                                  **_item_fields(op.data)) for _, op in creates]
            results = self._busy_safe(mailbox, lambda: account.bulk_create(
                folder=folder, items=items, send_meeting_invitations=SEND_TO_NONE))
            for (i, create), result in zip(creates, results, strict=True):
                done[i] = self._result(create, result, mailbox)
        if updates:
            items = [(CalendarItem(account=account, folder=folder, id=op.remote_id,
                                   **_item_fields(op.data)), _update_fields(op.fields))
                     for _, op in updates]
            results = self._busy_safe(mailbox, lambda: account.bulk_update(
                items=items, conflict_resolution="AlwaysOverwrite",
                send_meeting_invitations_or_cancellations=SEND_TO_NONE))
            for (i, update), result in zip(updates, results, strict=True):
                done[i] = self._result(update, result, mailbox)
        if deletes:
            ids = [ItemId(id=op.remote_id) for _, op in deletes]
            results = self._busy_safe(mailbox, lambda: account.bulk_delete(
                ids=ids, send_meeting_cancellations=SEND_TO_NONE))
            for (i, delete), result in zip(deletes, results, strict=True):
                if result is True:
                    done[i] = Outcome(delete, "done")
                else:
                    done[i] = self._result(delete, result, mailbox)
        return done

    @staticmethod
    def _sayable(ops: list[tuple[int, Any]], done: dict[int, Outcome]) -> list[tuple[int, Any]]:
        """The creates and updates EWS can carry; one whose recurrence EWS cannot say (a
        yearly rule every two years...) fails with the reason, the others go."""
        kept = []
        for i, op in ops:
            try:
                if op.data.recurrence:
                    to_ews(op.data.recurrence)
            except InvalidRecurrence as error:
                done[i] = Outcome(op, "failed", diagnosis=Diagnosis(Problem.REFUSED, Tr(
                    "Exchange (EWS) ne peut pas enregistrer la récurrence de ce rendez-vous :",
                    "Exchange (EWS) cannot hold this appointment's recurrence:")
                    + error.message))
                continue
            kept.append((i, op))
        return kept

    def _result(self, op: Operation, result: Any, mailbox: str) -> Outcome:
        if isinstance(result, ErrorItemNotFound):
            return Outcome(op, "missing")
        if isinstance(result, ErrorServerBusy):
            return Outcome(op, "throttled", retry_after=float(result.back_off or 5))
        if isinstance(result, Exception):
            return Outcome(op, "failed", diagnosis=self._diagnosis(result, mailbox))
        remote_id, change_key = (result if isinstance(result, tuple) else
                                 (result.id, result.changekey))
        data = op.data if isinstance(op, Create | Update) else None
        return Outcome(op, "done", RemoteEvent(str(remote_id), str(change_key or ""), "",
                                                getattr(op, "raccord_id", None), data))

    # -- changes -------------------------------------------------------------------------
    def changes(self, cursors: dict[str, str | None], start: datetime, end: datetime,
                page_size: int = SYNC_PAGE, max_pages: int = 50
                ) -> dict[str, Changes | CursorExpired | Outcome]:
        """SyncFolderItems on each mailbox's calendar (the whole folder: EWS has no window)."""
        results: dict[str, Changes | CursorExpired | Outcome] = {}
        for mailbox, cursor in cursors.items():
            def read(m: str = mailbox, c: str | None = cursor) -> Changes:
                return self._sync(m, c, page_size)

            try:
                results[mailbox] = self._busy_safe(mailbox, read)
            except ErrorInvalidSyncStateData:
                results[mailbox] = CursorExpired(mailbox)
            except Busy as busy:
                results[mailbox] = Outcome(Find(mailbox, ""), "throttled",
                                           retry_after=busy.back_off_s)
            except (EWSError, ServiceError, requests.RequestException) as error:
                results[mailbox] = Outcome(Find(mailbox, ""), "failed",
                                           diagnosis=self._diagnosis(error, mailbox))
        return results

    def _sync(self, mailbox: str, cursor: str | None, page_size: int) -> Changes:
        changed: dict[str, RemoteEvent] = {}
        removed: set[str] = set()
        with self._calendar(mailbox) as (_account, folder):
            for change, item in folder.sync_items(sync_state=cursor or None,
                                                  max_changes_returned=page_size):
                if change == "delete":
                    removed.add(str(item.id))
                    changed.pop(str(item.id), None)
                elif isinstance(item, CalendarItem):
                    changed[str(item.id)] = _event(item, self.time_zone)
                    removed.discard(str(item.id))
            state = folder.item_sync_state
        return Changes(list(changed.values()), sorted(removed), str(state or ""))

    def owned(self, mailbox: str) -> list[RemoteEvent]:
        def listing() -> list[RemoteEvent]:
            with self._calendar(mailbox) as (_account, folder):
                return [_event(i, self.time_zone) for i in folder.filter(
                    raccord_id__exists=True) if isinstance(i, CalendarItem)]

        try:
            return self._busy_safe(mailbox, listing)
        except Busy as busy:
            raise ServiceError(Diagnosis(Problem.RATE_LIMIT, Tr(
                "Exchange est occupé (ErrorServerBusy) : nouvel essai après son délai.",
                "Exchange is busy (ErrorServerBusy): tried again after its delay."),
                retry_after=busy.back_off_s)) from None
        except (EWSError, requests.RequestException) as error:
            raise ServiceError(self._diagnosis(error, mailbox)) from None
