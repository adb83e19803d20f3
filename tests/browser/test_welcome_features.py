"""The welcome page's feature examples, followed in French as a newcomer would, with the
workers and the scheduler running as under `raccord serve --sandbox`: a sample receipt read
by OCR, a trip measured by Google, a quote signed on the Universign simulator's page whose
signed state comes back, the demo bank connected on Bridge's page then fetched and stated,
an appointment pushed to the demo employee's mailbox then moved "in Outlook", and the demo
employee's login."""

from __future__ import annotations

import re
from collections.abc import Iterator
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Browser, Page, expect

from raccord.core.formats import money
from raccord.core.hub import Hub
from raccord.core.workers import InProcessWorkers
from raccord.features.signatures.states import LABELS, State
from raccord.interfaces.demo import DEMO_EMPLOYEE
from raccord.sandbox import samples
from raccord.sandbox.setup import Sandbox
from raccord.sandbox.tour_texts import W
from raccord.sandbox.tours import appointment_times
from raccord.sandbox.welcome import install_welcome
from tests.browser.populated import ENGLISH
from tests.browser.test_accessibility import axe_violations
from tests.browser_fixtures import Console, CurrentApp

pytestmark = pytest.mark.browser


@pytest.fixture
def newcomer(browser: Browser, sandboxed_hub: Hub, sandbox: Sandbox, console_url: str,
             console_server: tuple[object, CurrentApp]) -> Iterator[Console]:
    """On `raccord serve --sandbox`, in French, in a browser that goes on past the warning
    about the sandbox's own certificate authority (as the welcome page tells to)."""
    install_welcome(console_server[1].app, sandbox)
    running = InProcessWorkers(sandboxed_hub, workers=2).start()
    context = browser.new_context(locale="fr-FR", ignore_https_errors=True,
                                  viewport={"width": 1280, "height": 900})
    context.set_default_timeout(15_000)
    console = Console(context.new_page(), console_url, sandboxed_hub, "fr")
    console.signed_in()
    console.page.goto(f"{console_url}/welcome")
    yield console
    context.close()
    running.stop()


def welcome(console: Console) -> Page:
    console.page.goto(f"{console.url}/welcome")
    return console.page


def test_each_sample_receipt_is_read_by_ocr(newcomer: Console) -> None:
    for sample in samples.receipts():
        page = welcome(newcomer)
        row = page.locator(f"#receipt-examples tr[data-receipt='{sample.key}']")
        expect(row).to_contain_text(sample.truth.merchant)
        row.locator("button").click()
        expect(page.locator("main h1")).to_have_text("Vérifiez ce que l'OCR a lu")
        expect(page.locator("[data-ocr=amount_incl_tax]")).to_contain_text("lu par OCR")
        expect(page.locator("#amount_incl_tax")).to_have_value(sample.truth.total_incl_tax)
        expect(page.locator("#spent_on")).to_have_value(sample.truth.date)
        expect(page.locator("#vat_rate_0")).to_have_value(sample.truth.vat[0].rate)
    page.click("#confirm")  # the last one (the scanned PDF) becomes an expense
    card = page.locator("[data-expense]").first
    expect(card).to_contain_text(money(sample.truth.total_incl_tax, "EUR", "fr"))
    expect(page.locator("main h1")).to_have_text("Essai raccord")


def test_the_trip_example_is_measured_by_google(newcomer: Console) -> None:
    page = welcome(newcomer)
    page.click("#trip-example button")
    trip = page.locator("[data-expense]", has_text="km")
    expect(trip).to_contain_text("Paris, France")
    expect(trip).to_contain_text("5 CV")


def test_the_quote_signed_on_universign_comes_back_signed(newcomer: Console) -> None:
    page = welcome(newcomer)
    page.click("#signature-example button")
    expect(page.locator("main h1")).to_have_text(W["sign_title"]("fr"))
    link = page.locator("#signing-link")
    expect(link).to_be_visible(timeout=30_000)  # once a worker has sent it to Universign
    step = page.url
    page.goto(link.get_attribute("href") or "")
    expect(page.locator("#signer")).to_have_text(DEMO_EMPLOYEE.email)
    page.click("#sign")
    expect(page.locator("#status")).to_have_text("Document signé.")
    page.goto(step)
    page.click("#check-signature")
    expect(page.locator("#state")).to_have_attribute("data-state", "signed")
    expect(page.locator("#state")).to_contain_text(LABELS[State.SIGNED]("fr"))
    expect(page.locator("#download-signed")).to_be_visible()


def test_the_demo_bank_connects_fetches_and_gives_a_statement(newcomer: Console) -> None:
    page = welcome(newcomer)
    page.click("#bank-example button")
    expect(page.locator("h2")).to_have_text("Connectez votre banque")
    page.fill("input[name=login]", "camille")
    page.fill("input[name=password]", "mot-de-passe")
    page.fill("input[name=sca_code]", "123456")
    page.click("button[type=submit]")
    expect(page.locator("p.ok")).to_contain_text("Banque connectée")
    rows = page.locator("#accounts tr[data-account]")
    expect(rows.first).to_be_visible()
    for index in range(rows.count()):
        row = page.locator("#accounts tr[data-account]").nth(index)
        row.locator("select[name=company]").select_option("DEMO")
        row.locator("input[name=journal]").fill(f"BQ{index + 1}")
        row.locator("button", has_text="Affecter").click()
        expect(page.locator("p.ok")).to_contain_text("Enregistré")
    page.click("form[action='/bank/fetch'] button")
    expect(page.locator("p.ok")).to_contain_text("Récupération lancée")
    runs = page.locator("#runs details").first
    for _ in range(30):  # a worker fetches; the page shows its log once done
        page.reload()
        if runs.count() and "Transactions ajoutées" in runs.inner_text():
            break
        page.wait_for_timeout(500)
    expect(runs).to_contain_text("Transactions ajoutées")
    page.goto(f"{newcomer.url}/bank/statements")
    page.click("#generate button[type=submit]")
    expect(page.locator("main h1")).to_contain_text("Relevé")
    expect(page.locator("#difference")).to_have_text("0,00\xa0€")


def test_the_appointment_moved_in_outlook_comes_back(newcomer: Console) -> None:
    page = welcome(newcomer)
    outlook = page.locator("#outlook-link").get_attribute("href") or ""
    page.click("#calendar-example button")
    row = page.locator("tr[data-erp-id='ESSAI-RDV-1']")
    expect(row).to_contain_text("Visite client")
    for _ in range(30):  # the worker's immediate push
        if row.locator("td[data-state]").get_attribute("data-state") == "synced":
            break
        page.wait_for_timeout(500)
        page.reload()
    expect(row.locator("td[data-state]")).to_have_attribute("data-state", "synced")

    start, end = appointment_times()
    later = (start.replace(hour=15), end.replace(hour=16))
    mailbox_page = page.url
    page.goto(outlook)
    event = page.locator("tr[data-event]", has_text="Visite client")
    event.locator("input[name=start]").fill(later[0].strftime("%Y-%m-%dT%H:%M"))
    event.locator("input[name=end]").fill(later[1].strftime("%Y-%m-%dT%H:%M"))
    event.locator("button", has_text="Move").click()
    expect(page.locator("tr[data-event]", has_text="Visite client")).to_contain_text(
        later[0].strftime("%Y-%m-%dT%H:%M"))
    page.goto(mailbox_page)
    page.click("button[data-action=sync-mailbox]")
    expect(row.locator("td").nth(2)).to_have_text(later[0].strftime("%d/%m/%Y %H:%M"))


def test_the_demo_employee_signs_in_with_the_login_shown(newcomer: Console) -> None:
    page = welcome(newcomer)
    login = page.locator("#employee-login").inner_text()
    password = page.locator("#employee-password").inner_text()
    assert login == DEMO_EMPLOYEE.login
    page.context.clear_cookies()
    newcomer.log_in(login, password)
    expect(page).to_have_url(f"{newcomer.url}/expenses")
    expect(page.locator("main h1")).to_have_text("Notes de frais")


@pytest.mark.parametrize("width", [(1280, 900), (390, 844)])
def test_the_welcome_pages_pass_axe_and_speak_french(newcomer: Console,
                                                     width: tuple[int, int]) -> None:
    page = welcome(newcomer)
    page.set_viewport_size({"width": width[0], "height": width[1]})
    first = samples.receipts()[0].truth
    expect(page.locator("#receipt-examples tr[data-receipt=photo-1]")).to_contain_text(
        money(first.total_incl_tax, "EUR", "fr"))
    page.click("#signature-example button")
    expect(page.locator("#signing-link")).to_be_visible(timeout=30_000)
    problems = []
    for path in ("/welcome", urlsplit(page.url).path):
        page.goto(newcomer.url + path)
        text = re.sub(r"https?://\S+", "", page.locator("body").inner_text())
        problems += [(path, word) for word in ENGLISH.findall(text)]
        problems += [(path, v) for v in axe_violations(page)
                     if v["impact"] in ("serious", "critical") or v["id"] == "label"]
    assert problems == []
