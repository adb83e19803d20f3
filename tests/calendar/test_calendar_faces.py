# ruff: noqa: F811  (fixtures imported from tests.calendar.helpers)
"""The calendar's faces: the ERP's REST API, `raccord calendar ...`, the console pages, the
Exchange screen's guidance and the scheduled sync's live settings."""

from __future__ import annotations

import json
from datetime import date, timedelta

import pytest
from fastapi.testclient import TestClient

from raccord.core.hub import Hub
from raccord.core.jobs import SCHEDULES, Scheduler
from raccord.core.models import ScheduleState, aware
from raccord.core.settings_store import SYSTEM
from raccord.features.calendar import records
from raccord.features.calendar.sync import sync
from raccord.interfaces.exchange.sim_calendar import Calendars
from raccord.web import create_app
from tests.calendar.helpers import (  # noqa: F401  (fixtures)
    MAILBOX,
    appointment,
    calendars,
    events_of,
    exchange,
    graph_hub,
    tomorrow,
)
from tests.console_client import Console
from tests.core.helpers import Cli


@pytest.fixture
def api(graph_hub: Hub) -> TestClient:
    return TestClient(create_app(graph_hub))


def key(hub: Hub, login: str = "erp", role: str = "administrator") -> dict[str, str]:
    hub.accounts.add_user(login, f"{login}-password-1", role)
    return {"Authorization": f"Bearer {hub.accounts.new_api_key(login)}",
            "Accept-Language": "en"}


def payload(erp_id: str, **changes: object) -> dict[str, object]:
    return {"erp_id": erp_id, "mailbox": MAILBOX, "subject": f"Visite {erp_id}",
            "start": tomorrow(9).replace(tzinfo=None).isoformat(),
            "end": tomorrow(10).replace(tzinfo=None).isoformat(), "location": "Nantes",
            "categories": ["Planning"], **changes}


def test_the_erp_hands_appointments_over_and_they_reach_outlook_at_once(
        api: TestClient, graph_hub: Hub, calendars: Calendars) -> None:
    auth = key(graph_hub)
    made = api.post("/api/v1/calendar/appointments", json=payload("API-1"), headers=auth)
    assert made.status_code == 201, made.text
    assert made.json()["sync"]["state"] == "pending"
    assert graph_hub.jobs.run_pending() >= 1  # the immediate push
    [event] = events_of(calendars)
    read = api.get("/api/v1/calendar/appointments/API-1", headers=auth).json()
    assert read["sync"]["state"] == "synced" and read["sync"]["remote_id"] == event.graph_id
    assert [h["event"] for h in read["history"]] == ["created", "created_in_outlook"]
    again = api.post("/api/v1/calendar/appointments", json=payload("API-1"), headers=auth)
    assert again.status_code == 200 and graph_hub.jobs.run_pending() == 0

    changed = api.patch("/api/v1/calendar/appointments/API-1", headers=auth,
                        json={"end": tomorrow(11).isoformat()})
    assert changed.status_code == 200 and changed.json()["sync"]["state"] == "pending"
    graph_hub.jobs.run_pending()
    assert event.fields["end"] == tomorrow(11)
    gone = api.delete("/api/v1/calendar/appointments/API-1", headers=auth)
    assert gone.json()["deleted"] is True
    graph_hub.jobs.run_pending()
    assert events_of(calendars) == []
    listed = api.get("/api/v1/calendar/appointments?state=deleted", headers=auth).json()
    assert [a["erp_id"] for a in listed] == ["API-1"]


def test_refusals_say_what_is_wrong(api: TestClient, graph_hub: Hub) -> None:
    auth = key(graph_hub)
    bad = api.post("/api/v1/calendar/appointments", headers=auth,
                   json=payload("API-2", end=tomorrow(8).replace(tzinfo=None).isoformat()))
    assert bad.status_code == 422 and "end comes before the start" in bad.json()["error"]
    bad = api.post("/api/v1/calendar/appointments", headers=auth,
                   json=payload("API-2", show_as="maybe"))
    assert bad.status_code == 422 and "show_as" in bad.json()["error"]
    missing = api.patch("/api/v1/calendar/appointments/NOPE", headers=auth, json={})
    assert missing.status_code == 404 and "No appointment" in missing.json()["error"]
    reader = key(graph_hub, "viewer", "reader")
    assert api.post("/api/v1/calendar/appointments", headers=reader,
                    json=payload("API-3")).status_code == 403
    assert api.get("/api/v1/calendar/mailboxes").status_code == 401


def test_mailboxes_are_records(api: TestClient, graph_hub: Hub) -> None:
    auth = key(graph_hub)
    made = api.post("/api/v1/calendar/mailboxes", headers=auth,
                    json={"address": "Jean.Dupont@contoso.com", "company": "ACME"})
    assert made.status_code == 201 and made.json()["address"] == "jean.dupont@contoso.com"
    off = api.patch("/api/v1/calendar/mailboxes/jean.dupont@contoso.com", headers=auth,
                    json={"enabled": False})
    assert off.json()["enabled"] is False
    listed = api.get("/api/v1/calendar/mailboxes", headers=auth).json()
    assert [(m["address"], m["company"], m["enabled"]) for m in listed] == [
        ("jean.dupont@contoso.com", "ACME", False)]
    assert sync(graph_hub).mailboxes == 0  # a disabled mailbox is left alone


def test_cli_sync_and_status(graph_hub: Hub, calendars: Calendars) -> None:
    records.save(graph_hub, appointment("CLI-1"))
    records.save(graph_hub, appointment("CLI-2"))
    cli = Cli(graph_hub.env)
    status = json.loads(cli("calendar", "status", "--json").stdout)
    assert status["pending"] == 2 and status["mailboxes"][0]["address"] == MAILBOX
    done = cli("calendar", "sync", MAILBOX, "--json")
    assert done.exit_code == 0, done.output
    assert json.loads(done.stdout)["created"] == 2
    assert len(events_of(calendars)) == 2
    text = cli("calendar", "sync")
    assert "1 mailbox synchronised: 0 created, 0 updated" in text.stdout
    status = cli("calendar", "status")
    assert MAILBOX in status.stdout and "succeeded" in status.stdout
    unknown = cli("calendar", "sync", "nobody@contoso.com")
    assert unknown.exit_code == 1 and "unknown to raccord" in unknown.stderr


def test_console_pages_show_mailboxes_appointments_and_history(graph_hub: Hub,
                                                              calendars: Calendars) -> None:
    records.save(graph_hub, appointment("WEB-1"))
    console = Console(graph_hub)
    synced = console.post("/calendar/sync", {"mailbox": MAILBOX}, page="/calendar")
    assert synced.status_code == 200 and 'data-state="synced"' in synced.text
    listing = console.http.get("/calendar").text
    assert f'data-mailbox="{MAILBOX}"' in listing and 'data-outcome="success"' in listing
    [event] = events_of(calendars)
    detail = console.http.get("/calendar/appointments/WEB-1").text
    assert event.graph_id in detail and event.ical_uid in detail
    assert 'data-event="created_in_outlook"' in detail


def test_exchange_screen_warns_about_ews_on_exchange_online(hub: Hub) -> None:
    hub.settings.set_many("exchange", {"graph": False,
                                       "ews_url": "https://outlook.office365.com/EWS/"
                                                  "Exchange.asmx"}, SYSTEM)
    console = Console(hub)
    console.http.cookies.set("lang", "en")
    page = console.http.get("/interfaces/exchange").text
    assert "since 1 October 2026" in page and "on 1 April 2027" in page
    assert "ApplicationImpersonation role no longer exists" in page
    assert "Calendars.ReadWrite" in page and "application access policy" in page
    assert 'data-action="switch-to-graph"' in page
    refused = console.post("/interfaces/exchange/switch-to-graph", page="/interfaces/exchange")
    assert refused.status_code == 400  # Graph needs the Entra ID application first
    hub.settings.set_many("exchange", {"tenant_id": "t", "client_id": "c",
                                       "client_secret": "s"}, SYSTEM)
    switched = console.post("/interfaces/exchange/switch-to-graph",
                            page="/interfaces/exchange")
    assert switched.status_code == 200 and hub.values("exchange")["graph"] is True
    assert "2027" not in switched.text


def test_exchange_screen_warns_before_the_secret_expires_and_of_failing_mailboxes(
        graph_hub: Hub) -> None:
    soon = date.today() + timedelta(days=12)
    graph_hub.settings.set_many("exchange", {"client_secret_expires_on": soon.isoformat()},
                                SYSTEM)
    records.save(graph_hub, appointment("FAIL-1", mailbox="nobody@contoso.com"))
    for _ in range(3):
        sync(graph_hub)
    console = Console(graph_hub)
    console.http.cookies.set("lang", "en")
    page = console.http.get("/interfaces/exchange").text
    assert "(in 12 days)" in page
    assert "nobody@contoso.com" in page and 'data-notice="error"' in page


def test_the_scheduled_sync_reads_its_interval_live(graph_hub: Hub) -> None:
    schedule = SCHEDULES["calendar.sync"]
    assert (schedule.interval_key, schedule.startup_key) == ("sync_interval_s",
                                                             "startup_delay_s")
    graph_hub.settings.set_many("exchange", {"sync_interval_s": 45, "startup_delay_s": 0},
                                SYSTEM)
    scheduler = Scheduler(graph_hub)
    scheduler.arm_startup_delays()
    assert "calendar.sync" in scheduler.tick()
    with graph_hub.db.session() as session:
        row = session.get(ScheduleState, "calendar.sync")
        assert row is not None
        assert scheduler.due_at(schedule, row) - aware(row.last_run_at) == timedelta(seconds=45)
