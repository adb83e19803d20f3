# ruff: noqa: F811  (fixtures imported from tests.calendar.helpers)
"""A sync running in a real `raccord worker` process, killed with SIGKILL mid-way (while
Microsoft Graph holds an answer), then resumed by a new worker: every appointment ends with
exactly one event in its mailbox, linked to it, and what Outlook changed comes back once."""

from __future__ import annotations

from collections import Counter
from datetime import timedelta

from sqlalchemy import func, select, update

from raccord.core.hub import Hub
from raccord.core.locks import LeaseRow
from raccord.core.models import aware, utcnow
from raccord.core.settings_store import SYSTEM
from raccord.core.simulator import Faults, Simulator
from raccord.features.calendar import records
from raccord.features.calendar.jobs import SYNC_JOB
from raccord.features.calendar.models import Appointment, State, SyncRun
from raccord.interfaces.exchange.events import PROPERTY_NAME
from raccord.interfaces.exchange.sim_calendar import Calendars, SimEvent
from tests.calendar.helpers import (  # noqa: F401  (fixtures)
    MAILBOX,
    OTHER,
    appointment,
    calendars,
    events_of,
    exchange,
    graph_hub,
    tomorrow,
)
from tests.worker_process import kill, log_tail, start_worker, wait_until

HELD_S = 60.0  # longer than the wait for the kill: the answer is still held when it comes


def rows(hub: Hub) -> list[Appointment]:
    with hub.db.session() as session:
        return list(session.scalars(select(Appointment).order_by(Appointment.id)))


def all_synced(hub: Hub) -> bool:
    return all(r.state == State.SYNCED.value for r in rows(hub))


def raccord_id(event: SimEvent) -> str | None:
    return next((v for (_, name), v in event.props.items() if name == PROPERTY_NAME), None)


def the_lease_time_passes(hub: Hub) -> None:
    """The dead worker's mailbox leases stop being renewed and run out (120 s in real life;
    brought forward here rather than waited for)."""
    with hub.db.session() as session:
        session.execute(update(LeaseRow).values(expires_at=utcnow() - timedelta(seconds=1)))


def runs_finished_since(hub: Hub, last_run: int) -> set[str]:
    """The mailboxes whose sync, started after run `last_run`, has finished."""
    with hub.db.session() as session:
        return set(session.scalars(select(SyncRun.mailbox).where(
            SyncRun.id > last_run, SyncRun.finished_at.is_not(None))))


def resume(hub: Hub, log: str) -> None:
    """A new worker takes the next scheduled sync to the end."""
    the_lease_time_passes(hub)
    with hub.db.session() as session:
        last_run = session.scalar(select(func.max(SyncRun.id))) or 0
    mailboxes = {r.mailbox for r in rows(hub)}
    worker = start_worker(hub.env.home, log=log)
    try:
        hub.jobs.enqueue(SYNC_JOB)
        assert wait_until(lambda: runs_finished_since(hub, last_run) >= mailboxes
                          and all_synced(hub), 120), (
            Counter(r.state for r in rows(hub)), log_tail(hub.env.home, log))
    finally:
        kill(worker)


def assert_one_linked_event_each(hub: Hub, calendars: Calendars, mailboxes: list[str]) -> None:
    events = [e for m in mailboxes for e in events_of(calendars, m)]
    per_id = Counter(raccord_id(e) for e in events)
    appointments = rows(hub)
    assert None not in per_id  # nothing created without raccord's id
    assert max(per_id.values()) == 1, "an appointment has two events"
    assert set(per_id) == {r.uid for r in appointments}, "an appointment has no event"
    by_id = {raccord_id(e): e for e in events}
    for row in appointments:
        event = by_id[row.uid]
        assert (row.remote_id, row.change_key, row.ical_uid) == (
            event.graph_id, event.change_key, event.ical_uid), row.erp_id
        assert event.mailbox == row.mailbox and event.fields["subject"] == row.subject


def test_a_worker_killed_while_graph_holds_a_batch_of_creates(
        graph_hub: Hub, exchange: Simulator, calendars: Calendars) -> None:
    graph_hub.settings.set_many("exchange", {"timeout_s": 60}, SYSTEM)
    for n in range(30):
        records.save(graph_hub, appointment(f"K-{n}", mailbox=MAILBOX if n % 2 else OTHER))
    # The first $batch (20 creates) is carried out, its answer held past the kill.
    exchange.faults = Faults(hang_s=HELD_S)
    exchange.state["graph"].drop_create_rate = 1.0
    worker = start_worker(graph_hub.env.home)
    try:
        graph_hub.jobs.enqueue(SYNC_JOB)
        assert wait_until(lambda: len(events_of(calendars, MAILBOX))
                          + len(events_of(calendars, OTHER)) >= 20, 90), log_tail(
            graph_hub.env.home)
    finally:
        kill(worker)
    made = rows(graph_hub)
    assert all(r.create_sent and r.remote_id is None for r in made)  # nothing recorded
    assert len(events_of(calendars, MAILBOX)) + len(events_of(calendars, OTHER)) == 20

    exchange.faults = Faults()
    exchange.state["graph"].drop_create_rate = 0.0
    resume(graph_hub, "resumed.log")
    assert_one_linked_event_each(graph_hub, calendars, [MAILBOX, OTHER])
    found = [r for r in rows(graph_hub) if "found_again" in {
        h.event for h in records.history(graph_hub, r.id)}]
    assert len(found) == 20  # looked up by raccord's id, not created again


def test_a_worker_killed_while_graph_holds_the_changes(
        graph_hub: Hub, exchange: Simulator, calendars: Calendars) -> None:
    for n in range(25):
        records.save(graph_hub, appointment(f"D-{n}"))
    # Pushes go through; the first calendarView/delta answer is held past the kill.
    exchange.faults = Faults(drop_rate=1.0, fail_path="calendarView/delta", hang_s=HELD_S)
    worker = start_worker(graph_hub.env.home)
    try:
        graph_hub.jobs.enqueue(SYNC_JOB)
        assert wait_until(lambda: exchange.counts["dropped"] >= 1, 90), log_tail(
            graph_hub.env.home)
        assert all_synced(graph_hub)
        moved = events_of(calendars)[7]  # the employee moves one meanwhile
        calendars.update(moved, {"start": tomorrow(14), "end": tomorrow(15)})
    finally:
        kill(worker)

    exchange.faults = Faults()
    resume(graph_hub, "resumed.log")
    assert_one_linked_event_each(graph_hub, calendars, [MAILBOX])
    row = next(r for r in rows(graph_hub) if r.uid == raccord_id(moved))
    assert aware(row.start_at) == tomorrow(14)  # came back to the ERP
    changes = [r.erp_id for r in rows(graph_hub) for h in records.history(graph_hub, r.id)
               if h.event == "changed_in_outlook"]
    assert changes == [row.erp_id]
    resume(graph_hub, "again.log")  # the next sync finds nothing more to bring back
    assert [r.erp_id for r in rows(graph_hub) for h in records.history(graph_hub, r.id)
            if h.event == "changed_in_outlook"] == changes
