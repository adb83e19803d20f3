# ruff: noqa: F811  (fixtures imported from tests.calendar.helpers)
"""In a browser: an appointment the ERP sent shows on its mailbox's page as synced; moved "in
Outlook" (the simulator's mailbox view), it comes back at the next synchronisation."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from playwright.sync_api import Browser, Page, expect

from raccord.core.hub import Hub
from raccord.core.roles import Role
from raccord.sandbox.server import ThreadedServer
from raccord.sandbox.setup import Sandbox
from raccord.web import create_app
from tests.browser_fixtures import OPERATOR, Console
from tests.calendar.helpers import MAILBOX, graph_hub, tomorrow  # noqa: F401  (fixtures)

pytestmark = pytest.mark.browser


@pytest.fixture
def operator(page: Page, graph_hub: Hub) -> Iterator[Console]:
    graph_hub.accounts.add_user(OPERATOR[0], OPERATOR[1], Role.OPERATOR)
    server = ThreadedServer(create_app(graph_hub)).start()
    console = Console(page, server.url, graph_hub, "en")
    console.signed_in()
    yield console
    server.stop()


def test_an_appointment_moved_in_outlook_comes_back(operator: Console, graph_hub: Hub,
                                                    browser: Browser, sandbox: Sandbox) -> None:
    graph_hub.accounts.add_user("erp", "erp-password-1", "administrator")
    auth = {"Authorization": f"Bearer {graph_hub.accounts.new_api_key('erp')}"}
    made = TestClient(create_app(graph_hub)).post("/api/v1/calendar/appointments", headers=auth,
                                                   json={
        "erp_id": "BR-1", "mailbox": MAILBOX, "subject": "Visite de chantier",
        "start": tomorrow(9).replace(tzinfo=None).isoformat(),
        "end": tomorrow(10).replace(tzinfo=None).isoformat(), "location": "Lyon"})
    assert made.status_code == 201
    graph_hub.jobs.run_pending()  # the worker's immediate push

    tab = operator.page
    tab.click("nav a[href='/calendar']")
    tab.click(f"a[href='/calendar/mailboxes/{MAILBOX}']")
    row = tab.locator("tr[data-erp-id='BR-1']")
    expect(row.locator("td[data-state]")).to_have_text("synced")

    outlook = browser.new_context(ignore_https_errors=True)
    try:
        view = outlook.new_page()
        view.goto(f"{sandbox.url('exchange')}/_sim/outlook/{MAILBOX}")
        event = view.locator("tr[data-event]", has_text="Visite de chantier")
        event.locator("input[name=start]").fill(tomorrow(15).strftime("%Y-%m-%dT%H:%M"))
        event.locator("input[name=end]").fill(tomorrow(16).strftime("%Y-%m-%dT%H:%M"))
        event.locator("button", has_text="Move").click()
        expect(view.locator("tr[data-event]", has_text="Visite de chantier")).to_contain_text(
            tomorrow(15).strftime("%Y-%m-%dT%H:%M"))
    finally:
        outlook.close()

    tab.click("button[data-action=sync-mailbox]")
    expect(row.locator("td").nth(2)).to_have_text(tomorrow(15).strftime("%d/%m/%Y %H:%M"))
    tab.click("a[href='/calendar/appointments/BR-1']")
    expect(tab.locator("tr[data-event=changed_in_outlook]")).to_have_count(1)
