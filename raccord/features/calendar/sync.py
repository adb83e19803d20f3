"""Synchronising mailboxes: the ERP's changes go to Outlook, Outlook's changes come back.

A run synchronises at most `exchange.max_threads` mailboxes at once, in groups (for Graph up
to 20 mailboxes, whose requests share `$batch` calls of 20; 1 for EWS), each mailbox under a
lease (raccord.core.locks) so that two workers never sync the same one. For each group:

1. links made with the other protocol (a switch EWS <-> Graph) or a cursor the service
   expired are re-found by raccord's extended property (`resync`), never re-created;
2. push: every appointment whose ERP version is ahead of Outlook is created, updated or
   deleted. A create is marked sent (committed) before it goes; one whose answer was lost is
   looked up by the extended property before any new try;
3. pull: each mailbox's changes since its cursor; the new cursor is stored in the same
   transaction as what the changes did, so a run killed anywhere resumes from a cursor
   whose changes are all applied (a replay applies nothing twice: change keys);
4. push again what the pull restored (fields the ERP owns)."""

from __future__ import annotations

import json
import logging
import math
import uuid
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from raccord.core.alerts import clear_alert, raise_alert
from raccord.core.diagnosis import Diagnosis, Problem, ServiceError
from raccord.core.formats import counted
from raccord.core.http import RetryPolicy
from raccord.core.i18n import Tr
from raccord.core.locks import Lease, try_take
from raccord.core.models import utcnow
from raccord.core.webhooks import notify
from raccord.features.calendar.labels import error_json
from raccord.features.calendar.models import Appointment, Mailbox, State, SyncRun
from raccord.features.calendar.records import desired, note
from raccord.features.calendar.rules import changed_fields, decide
from raccord.interfaces.exchange.client import ExchangeClient
from raccord.interfaces.exchange.events import (
    Changes,
    Create,
    CursorExpired,
    Delete,
    Find,
    Operation,
    Outcome,
    RemoteEvent,
    Update,
)

if TYPE_CHECKING:
    from raccord.core.hub import Hub
    from raccord.interfaces.exchange.ews_calendar import EwsCalendar
    from raccord.interfaces.exchange.graph_calendar import GraphCalendar

    Calendar = GraphCalendar | EwsCalendar

log = logging.getLogger("raccord.calendar")
COUNTS = ("created", "updated", "deleted", "pulled_back", "failed")
GROUP_GRAPH = 20
LEASE_TTL_S = 120.0
PUSH_ROUNDS = 5
# A mailbox failing this many runs in a row shows on the Exchange screen (and alerts).
FAILING_AFTER = 3
INTERFACE = "exchange"
# A passing failure (timeout, 5xx) is tried again by a re-queued run this much later.
RETRY_DELAY_S = 30.0
# A person waiting (CLI, console) gets a few tries of each call instead of a re-queue.
PERSON_WAITING = RetryPolicy(attempts=3, delay_s=1.0)


def lease_key(address: str) -> str:
    return f"calendar:mailbox:{address.lower()}"


@dataclass
class MailboxRun:
    address: str
    counts: dict[str, int] = field(default_factory=lambda: dict.fromkeys(COUNTS, 0))
    error: Tr | None = None
    notices: list[tuple[str, dict[str, Any]]] = field(default_factory=list)
    # Work left for a re-queued run of this mailbox, this many seconds later (0: none).
    retry_after: float = 0.0

    def defer(self, seconds: float) -> None:
        self.retry_after = max(self.retry_after, seconds, 1.0)

    def fail(self, diagnosis: Diagnosis | None) -> None:
        if diagnosis is None:
            return
        if diagnosis.problem is Problem.RATE_LIMIT:
            self.defer(diagnosis.retry_after or RETRY_DELAY_S)
            return
        if diagnosis.transient:
            self.defer(RETRY_DELAY_S)
        if self.error is None or not diagnosis.transient:
            self.error = diagnosis.message


@dataclass
class RunTotals:
    mailboxes: int = 0
    busy: int = 0
    counts: dict[str, int] = field(default_factory=lambda: dict.fromkeys(COUNTS, 0))
    failing: list[str] = field(default_factory=list)
    # Mailboxes with work left (throttled, a passing failure): seconds before trying again.
    retry: dict[str, float] = field(default_factory=dict)

    def as_dict(self) -> dict[str, int]:
        return {"mailboxes": self.mailboxes, "busy": self.busy, **self.counts}


def group_shape(max_threads: int, graph: bool) -> tuple[int, int]:
    """(mailboxes per group, groups at once) so that at most `max_threads` mailboxes are
    synchronised at once (`exchange.max_threads`, the seed's "synchronisations at once").
    EWS takes mailboxes one by one. Graph groups share `$batch` calls, and a group waits for
    each of its calls: as many groups at once as mailboxes in a group (64: 8 groups of 8),
    so that calls are saved (a steady mailbox costs an eighth of a call) while a slow or
    lost answer holds up few mailboxes."""
    limit = max(1, max_threads)
    if not graph:
        return 1, limit
    size = min(GROUP_GRAPH, math.isqrt(limit))
    return size, limit // size


def sync(hub: Hub, addresses: Iterable[str] | None = None, trigger: str = "schedule",
         pull: bool = True, retry: RetryPolicy | None = None) -> RunTotals:
    """Synchronise the enabled mailboxes (or the ones named). Each call is tried as `retry`
    says (once by default: the caller re-queues the mailboxes in `RunTotals.retry`)."""
    client = ExchangeClient(hub)
    with hub.db.session() as session:
        query = select(Mailbox.address).where(Mailbox.enabled.is_(True))
        if addresses is not None:
            wanted = [a.lower() for a in addresses]
            query = query.where(Mailbox.address.in_(wanted))
        targets = list(session.scalars(query.order_by(Mailbox.address)))
    totals = RunTotals()
    if not targets:
        return totals
    calendar = client.calendars(retry)
    size, at_once = group_shape(int(client.values.get("max_threads") or 4), client.uses_graph)
    groups = [targets[i:i + size] for i in range(0, len(targets), size)]
    engine = Engine(hub, calendar, client.protocol, client.values, trigger)
    with ThreadPoolExecutor(max_workers=min(at_once, len(groups)),
                            thread_name_prefix="calendar") as pool:
        for runs, busy in pool.map(lambda g: engine.group(g, pull), groups):
            totals.busy += busy
            for run in runs:
                totals.mailboxes += 1
                for key in COUNTS:
                    totals.counts[key] += run.counts[key]
                if run.retry_after:
                    totals.retry[run.address] = run.retry_after
    with hub.db.session() as session:
        totals.failing = list(session.scalars(select(Mailbox.address).where(
            Mailbox.failures >= FAILING_AFTER)))
    return totals


class Engine:
    def __init__(self, hub: Hub, calendar: Calendar, protocol: str, values: dict[str, Any],
                 trigger: str) -> None:
        self.hub, self.calendar, self.protocol = hub, calendar, protocol
        self.values, self.trigger = values, trigger

    # -- one group of mailboxes ----------------------------------------------------------
    def group(self, addresses: list[str], pull: bool) -> tuple[list[MailboxRun], int]:
        leases: dict[str, Lease] = {}
        for address in addresses:
            lease = try_take(self.hub, lease_key(address), LEASE_TTL_S)
            if lease is not None:
                leases[address] = lease
        runs = {a: MailboxRun(a) for a in leases}
        try:
            if runs:
                run_ids = self._start_runs(list(runs))
                try:
                    self._work(runs, pull)
                except ServiceError as error:  # the whole group failed (token, network)
                    for run in runs.values():
                        run.fail(error.diagnosis)
                self._finish(runs, run_ids)
        finally:
            for lease in leases.values():
                lease.release()
        return list(runs.values()), len(addresses) - len(leases)

    def _work(self, runs: dict[str, MailboxRun], pull: bool) -> None:
        for address in self._switched(list(runs)):
            self._resync(runs[address])
        finished: set[int] = set()  # failed in this run: tried again at the next one
        self.push(runs, finished)
        if pull:
            self.pull(runs)
            self.push(runs, finished)

    def _start_runs(self, addresses: list[str]) -> dict[str, int]:
        with self.hub.db.session() as session:
            rows = {a: SyncRun(mailbox=a, trigger=self.trigger, protocol=self.protocol,
                               outcome="running", created=0, updated=0, deleted=0,
                               pulled_back=0, failed=0, calls=0) for a in addresses}
            session.add_all(rows.values())
            session.flush()
            return {a: r.id for a, r in rows.items()}

    def _finish(self, runs: dict[str, MailboxRun], run_ids: dict[str, int]) -> None:
        now = utcnow()
        failures: dict[str, int] = {}
        with self.hub.db.session() as session:
            for address, run in runs.items():
                row = session.get(SyncRun, run_ids[address])
                box = session.scalar(select(Mailbox).where(Mailbox.address == address))
                if row is None or box is None:
                    continue
                for key in COUNTS:
                    setattr(row, key, run.counts[key])
                row.finished_at = now
                row.outcome = "failure" if run.error else "success"
                row.error = json.dumps({"fr": run.error.fr, "en": run.error.en},
                                       ensure_ascii=False) if run.error else None
                box.last_sync_at, box.last_counts = now, dict(run.counts)
                box.last_outcome = row.outcome
                box.last_error = row.error
                box.failures = box.failures + 1 if run.error else 0
                failures[address] = box.failures
        for run in runs.values():
            for event, data in run.notices:
                notify(self.hub, INTERFACE, event, data)
            if run.error is not None:
                log.warning("calendar sync of %s failed: %s", run.address, run.error.en)
            self._alert(run, failures.get(run.address, 0))

    def _alert(self, run: MailboxRun, failures: int) -> None:
        """A mailbox failing FAILING_AFTER runs in a row needs a person: an alert, mailed to
        those who subscribed, until a run succeeds."""
        key = f"calendar.mailbox.{run.address}"
        if run.error is None:
            clear_alert(self.hub, key)
        elif failures >= FAILING_AFTER:
            runs = counted(failures, Tr("synchronisation", "synchronisation"),
                           Tr("synchronisations", "synchronisations"))
            raise_alert(self.hub, key, interface=INTERFACE, severity="error", message=Tr(
                f"La boîte {run.address} échoue depuis {runs.fr} : ",
                f"Mailbox {run.address} has failed {runs.en} in a row: ") + run.error)

    # -- push ----------------------------------------------------------------------------
    def push(self, runs: dict[str, MailboxRun], finished: set[int]) -> None:
        looked_up: set[int] = set()   # a Find found nothing: create (same transactionId)
        for _ in range(PUSH_ROUNDS):
            planned = self._plan(list(runs), looked_up, finished)
            if not planned:
                return
            outcomes = self.calendar.run([op for _, _, op in planned])
            with self.hub.db.session() as session:
                for (row_id, version, _), outcome in zip(planned, outcomes, strict=True):
                    row = session.get(Appointment, row_id)
                    if row is not None:
                        self._pushed(session, row, version, outcome, runs[row.mailbox],
                                     looked_up, finished)

    def _plan(self, addresses: list[str], looked_up: set[int], finished: set[int]
              ) -> list[tuple[int, int, Operation]]:
        planned: list[tuple[int, int, Operation]] = []
        with self.hub.db.session() as session:
            rows = session.scalars(select(Appointment).where(
                Appointment.mailbox.in_(addresses),
                Appointment.pushed_version < Appointment.erp_version).order_by(Appointment.id))
            for row in rows:
                if row.id in finished:
                    continue
                linked = bool(row.remote_id) and row.protocol == self.protocol
                if row.deleted and linked:
                    op: Operation = Delete(row.mailbox, str(row.remote_id), row.uid)
                elif row.deleted and not row.create_sent:
                    row.pushed_version, row.state = row.erp_version, State.DELETED.value
                    row.remote_id = None
                    continue
                elif linked:
                    wanted = desired(row)
                    fields = tuple(changed_fields(row.remote_snapshot, wanted.comparable()))
                    if not fields:  # Outlook already holds it
                        self._synced(row, row.erp_version)
                        continue
                    # Only what the ERP changed: Outlook's own changes of the other fields
                    # survive, and come back at the pull (rules.py).
                    op = Update(row.mailbox, str(row.remote_id), wanted, row.uid,
                                fields if row.remote_snapshot else ())
                elif row.create_sent and row.id not in looked_up:
                    op = Find(row.mailbox, row.uid)
                elif row.deleted:  # looked up, nothing there: nothing to delete
                    row.pushed_version, row.state = row.erp_version, State.DELETED.value
                    continue
                else:
                    row.create_sent = True  # committed before the create goes out
                    op = Create(row.mailbox, row.uid, desired(row), row.transaction_id)
                planned.append((row.id, row.erp_version, op))
        return planned

    def _link(self, row: Appointment, event: RemoteEvent) -> None:
        row.remote_id, row.change_key = event.remote_id, event.change_key
        row.ical_uid, row.protocol = event.ical_uid or row.ical_uid, self.protocol
        if event.data is not None:
            row.remote_snapshot = event.data.comparable()

    def _synced(self, row: Appointment, version: int) -> None:
        row.pushed_version = max(row.pushed_version, version)
        row.state = (State.SYNCED if row.pushed_version >= row.erp_version
                     else State.PENDING).value
        row.synced_at, row.attempts, row.last_error = utcnow(), 0, None

    def _pushed(self, session: Session, row: Appointment, version: int, outcome: Outcome,
                run: MailboxRun, looked_up: set[int], finished: set[int]) -> None:
        op, kind, event = outcome.operation, outcome.kind, outcome.event
        if isinstance(op, Create) and kind == "done" and event is not None:
            self._link(row, event)
            self._synced(row, version)
            note(session, row.id, "raccord", "created_in_outlook", {"remote_id": event.remote_id})
            run.counts["created"] += 1
        elif isinstance(op, Create) and kind == "unknown":
            note(session, row.id, "raccord", "answer_lost",
                 {"reason": outcome.diagnosis.message.en if outcome.diagnosis else "",
                  "reason_fr": outcome.diagnosis.message.fr if outcome.diagnosis else ""})
        elif isinstance(op, Find) and kind == "done" and event is not None:
            self._link(row, event)
            note(session, row.id, "raccord", "found_again", {"remote_id": event.remote_id})
            if not row.deleted and event.data is not None and (
                    event.data.comparable() == desired(row).comparable()):
                self._synced(row, version)
                run.counts["created"] += 1
        elif isinstance(op, Find) and kind == "done":
            looked_up.add(row.id)
        elif isinstance(op, Update) and kind == "done" and event is not None:
            # What Outlook holds now, as far as raccord knows: the fields it wrote on top of
            # the last snapshot (a change Outlook made meanwhile still shows at the pull).
            written = op.data.comparable()
            snapshot = dict(row.remote_snapshot or written)
            for name in op.fields or tuple(written):
                snapshot[name] = written[name]
            row.remote_id, row.change_key = event.remote_id, event.change_key
            row.protocol, row.remote_snapshot = self.protocol, snapshot
            self._synced(row, version)
            run.counts["updated"] += 1
        elif isinstance(op, Update) and kind == "missing":
            # Deleted in Outlook while the ERP changed it: the ERP wins, the event returns.
            self._unlink(row)
            note(session, row.id, "raccord", "recreating",
                 {"why": "deleted in Outlook, changed in the ERP"})
        elif isinstance(op, Delete) and kind in ("done", "missing"):
            self._unlink(row)
            row.pushed_version, row.state = max(row.pushed_version, version), State.DELETED.value
            note(session, row.id, "raccord", "deleted_in_outlook_by_raccord")
            run.counts["deleted"] += 1
        elif kind == "throttled":  # re-queued after the Retry-After; not a failure
            finished.add(row.id)
            row.last_error = error_json(Tr("Exchange demande de patienter.",
                                           "Exchange asks to wait."))
            run.defer(outcome.retry_after)
        else:
            row.attempts += 1
            row.state = State.FAILED.value
            message = outcome.diagnosis.message if outcome.diagnosis else Tr(
                "Échec sans diagnostic.", "Failed without a diagnosis.")
            row.last_error = error_json(message)
            finished.add(row.id)
            run.counts["failed"] += 1
            run.fail(outcome.diagnosis)

    @staticmethod
    def _unlink(row: Appointment) -> None:
        row.remote_id = row.change_key = None
        row.remote_snapshot = None
        row.create_sent = False
        row.transaction_id = str(uuid.uuid4())

    # -- pull ----------------------------------------------------------------------------
    def _window(self) -> tuple[datetime, datetime]:
        now = datetime.now(UTC).replace(minute=0, second=0, microsecond=0)
        past = int(self.values.get("sync_past_days") or 31)
        future = int(self.values.get("sync_future_days") or 366)
        return now - timedelta(days=past), now + timedelta(days=future)

    def pull(self, runs: dict[str, MailboxRun]) -> None:
        with self.hub.db.session() as session:
            boxes = session.scalars(select(Mailbox).where(Mailbox.address.in_(list(runs))))
            cursors = {b.address: (b.cursor if b.protocol == self.protocol else None)
                       for b in boxes}
        start, end = self._window()
        results = self.calendar.changes(cursors, start, end)
        again: list[str] = []
        for address, result in results.items():
            if isinstance(result, CursorExpired):
                self._resync(runs[address])
                again.append(address)
            else:
                self._take(runs[address], result)
        if again:
            for address, result in self.calendar.changes(dict.fromkeys(again), start,
                                                         end).items():
                self._take(runs[address], result)

    def _take(self, run: MailboxRun, result: Changes | CursorExpired | Outcome) -> None:
        if isinstance(result, Outcome):
            if result.kind == "throttled":
                run.defer(result.retry_after)
            else:
                run.fail(result.diagnosis)
            return
        if isinstance(result, CursorExpired):
            run.fail(Diagnosis(Problem.SERVER, Tr(
                "Le curseur de synchronisation a encore expiré : nouvel essai au prochain "
                "passage.", "The sync cursor expired again: tried again at the next run.")))
            return
        changed = list(result.changed)
        removed = list(result.removed)
        if removed:
            changed_more, removed = self._confirm_removed(run.address, removed)
            changed += changed_more
        with self.hub.db.session() as session:
            for event in changed:
                row = self._row_for(session, run.address, event)
                if row is None:
                    continue
                if row.remote_id != event.remote_id or row.protocol != self.protocol:
                    self._adopt(session, row, event)
                else:  # compared field by field: raccord's own writes show no change
                    self._reconcile(session, row, event, run)
            for remote_id in removed:
                row = session.scalar(select(Appointment).where(
                    Appointment.mailbox == run.address, Appointment.remote_id == remote_id))
                if row is not None:
                    self._removed(session, row, run)
            box = session.scalar(select(Mailbox).where(Mailbox.address == run.address))
            if box is not None:
                box.cursor, box.protocol, box.cursor_at = result.cursor, self.protocol, utcnow()

    def _row_for(self, session: Session, address: str, event: RemoteEvent
                 ) -> Appointment | None:
        if event.raccord_id:
            row = session.scalar(select(Appointment).where(Appointment.uid == event.raccord_id))
            if row is not None and row.mailbox == address and row.state not in (
                    State.DELETED.value, State.REMOVED_IN_OUTLOOK.value):
                return row
        return session.scalar(select(Appointment).where(
            Appointment.mailbox == address, Appointment.remote_id == event.remote_id))

    def _adopt(self, session: Session, row: Appointment, event: RemoteEvent) -> None:
        """An event found by raccord's id that the appointment is not linked to (a create
        whose answer was lost, an event seen through the other protocol): link it; Outlook
        is brought to the ERP's values by the next push if they differ."""
        had_link = bool(row.remote_id)
        self._link(row, event)
        note(session, row.id, "raccord", "found_again", {"remote_id": event.remote_id})
        if event.data is None:
            return
        if not had_link and not row.deleted and (
                event.data.comparable() == desired(row).comparable()):
            self._synced(row, row.erp_version)

    def _confirm_removed(self, address: str, removed: list[str]
                         ) -> tuple[list[RemoteEvent], list[str]]:
        """calendarView delta also says `@removed` for an event moved out of the window:
        ours are looked up by their extended property before being taken as deleted."""
        with self.hub.db.session() as session:
            rows = list(session.scalars(select(Appointment).where(
                Appointment.mailbox == address, Appointment.remote_id.in_(removed))))
        if not rows:
            return [], []
        outcomes = self.calendar.run([Find(address, r.uid) for r in rows])
        moved, gone = [], []
        for row, outcome in zip(rows, outcomes, strict=True):
            if outcome.kind == "done" and outcome.event is not None:
                moved.append(outcome.event)
            elif outcome.kind == "done":
                gone.append(str(row.remote_id))
        return moved, gone

    def _reconcile(self, session: Session, row: Appointment, event: RemoteEvent,
                   run: MailboxRun) -> None:
        if event.data is None:
            return
        after = event.data.comparable()
        before = row.remote_snapshot
        outlook_changed = changed_fields(before, after)
        row.change_key = event.change_key
        row.remote_snapshot = after
        if not outlook_changed or row.deleted or row.state == State.REMOVED_IN_OUTLOOK.value:
            return
        wanted = desired(row).comparable()
        erp_changed = (set(changed_fields(before, wanted))
                       if row.pushed_version < row.erp_version else set())
        taken, restored = decide(outlook_changed, erp_changed)
        if taken:
            change = {name: {"erp": wanted[name], "outlook": after[name]} for name in taken}
            data = event.data
            for name in taken:
                if name == "start":
                    row.start_at = data.start.astimezone(UTC)
                elif name == "end":
                    row.end_at = data.end.astimezone(UTC)
                else:
                    setattr(row, name, getattr(data, name))
            row.updated_at = utcnow()
            note(session, row.id, "outlook", "changed_in_outlook", change)
            run.counts["pulled_back"] += 1
            run.notices.append(("calendar.appointment.changed_in_outlook", {
                "erp_id": row.erp_id, "mailbox": row.mailbox,
                "fields": {name: after[name] for name in taken}}))
        if restored:
            row.erp_version += 1
            row.state = State.PENDING.value
            note(session, row.id, "raccord", "restored_over_outlook",
                 {"fields": restored, "outlook": {n: after[n] for n in restored}})
        if not restored and row.pushed_version >= row.erp_version:
            row.state = State.SYNCED.value

    def _removed(self, session: Session, row: Appointment, run: MailboxRun) -> None:
        if row.deleted:
            self._unlink(row)
            row.pushed_version, row.state = row.erp_version, State.DELETED.value
            return
        pending = row.pushed_version < row.erp_version
        self._unlink(row)
        if pending:  # changed in the ERP since: the ERP wins, the event is created again
            note(session, row.id, "raccord", "recreating",
                 {"why": "deleted in Outlook, changed in the ERP"})
            return
        row.state = State.REMOVED_IN_OUTLOOK.value
        note(session, row.id, "outlook", "deleted_in_outlook")
        run.counts["pulled_back"] += 1
        run.notices.append(("calendar.appointment.deleted_in_outlook",
                            {"erp_id": row.erp_id, "mailbox": row.mailbox}))

    # -- re-finding events by their extended property -----------------------------------
    def _switched(self, addresses: list[str]) -> list[str]:
        with self.hub.db.session() as session:
            other = set(session.scalars(select(Appointment.mailbox).where(
                Appointment.mailbox.in_(addresses), Appointment.remote_id.is_not(None),
                Appointment.protocol != self.protocol)))
            other |= set(session.scalars(select(Mailbox.address).where(
                Mailbox.address.in_(addresses), Mailbox.protocol.is_not(None),
                Mailbox.protocol != self.protocol)))
        return sorted(other)

    def _resync(self, run: MailboxRun) -> None:
        """The cursor expired or the protocol changed: list the mailbox's events carrying
        raccord's id, relink each appointment to its event, take what changed meanwhile,
        and start a new cursor. Nothing is created twice."""
        try:
            events = {e.raccord_id: e for e in self.calendar.owned(run.address)
                      if e.raccord_id}
        except ServiceError as error:
            run.fail(error.diagnosis)
            return
        with self.hub.db.session() as session:
            rows = session.scalars(select(Appointment).where(
                Appointment.mailbox == run.address,
                Appointment.state.not_in([State.DELETED.value,
                                          State.REMOVED_IN_OUTLOOK.value])))
            for row in rows:
                event = events.get(row.uid)
                if event is None:
                    if row.remote_id:
                        self._removed(session, row, run)
                    else:
                        row.create_sent = False
                    continue
                was_linked = bool(row.remote_id)
                row.remote_id, row.protocol = event.remote_id, self.protocol
                row.ical_uid = event.ical_uid or row.ical_uid
                if not was_linked:
                    self._link(row, event)
                    note(session, row.id, "raccord", "found_again",
                         {"remote_id": event.remote_id})
                    if event.data is not None and not row.deleted and (
                            event.data.comparable() == desired(row).comparable()):
                        self._synced(row, row.erp_version)
                else:
                    self._reconcile(session, row, event, run)
            box = session.scalar(select(Mailbox).where(Mailbox.address == run.address))
            if box is not None:
                box.cursor, box.protocol = None, self.protocol

