# ruff: noqa: F811  (fixtures imported from tests.calendar.helpers)
"""ERP appointments kept in Outlook through Exchange Web Services (exchangelib against the
simulator's SOAP service), and the switch from EWS to Graph keeping every link."""

from __future__ import annotations

import time
from typing import Any

import pytest

from raccord.core.hub import Hub
from raccord.core.settings_store import SYSTEM
from raccord.core.simulator import Faults, Simulator
from raccord.features.calendar import records
from raccord.features.calendar.jobs import sync_job
from raccord.features.calendar.sync import sync
from raccord.interfaces.exchange.sim_calendar import Calendars
from tests.calendar.helpers import (  # noqa: F401  (fixtures)
    MAILBOX,
    appointment,
    calendars,
    events_of,
    ews_hub,
    exchange,
    tomorrow,
)

NOTHING = dict.fromkeys(("created", "updated", "deleted", "pulled_back", "failed"), 0)


def state(hub: Hub, erp_id: str) -> dict[str, Any]:
    row = records.get(hub, erp_id)
    assert row is not None
    return records.as_dict(row, records.history(hub, row.id))


@pytest.mark.parametrize("mode", [{"impersonation": True}, {"impersonation": False},
                                  {"oauth": True}],
                         ids=["impersonation", "delegation", "oauth"])
def test_created_changed_deleted_through_ews(ews_hub: Hub, calendars: Calendars,
                                            mode: dict[str, Any]) -> None:
    ews_hub.settings.set_many("exchange", mode, SYSTEM)
    records.save(ews_hub, appointment("E-1", show_as="tentative", attendees=["a@b.fr"]))
    assert sync(ews_hub).counts["created"] == 1
    [event] = events_of(calendars)
    row = records.get(ews_hub, "E-1")
    assert row is not None and list(event.props.values()) == [row.uid]
    assert event.fields["show_as"] == "tentative" and event.fields["attendees"] == ["a@b.fr"]
    assert event.fields["start"] == tomorrow(9)
    assert state(ews_hub, "E-1")["sync"]["remote_id"] == event.ews_id
    assert sync(ews_hub).counts == NOTHING

    records.change(ews_hub, "E-1", {"subject": "Réunion de chantier", "start": tomorrow(8)})
    assert sync(ews_hub).counts["updated"] == 1
    assert event.fields["subject"] == "Réunion de chantier"
    assert event.fields["start"] == tomorrow(8)
    assert sync(ews_hub).counts == NOTHING

    records.remove(ews_hub, "E-1")
    assert sync(ews_hub).counts["deleted"] == 1 and events_of(calendars) == []


def test_changes_in_outlook_come_back_through_sync_folder_items(ews_hub: Hub,
                                                                calendars: Calendars) -> None:
    records.save(ews_hub, appointment("E-2"))
    records.save(ews_hub, appointment("E-3"))
    records.save(ews_hub, appointment("E-4"))
    sync(ews_hub)
    moved, renamed, deleted = events_of(calendars)
    calendars.update(moved, {"start": tomorrow(15), "end": tomorrow(16)})
    calendars.update(renamed, {"subject": "Autre chose"})
    calendars.delete(deleted)
    totals = sync(ews_hub)
    assert totals.counts["pulled_back"] == 2 and totals.counts["updated"] == 1
    assert state(ews_hub, "E-2")["start"] == tomorrow(15).isoformat()
    assert renamed.fields["subject"] == "Intervention E-3"
    assert state(ews_hub, "E-4")["sync"]["state"] == "removed_in_outlook"
    assert sync(ews_hub).counts == NOTHING


def test_an_invalid_sync_state_resyncs_without_duplicates(ews_hub: Hub,
                                                          calendars: Calendars) -> None:
    for n in range(4):
        records.save(ews_hub, appointment(f"E-R{n}"))
    sync(ews_hub)
    first = events_of(calendars)[0]
    calendars.update(first, {"start": tomorrow(11), "end": tomorrow(12)})
    assert calendars.expire(MAILBOX) >= 1
    totals = sync(ews_hub)
    assert totals.counts["created"] == 0 and totals.counts["pulled_back"] == 1
    assert len(events_of(calendars)) == 4
    assert sync(ews_hub).counts == NOTHING


def test_a_lost_create_item_answer_is_found_again(ews_hub: Hub, exchange: Simulator,
                                                   calendars: Calendars) -> None:
    ews_hub.settings.set_many("exchange", {"timeout_s": 1}, SYSTEM)
    exchange.faults = Faults(hang_s=1.5)
    exchange.state["ews_items"].drop_create_rate = 1.0
    records.save(ews_hub, appointment("E-L"))
    sync(ews_hub)
    exchange.state["ews_items"].drop_create_rate = 0.0
    sync(ews_hub)
    assert len(events_of(calendars)) == 1
    after = state(ews_hub, "E-L")
    assert after["sync"]["state"] == "synced"
    assert "found_again" in [h["event"] for h in after["history"]]


def test_server_busy_is_waited_out(ews_hub: Hub, exchange: Simulator,
                                   calendars: Calendars) -> None:
    records.save(ews_hub, appointment("E-B"))
    exchange.state["ews_items"].busy_back_off_ms = 700
    calendars.server_busy_next = 2
    started = time.monotonic()
    first = sync_job(ews_hub)
    assert first["created"] == 0 and first["failed"] == 0 and first["requeued"] == 1
    ews_hub.jobs.run_pending(include_scheduled=True)  # a worker takes the re-queued mailbox
    assert time.monotonic() - started >= 1.2  # two back-offs of 0.7 s, honoured
    assert calendars.throttled == 2 and calendars.server_busy_next == 0
    assert len(events_of(calendars)) == 1
    assert state(ews_hub, "E-B")["sync"]["state"] == "synced"


def test_switching_from_ews_to_graph_keeps_every_link(ews_hub: Hub,
                                                      calendars: Calendars) -> None:
    for n in range(6):
        records.save(ews_hub, appointment(f"SW-{n}"))
    sync(ews_hub)
    events = events_of(calendars)
    assert len(events) == 6
    calendars.update(events[0], {"start": tomorrow(13), "end": tomorrow(14)})
    ews_hub.settings.set_many("exchange", {"graph": True}, SYSTEM)
    records.change(ews_hub, "SW-1", {"location": "Grenoble"})
    totals = sync(ews_hub)
    assert totals.counts["created"] == 0 and totals.counts["failed"] == 0
    assert totals.counts["updated"] == 1 and totals.counts["pulled_back"] == 1
    assert len(events_of(calendars)) == 6
    for n, event in enumerate(events_of(calendars)):
        link = state(ews_hub, f"SW-{n}")["sync"]
        assert (link["protocol"], link["remote_id"]) == ("graph", event.graph_id)
    assert events[1].fields["location"] == "Grenoble"
    assert state(ews_hub, "SW-0")["start"] == tomorrow(13).isoformat()
    assert sync(ews_hub).counts == NOTHING
    calendars.delete(events[2])
    assert sync(ews_hub).counts["pulled_back"] == 1
    assert len(events_of(calendars)) == 5


def test_erp_and_outlook_changing_different_fields_through_ews(ews_hub: Hub,
                                                               calendars: Calendars) -> None:
    records.save(ews_hub, appointment("E-BOTH"))
    sync(ews_hub)
    [event] = events_of(calendars)
    calendars.update(event, {"start": tomorrow(14), "end": tomorrow(15)})
    records.change(ews_hub, "E-BOTH", {"location": "Annecy"})
    totals = sync(ews_hub)
    assert totals.counts["updated"] == 1 and totals.counts["pulled_back"] == 1
    assert event.fields["location"] == "Annecy" and event.fields["start"] == tomorrow(14)
    assert state(ews_hub, "E-BOTH")["start"] == tomorrow(14).isoformat()
    assert sync(ews_hub).counts == NOTHING


WEEKLY = {"pattern": {"type": "weekly", "interval": 2, "daysOfWeek": ["wednesday", "monday"],
                      "firstDayOfWeek": "monday"},
          "range": {"type": "endDate", "startDate": tomorrow(9).date().isoformat(),
                    "endDate": tomorrow(9, days=90).date().isoformat()}}
LAST_WEEKDAY = {"pattern": {"type": "relativeMonthly", "interval": 1, "index": "last",
                            "daysOfWeek": ["monday", "tuesday", "wednesday", "thursday",
                                           "friday"]},
                "range": {"type": "numbered", "startDate": tomorrow(9).date().isoformat(),
                          "numberOfOccurrences": 6}}


def test_a_recurrence_goes_through_ews_and_comes_back_unchanged(ews_hub: Hub,
                                                                calendars: Calendars) -> None:
    records.save(ews_hub, appointment("R-1", recurrence=WEEKLY))
    assert sync(ews_hub).counts == {**NOTHING, "created": 1}  # its pull saw the same rule
    [event] = events_of(calendars)
    rule = event.fields["recurrence"]  # as Exchange keeps it (and Graph shows it)
    assert rule["pattern"]["type"] == "weekly" and rule["pattern"]["interval"] == 2
    assert rule["pattern"]["daysOfWeek"] == ["monday", "wednesday"]
    assert rule["pattern"]["firstDayOfWeek"] == "monday"
    assert (rule["range"]["type"], rule["range"]["endDate"]) == (
        "endDate", WEEKLY["range"]["endDate"])
    # Read back through GetItem / SyncFolderItems: the same rule, nothing to write again.
    assert sync(ews_hub).counts == NOTHING

    records.change(ews_hub, "R-1", {"recurrence": LAST_WEEKDAY})
    assert sync(ews_hub).counts == {**NOTHING, "updated": 1}
    rule = event.fields["recurrence"]
    assert rule["pattern"]["type"] == "relativeMonthly" and rule["pattern"]["index"] == "last"
    assert rule["pattern"]["daysOfWeek"] == ["monday", "tuesday", "wednesday", "thursday",
                                             "friday"]  # EWS's "Weekday"
    assert rule["range"]["numberOfOccurrences"] == 6
    assert sync(ews_hub).counts == NOTHING

    records.change(ews_hub, "R-1", {"recurrence": None})
    assert sync(ews_hub).counts["updated"] == 1
    assert event.fields["recurrence"] is None
    assert sync(ews_hub).counts == NOTHING


def test_an_outlook_change_of_the_recurrence_is_written_over(ews_hub: Hub,
                                                             calendars: Calendars) -> None:
    records.save(ews_hub, appointment("R-2", recurrence=WEEKLY))
    sync(ews_hub)
    [event] = events_of(calendars)
    calendars.update(event, {"recurrence": {**event.fields["recurrence"], "pattern": {
        **event.fields["recurrence"]["pattern"], "interval": 1}}})
    sync(ews_hub)  # the ERP owns the recurrence (docs/decisions.md)
    assert event.fields["recurrence"]["pattern"]["interval"] == 2
    assert "restored_over_outlook" in [h["event"] for h in state(ews_hub, "R-2")["history"]]
    assert sync(ews_hub).counts == NOTHING


def test_a_recurrence_ews_cannot_say_fails_with_the_reason(ews_hub: Hub,
                                                           calendars: Calendars) -> None:
    every_two_years = {"pattern": {"type": "absoluteYearly", "interval": 2, "dayOfMonth": 14,
                                   "month": 7},
                       "range": {"type": "noEnd", "startDate": "2027-07-14"}}
    records.save(ews_hub, appointment("R-3", recurrence=every_two_years))
    records.save(ews_hub, appointment("R-4"))
    totals = sync(ews_hub)
    assert totals.counts["failed"] == 1 and totals.counts["created"] == 1
    assert len(events_of(calendars)) == 1
    failed = state(ews_hub, "R-3")["sync"]
    assert failed["state"] == "failed"
    assert "yearly pattern repeats every year" in failed["last_error"]


def test_a_recurrence_that_is_not_one_is_refused_at_the_door() -> None:
    from pydantic import ValidationError

    with pytest.raises(ValidationError, match="daysOfWeek"):
        appointment("R-5", recurrence={"pattern": {"type": "weekly", "interval": 1},
                                       "range": {"type": "noEnd", "startDate": "2027-01-04"}})
    kept = appointment("R-6", recurrence={**WEEKLY, "range": {
        **WEEKLY["range"], "recurrenceTimeZone": "Romance Standard Time",
        "numberOfOccurrences": 0}})
    assert kept.recurrence == {"pattern": {**WEEKLY["pattern"],
                                           "daysOfWeek": ["monday", "wednesday"]},
                               "range": WEEKLY["range"]}
