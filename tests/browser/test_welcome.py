"""The sandbox's welcome page ("Essayer raccord"): every example works when followed — a
SIRET fills a customer in, an example invoice reaches "intégrée" within a minute (workers
and the scheduler running as under `raccord serve --sandbox`), each CHORUS case ends as it
says."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import expect

from raccord.core.hub import Hub
from raccord.core.workers import InProcessWorkers
from raccord.features.einvoicing.states import LABELS, State
from raccord.interfaces.demo import DEMO
from raccord.sandbox.examples import INVOICES
from raccord.sandbox.setup import Sandbox
from raccord.sandbox.welcome import install_welcome
from raccord.toolkit.texts import TEXTS
from tests.browser_fixtures import Console, CurrentApp

pytestmark = pytest.mark.browser


@pytest.fixture
def tourist(sandboxed_hub: Hub, sandbox: Sandbox, console: Console,
            console_server: tuple[object, CurrentApp]) -> Console:
    """A newcomer on `raccord serve --sandbox`: the welcome page is mounted."""
    install_welcome(console_server[1].app, sandbox)
    console.signed_in()
    return console


@pytest.fixture
def working(sandboxed_hub: Hub) -> Iterator[None]:
    running = InProcessWorkers(sandboxed_hub, workers=2).start()
    yield
    running.stop()


def test_each_siret_example_fills_a_customer(tourist: Console) -> None:
    page = tourist.page
    page.click(f"nav a[href='/welcome']:has-text('{tourist.text(TEXTS['try'])}')")
    expect(page.locator("main h1")).to_have_text(tourist.text(TEXTS["try"]))
    expect(page.locator("#demo-siret")).to_have_text(DEMO.siret)
    links = page.locator("#siret-examples a[data-siret]")
    sirets = [links.nth(i).get_attribute("data-siret") for i in range(links.count())]
    assert DEMO.siret in sirets and len(sirets) >= 6
    for index, siret in enumerate(sirets[:5]):  # the known ones: each fills the form in
        page.goto(f"{tourist.url}/welcome")
        page.locator("#siret-examples a[data-siret]").nth(index).click()
        expect(page.locator("#siret")).to_have_value(siret or "")
        expect(page.locator("#postcode")).not_to_have_value("")
        expect(page.locator("#form-error")).to_have_count(0)
        if siret == DEMO.siret:
            expect(page.locator("#name")).to_have_value(DEMO.legal_name)
            page.click("#save")
            expect(page.locator("main p.ok[role=status]").first).to_have_text(
                "Enregistré." if tourist.lang == "fr" else "Saved.")
    page.goto(f"{tourist.url}/welcome")
    page.locator("#siret-examples a[data-siret]").nth(5).click()  # unknown to INSEE
    expect(page.locator("#form-error")).to_be_visible()


@pytest.mark.parametrize("lang", ["fr"])
def test_an_example_invoice_reaches_integrated_within_a_minute(
        tourist: Console, working: None) -> None:
    page = tourist.page
    page.goto(f"{tourist.url}/welcome")
    page.click("#invoice-examples tr[data-example=valid] button")
    state = page.locator("#state")
    expect(state).to_have_attribute("data-state", "integrated", timeout=60_000)
    expect(state).to_contain_text(LABELS[State.INTEGRATED]("fr"))
    expect(page.locator(".amount")).to_have_text("1\u202f440,00\xa0€")


@pytest.mark.parametrize("lang", ["en"])
def test_each_chorus_case_ends_as_the_welcome_page_says(
        tourist: Console, working: None) -> None:
    page = tourist.page
    for example in INVOICES:
        page.goto(f"{tourist.url}/welcome")
        row = page.locator(f"#invoice-examples tr[data-example={example.key}]")
        expect(row).to_contain_text(example.outcome("en"))
        row.locator("button").click()
        expect(page.locator("#state")).to_have_attribute("data-state", example.expected_state,
                                                         timeout=60_000)
        if example.expected_state != "integrated":
            expect(page.locator("#errors")).to_be_visible()
        if example.expected_state == "invalid":
            expect(page.locator("#download")).to_have_count(0)
