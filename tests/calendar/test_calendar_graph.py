# ruff: noqa: F811  (fixtures imported from tests.calendar.helpers)
"""ERP appointments kept in Outlook through Microsoft Graph (the simulator's tenant): pushes,
changes coming back, the conflict rule of each field, and exactly-once under lost answers,
expired cursors, killed runs and two workers."""

from __future__ import annotations

import threading
import time
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import select

from raccord.core import locks
from raccord.core.alerts import open_alerts
from raccord.core.hub import Hub
from raccord.core.models import WebhookDelivery
from raccord.core.settings_store import SYSTEM
from raccord.core.simulator import Faults, Simulator
from raccord.features.calendar import records
from raccord.features.calendar.jobs import sync_job
from raccord.features.calendar.models import Appointment, Mailbox, SyncRun
from raccord.features.calendar.sync import Engine, lease_key, sync
from raccord.interfaces.exchange import sim_directory as tenant
from raccord.interfaces.exchange.events import PROPERTY_NAME
from raccord.interfaces.exchange.sim_calendar import Calendars
from tests.calendar.helpers import (  # noqa: F401  (fixtures)
    MAILBOX,
    OTHER,
    PARIS,
    appointment,
    calendars,
    events_of,
    exchange,
    graph_hub,
    tomorrow,
)


def state(hub: Hub, erp_id: str) -> dict[str, Any]:
    row = records.get(hub, erp_id)
    assert row is not None
    return records.as_dict(row, records.history(hub, row.id))


def events_named(calendars: Calendars, erp_id: str, mailbox: str = MAILBOX) -> list[Any]:
    return [e for e in events_of(calendars, mailbox) if e.fields["subject"].endswith(erp_id)]


def test_created_changed_deleted_in_the_erp_follow_in_outlook(graph_hub: Hub,
                                                             calendars: Calendars) -> None:
    records.save(graph_hub, appointment("P-1", show_as="oof", private=True,
                                        attendees=["jean.dupont@contoso.com"]))
    totals = sync(graph_hub)
    assert totals.counts["created"] == 1 and totals.counts["failed"] == 0
    [event] = events_of(calendars)
    row = records.get(graph_hub, "P-1")
    assert row is not None
    assert event.props[(event.props and next(iter(event.props)))] == row.uid
    assert next(iter(event.props))[1] == PROPERTY_NAME
    assert event.transaction_id == row.transaction_id
    assert event.fields["show_as"] == "oof" and event.fields["sensitivity"] == "private"
    assert event.fields["start"] == tomorrow(9)
    sync_state = state(graph_hub, "P-1")["sync"]
    assert sync_state["state"] == "synced" and sync_state["remote_id"] == event.graph_id
    assert sync_state["ical_uid"] == event.ical_uid

    records.change(graph_hub, "P-1", {"subject": "Intervention déplacée", "end": tomorrow(11)})
    assert sync(graph_hub).counts["updated"] == 1
    [event] = events_of(calendars)
    assert event.fields["subject"] == "Intervention déplacée"
    assert event.fields["end"] == tomorrow(11)

    records.remove(graph_hub, "P-1")
    assert sync(graph_hub).counts["deleted"] == 1
    assert events_of(calendars) == []
    assert state(graph_hub, "P-1")["sync"]["state"] == "deleted"


def test_all_day_entry(graph_hub: Hub, calendars: Calendars) -> None:
    records.save(graph_hub, appointment("P-2", all_day=True, start=tomorrow(0),
                                        end=tomorrow(0, days=2)))
    sync(graph_hub)
    [event] = events_of(calendars)
    assert event.fields["all_day"] is True
    assert event.fields["time_zone"] == "Europe/Paris"
    assert sync(graph_hub).counts == dict.fromkeys(
        ("created", "updated", "deleted", "pulled_back", "failed"), 0)


def test_a_steady_mailbox_costs_one_call(graph_hub: Hub, exchange: Simulator) -> None:
    for n in range(30):
        records.save(graph_hub, appointment(f"S-{n}"))
    sync(graph_hub)
    exchange.counts.clear()
    assert sync(graph_hub).counts["created"] == 0
    calls = {k: v for k, v in exchange.counts.items() if "/login/" not in k}
    assert sum(calls.values()) == 1, calls


def test_moved_in_outlook_comes_back_to_the_erp(graph_hub: Hub, calendars: Calendars) -> None:
    graph_hub.settings.set_many("exchange", {"webhook_url": "https://erp.example/hooks"},
                                SYSTEM)
    records.save(graph_hub, appointment("M-1"))
    sync(graph_hub)
    [event] = events_of(calendars)
    calendars.update(event, {"start": tomorrow(14), "end": tomorrow(15)})
    totals = sync(graph_hub)
    assert totals.counts["pulled_back"] == 1 and totals.counts["updated"] == 0
    moved = state(graph_hub, "M-1")
    assert moved["start"] == tomorrow(14).isoformat() and moved["end"] == tomorrow(15).isoformat()
    assert moved["sync"]["state"] == "synced"
    assert [h["event"] for h in moved["history"]][-1] == "changed_in_outlook"
    with graph_hub.db.session() as session:
        [hook] = session.scalars(select(WebhookDelivery)).all()
    assert hook.event == "calendar.appointment.changed_in_outlook"
    assert hook.payload["erp_id"] == "M-1" and set(hook.payload["fields"]) == {"start", "end"}
    # Read once: the next run brings nothing again.
    assert sync(graph_hub).counts["pulled_back"] == 0


def test_a_field_the_erp_owns_is_written_again(graph_hub: Hub, calendars: Calendars) -> None:
    records.save(graph_hub, appointment("O-1"))
    sync(graph_hub)
    [event] = events_of(calendars)
    calendars.update(event, {"subject": "Renamed by the employee", "location": "Home"})
    totals = sync(graph_hub)
    assert totals.counts["pulled_back"] == 0 and totals.counts["updated"] == 1
    assert event.fields["subject"] == "Intervention O-1" and event.fields["location"] == "Lyon"
    history = [h["event"] for h in state(graph_hub, "O-1")["history"]]
    assert "restored_over_outlook" in history
    assert sync(graph_hub).counts["updated"] == 0


def test_conflict_on_the_time_the_erp_wins(graph_hub: Hub, calendars: Calendars) -> None:
    records.save(graph_hub, appointment("C-1"))
    sync(graph_hub)
    [event] = events_of(calendars)
    calendars.update(event, {"start": tomorrow(16), "end": tomorrow(17)})
    records.change(graph_hub, "C-1", {"start": tomorrow(8), "end": tomorrow(9)})
    sync(graph_hub)
    assert event.fields["start"] == tomorrow(8)
    assert state(graph_hub, "C-1")["start"] == tomorrow(8).isoformat()


def test_conflict_found_by_the_pull_the_erp_wins(graph_hub: Hub, calendars: Calendars,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    """The ERP's change could not be pushed before Outlook's came back: the ERP still wins
    on the fields it changed, Outlook's change of the others comes back."""
    records.save(graph_hub, appointment("C-2"))
    sync(graph_hub)
    [event] = events_of(calendars)
    calendars.update(event, {"start": tomorrow(16), "end": tomorrow(17), "show_as": "free"})
    records.change(graph_hub, "C-2", {"start": tomorrow(7), "end": tomorrow(8)})
    original = Engine.push
    calls = {"n": 0}

    def push_after_the_pull(self: Engine, runs: Any, finished: Any) -> None:
        calls["n"] += 1
        if calls["n"] > 1:
            original(self, runs, finished)

    monkeypatch.setattr(Engine, "push", push_after_the_pull)
    sync(graph_hub)
    assert event.fields["start"] == tomorrow(7) and event.fields["show_as"] == "free"
    after = state(graph_hub, "C-2")
    assert after["start"] == tomorrow(7).isoformat() and after["show_as"] == "free"


def test_deleted_in_outlook_is_reported_and_not_recreated(graph_hub: Hub,
                                                          calendars: Calendars) -> None:
    graph_hub.settings.set_many("exchange", {"webhook_url": "https://erp.example/hooks"},
                                SYSTEM)
    records.save(graph_hub, appointment("D-1"))
    sync(graph_hub)
    [event] = events_of(calendars)
    calendars.delete(event)
    assert sync(graph_hub).counts["pulled_back"] == 1
    assert state(graph_hub, "D-1")["sync"]["state"] == "removed_in_outlook"
    assert sync(graph_hub).counts["created"] == 0 and events_of(calendars) == []
    with graph_hub.db.session() as session:
        events = [d.event for d in session.scalars(select(WebhookDelivery))]
    assert events == ["calendar.appointment.deleted_in_outlook"]
    # The ERP changes it afterwards: it owns it, the event comes back.
    records.change(graph_hub, "D-1", {"subject": "Intervention D-1 (replanifiée)"})
    assert sync(graph_hub).counts["created"] == 1
    assert len(events_of(calendars)) == 1


def test_deleted_in_outlook_while_changed_in_the_erp_comes_back(graph_hub: Hub,
                                                                calendars: Calendars) -> None:
    records.save(graph_hub, appointment("D-2"))
    sync(graph_hub)
    calendars.delete(events_of(calendars)[0])
    records.change(graph_hub, "D-2", {"location": "Villeurbanne"})
    totals = sync(graph_hub)
    assert totals.counts["created"] == 1
    [event] = events_of(calendars)
    assert event.fields["location"] == "Villeurbanne"
    assert state(graph_hub, "D-2")["sync"]["state"] == "synced"


def test_moved_out_of_the_window_is_not_a_deletion(graph_hub: Hub,
                                                   calendars: Calendars) -> None:
    records.save(graph_hub, appointment("W-1"))
    sync(graph_hub)
    [event] = events_of(calendars)
    far = tomorrow(9, days=500)
    calendars.update(event, {"start": far, "end": far + timedelta(hours=1)})
    totals = sync(graph_hub)
    assert totals.counts["pulled_back"] == 1
    after = state(graph_hub, "W-1")
    assert after["sync"]["state"] == "synced" and after["start"] == far.isoformat()


def test_a_create_whose_answer_is_lost_is_found_again(graph_hub: Hub, exchange: Simulator,
                                                      calendars: Calendars) -> None:
    graph_hub.settings.set_many("exchange", {"timeout_s": 1}, SYSTEM)
    exchange.faults = Faults(hang_s=1.5)
    exchange.state["graph"].drop_create_rate = 1.0
    records.save(graph_hub, appointment("L-1"))
    totals = sync(graph_hub)
    assert totals.counts["created"] == 1 and totals.counts["failed"] == 0
    assert len(events_of(calendars)) == 1
    history = [h["event"] for h in state(graph_hub, "L-1")["history"]]
    assert history[-2:] == ["answer_lost", "found_again"]
    exchange.state["graph"].drop_create_rate = 0.0
    assert sync(graph_hub).counts["created"] == 0 and len(events_of(calendars)) == 1


def test_lost_answers_in_a_batch_create_nothing_twice(graph_hub: Hub, exchange: Simulator,
                                                      calendars: Calendars) -> None:
    graph_hub.settings.set_many("exchange", {"timeout_s": 1}, SYSTEM)
    exchange.faults = Faults(hang_s=1.5)
    exchange.state["graph"].drop_create_rate = 0.5
    for n in range(12):
        records.save(graph_hub, appointment(f"B-{n}"))
    for _ in range(3):
        sync(graph_hub)
    exchange.state["graph"].drop_create_rate = 0.0
    sync(graph_hub)
    subjects = [e.fields["subject"] for e in events_of(calendars)]
    assert sorted(subjects) == sorted(f"Intervention B-{n}" for n in range(12))


def test_a_create_that_may_have_gone_is_looked_up_first(graph_hub: Hub, exchange: Simulator,
                                                        calendars: Calendars) -> None:
    """The run died after marking the create sent: the next one looks before creating."""
    records.save(graph_hub, appointment("K-1"))
    with graph_hub.db.session() as session:
        row = session.scalar(select(Appointment).where(Appointment.erp_id == "K-1"))
        assert row is not None
        row.create_sent = True
    exchange.counts.clear()
    assert sync(graph_hub).counts["created"] == 1
    assert len(events_of(calendars)) == 1
    assert any("$filter" not in k and "events" in k and k.startswith("GET")
               or "$batch" in k for k in exchange.counts)


def test_a_sync_killed_midway_resumes_without_duplicates_or_losses(
        graph_hub: Hub, calendars: Calendars, monkeypatch: pytest.MonkeyPatch) -> None:
    for n in range(25):
        records.save(graph_hub, appointment(f"K-{n}"))
    original = Engine._pushed

    def die(self: Engine, *args: Any) -> None:
        raise KeyboardInterrupt  # the process stops between the answers and their record

    monkeypatch.setattr(Engine, "_pushed", die)
    with pytest.raises(KeyboardInterrupt):
        sync(graph_hub)
    assert len(events_of(calendars)) == 25  # created in Outlook, not recorded
    monkeypatch.setattr(Engine, "_pushed", original)
    totals = sync(graph_hub)
    assert totals.counts["created"] == 25 and len(events_of(calendars)) == 25
    # The pull dies before its cursor is stored: the changes are read again, once.
    moved = events_of(calendars)[3]
    calendars.update(moved, {"start": tomorrow(13), "end": tomorrow(14)})
    take = Engine._take
    monkeypatch.setattr(Engine, "_take", lambda self, run, result: (_ for _ in ()).throw(
        KeyboardInterrupt()))
    with pytest.raises(KeyboardInterrupt):
        sync(graph_hub)
    monkeypatch.setattr(Engine, "_take", take)
    assert sync(graph_hub).counts["pulled_back"] == 1
    assert sync(graph_hub).counts["pulled_back"] == 0


def test_an_expired_cursor_resyncs_by_the_extended_property(graph_hub: Hub,
                                                            calendars: Calendars,
                                                            exchange: Simulator) -> None:
    for n in range(5):
        records.save(graph_hub, appointment(f"R-{n}"))
    sync(graph_hub)
    events = events_of(calendars)
    calendars.update(events[0], {"start": tomorrow(12), "end": tomorrow(13)})
    calendars.delete(events[1])
    assert calendars.expire(MAILBOX) >= 1
    exchange.counts.clear()
    totals = sync(graph_hub)
    assert totals.counts["created"] == 0 and totals.counts["pulled_back"] == 2
    assert len(events_of(calendars)) == 4
    assert state(graph_hub, "R-0")["start"] == tomorrow(12).isoformat()
    assert state(graph_hub, "R-1")["sync"]["state"] == "removed_in_outlook"
    assert sync(graph_hub).counts == dict.fromkeys(
        ("created", "updated", "deleted", "pulled_back", "failed"), 0)


def test_two_workers_never_sync_the_same_mailbox(graph_hub: Hub, calendars: Calendars) -> None:
    records.save(graph_hub, appointment("T-0"))
    lease = locks.try_take(graph_hub, lease_key(MAILBOX))
    assert lease is not None
    try:
        totals = sync(graph_hub)
        assert totals.busy == 1 and events_of(calendars) == []
    finally:
        lease.release()
    for n in range(1, 40):
        records.save(graph_hub, appointment(f"T-{n}"))
    results: list[Any] = []
    workers = [threading.Thread(target=lambda: results.append(sync(graph_hub)))
               for _ in range(3)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    assert len(events_of(calendars)) == 40
    assert sum(r.counts["created"] for r in results) == 40


def test_a_dead_workers_lease_expires(graph_hub: Hub) -> None:
    first = locks.try_take(graph_hub, "test:dead", ttl_s=0.5)
    assert first is not None
    first._stop.set()  # stops renewing, as a killed process does
    assert locks.try_take(graph_hub, "test:dead", ttl_s=0.5) is None
    import time

    time.sleep(0.7)
    second = locks.try_take(graph_hub, "test:dead", ttl_s=5)
    assert second is not None
    second.release()


@pytest.mark.redis
def test_the_lease_holds_across_machines_with_redis(graph_hub: Hub, redis_url: str) -> None:
    from raccord.core.locks import RedisStore

    one, two = RedisStore(redis_url), RedisStore(redis_url)
    assert one.take("calendar:mailbox:x", "a", 5)
    assert not two.take("calendar:mailbox:x", "b", 5)
    assert not two.renew("calendar:mailbox:x", "b", 5)
    two.release("calendar:mailbox:x", "b")  # not its lease: nothing happens
    assert not two.take("calendar:mailbox:x", "b", 5)
    one.release("calendar:mailbox:x", "a")
    assert two.take("calendar:mailbox:x", "b", 5)


def test_throttled_mailboxes_wait_and_nothing_is_lost(graph_hub: Hub, calendars: Calendars
                                                      ) -> None:
    calendars.budget, calendars.window_s = 8, 1.0
    for n in range(30):
        records.save(graph_hub, appointment(f"Q-{n}"))
        records.save(graph_hub, appointment(f"Q2-{n}", mailbox=OTHER))
    first = sync_job(graph_hub)
    assert calendars.throttled > 0 and first["requeued"] >= 1 and first["failed"] == 0
    # The workers take the re-queued mailboxes; each waits for its pause (Retry-After).
    graph_hub.jobs.run_pending(include_scheduled=True)
    assert calendars.early == 0
    assert len(events_of(calendars)) == 30 and len(events_of(calendars, OTHER)) == 30
    assert sync(graph_hub).counts == dict.fromkeys(
        ("created", "updated", "deleted", "pulled_back", "failed"), 0)


def test_the_per_mailbox_budget_is_kept_without_a_429(graph_hub: Hub, calendars: Calendars
                                                     ) -> None:
    """Graph's budget per application and mailbox, known to raccord: requests wait for room
    in the core limiter instead of meeting a 429 (shortened here: 40 in any 3 seconds)."""
    calendars.budget, calendars.window_s = 40, 3.0
    graph_hub.settings.set_many("exchange", {"graph_mailbox_requests": 40,
                                             "graph_mailbox_window_s": 3}, SYSTEM)
    for n in range(45):
        records.save(graph_hub, appointment(f"U-{n}"))
    started = time.monotonic()
    totals = sync(graph_hub)
    assert totals.counts["created"] == 45 and not totals.retry
    assert calendars.throttled == 0 and len(events_of(calendars)) == 45
    assert time.monotonic() - started > 2 * 3.0  # 46 requests: three windows' worth


def test_a_failing_mailbox_is_counted(graph_hub: Hub) -> None:
    records.save(graph_hub, appointment("F-1", mailbox="nobody@contoso.com"))
    for _ in range(3):
        totals = sync(graph_hub)
    assert totals.counts["failed"] == 1 and totals.failing == ["nobody@contoso.com"]
    with graph_hub.db.session() as session:
        box = session.scalar(select(Mailbox).where(Mailbox.address == "nobody@contoso.com"))
        assert box is not None and box.failures == 3
        assert "cannot be found" in (box.last_error or "")
        runs = session.scalars(select(SyncRun)).all()
    assert [r.outcome for r in runs] == ["failure"] * 3


def test_a_mailbox_that_keeps_failing_is_an_alert_until_it_syncs(graph_hub: Hub,
                                                                 exchange: Simulator) -> None:
    records.save(graph_hub, appointment("F-2", mailbox="nobody@contoso.com"))
    for _ in range(2):
        sync(graph_hub)
    assert open_alerts(graph_hub, "exchange") == []  # two failures: not yet a person's job
    sync(graph_hub)
    [alert] = open_alerts(graph_hub, "exchange")
    assert alert.severity == "error" and "nobody@contoso.com" in alert.message.en
    # The account gets its mailbox in Exchange: the next run goes through and ends the alert.
    mailboxes = exchange.state["directory"].mailboxes
    mailboxes["nobody@contoso.com"] = tenant.Mailbox("Nobody")
    try:
        assert sync(graph_hub).counts["failed"] == 0
    finally:
        del mailboxes["nobody@contoso.com"]  # the sandbox's tenant is shared by every test
    assert open_alerts(graph_hub, "exchange") == []


def test_paris_times_survive_the_round_trip(graph_hub: Hub, calendars: Calendars) -> None:
    summer = tomorrow(9, days=200)
    records.save(graph_hub, appointment("Z-1", start=summer.replace(tzinfo=None),
                                        end=(summer + timedelta(hours=2)).replace(tzinfo=None)))
    sync(graph_hub)
    [event] = events_of(calendars)
    assert event.fields["start"] == summer.astimezone(PARIS)
    assert sync(graph_hub).counts["pulled_back"] == 0


def test_a_missing_graph_permission_is_named(graph_hub: Hub) -> None:
    graph_hub.settings.set_many("exchange", {"client_id": tenant.NO_CONSENT_CLIENT_ID}, SYSTEM)
    records.save(graph_hub, appointment("403-1"))
    totals = sync(graph_hub)
    assert totals.counts["failed"] == 1
    with graph_hub.db.session() as session:
        box = session.scalar(select(Mailbox).where(Mailbox.address == MAILBOX))
        assert box is not None and "Calendars.ReadWrite" in (box.last_error or "")
        assert "Grant admin consent" in (box.last_error or "")


@pytest.mark.redis
def test_two_machines_sharing_redis_sync_a_mailbox_once(graph_hub: Hub, redis_url: str,
                                                        calendars: Calendars) -> None:
    from dataclasses import replace

    from raccord.wiring import open_hub

    for n in range(40):
        records.save(graph_hub, appointment(f"RM-{n}"))
    machines = [open_hub(replace(graph_hub.env, redis_url=redis_url)) for _ in range(2)]
    results: list[Any] = []
    workers = [threading.Thread(target=lambda h=h: results.append(sync(h))) for h in machines]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    for machine in machines:
        sync(machine)  # whatever the busy one left
    assert len(events_of(calendars)) == 40
    assert sum(r.counts["created"] for r in results) <= 40
    assert all(len({e.props.get(k) for k in e.props}) == 1 for e in events_of(calendars))


def test_erp_and_outlook_changing_different_fields_both_keep_theirs(
        graph_hub: Hub, calendars: Calendars) -> None:
    records.save(graph_hub, appointment("BOTH-1"))
    sync(graph_hub)
    [event] = events_of(calendars)
    calendars.update(event, {"start": tomorrow(14), "end": tomorrow(15)})
    records.change(graph_hub, "BOTH-1", {"subject": "Intervention BOTH-1 (client prévenu)"})
    totals = sync(graph_hub)
    assert totals.counts["updated"] == 1 and totals.counts["pulled_back"] == 1
    assert event.fields["subject"] == "Intervention BOTH-1 (client prévenu)"
    assert event.fields["start"] == tomorrow(14)
    after = state(graph_hub, "BOTH-1")
    assert after["start"] == tomorrow(14).isoformat()
    assert after["subject"] == "Intervention BOTH-1 (client prévenu)"
    assert sync(graph_hub).counts == dict.fromkeys(
        ("created", "updated", "deleted", "pulled_back", "failed"), 0)
