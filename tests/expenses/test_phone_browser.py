"""An employee on a phone-sized screen (375 px): uploads a receipt, sees the fields filled and
marked as read by OCR, corrects one, confirms; types two addresses and picks suggestions,
sees the distance and the allowance; submits the report."""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path

import pytest
from PIL import Image
from playwright.sync_api import Browser, Page, expect

from raccord.core.formats import money, number
from raccord.core.hub import Hub
from raccord.core.roles import Role
from raccord.core.settings_store import SYSTEM
from raccord.interfaces.ocr.receipts import make_receipt

pytestmark = pytest.mark.browser
EMPLOYEE = ("emma", "emma-phone-password-1")


@pytest.fixture
def phone(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(locale="fr-FR", viewport={"width": 375, "height": 740},
                                  is_mobile=True, has_touch=True, device_scale_factor=2)
    context.set_default_timeout(20_000)
    tab = context.new_page()
    yield tab
    context.close()


def no_sideways_scroll(page: Page) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 375, f"the page is {width} px wide on a 375 px screen"


def test_phone_flow(phone: Page, sandboxed_hub: Hub, console_url: str,
                    tmp_path: Path) -> None:
    hub = sandboxed_hub
    hub.settings.set("ocr", "provider", "OCR_LOCAL", SYSTEM)
    hub.accounts.add_user(*EMPLOYEE, Role.EMPLOYEE)
    answer = phone.request.post(f"{console_url}/login", max_redirects=0,
                                form={"login": EMPLOYEE[0], "password": EMPLOYEE[1]})
    assert answer.status == 303
    phone.context.add_cookies([{"name": "lang", "value": "fr", "url": console_url}])
    phone.goto(f"{console_url}/")
    expect(phone.locator("main h1")).to_have_text("Notes de frais")
    expect(phone.locator("nav a[href='/interfaces/ocr']")).to_have_count(0)
    no_sideways_scroll(phone)

    phone.fill("#title", "Salon de Lyon")
    phone.get_by_role("button", name="Créer").click()
    expect(phone.locator("main h1")).to_have_text("Salon de Lyon")
    no_sideways_scroll(phone)

    content, truth, _ = make_receipt(15)
    receipt = tmp_path / "ticket.jpg"
    Image.open(io.BytesIO(content)).convert("RGB").save(receipt, "JPEG", quality=90)
    phone.set_input_files("#receipt-file", str(receipt))
    phone.click("#read-receipt")
    expect(phone.locator("main h1")).to_have_text("Vérifiez ce que l'OCR a lu")
    expect(phone.locator("[data-ocr=amount_incl_tax]")).to_contain_text("lu par OCR")
    expect(phone.locator("#amount_incl_tax")).to_have_value(truth.total_incl_tax)
    expect(phone.locator("#spent_on")).to_have_value(truth.date)
    no_sideways_scroll(phone)
    phone.fill("#merchant", "Nom corrigé")
    phone.click("#confirm")
    card = phone.locator("[data-expense]").first
    expect(card).to_contain_text("Nom corrigé")
    expect(card).to_contain_text(money(truth.total_incl_tax, "EUR", "fr"))

    phone.click("#trip-block summary")
    phone.locator("#trip_from").press_sequentially("Pari", delay=40)
    phone.locator("#trip_from-list li", has_text="Paris, France").first.click()
    expect(phone.locator("#trip_from")).to_have_value("Paris, France")
    phone.locator("#trip_to").press_sequentially("Lyon, Fr", delay=40)
    phone.locator("#trip_to-list li", has_text="Lyon, France").first.click()
    phone.click("#compute")
    expect(phone.locator("#distance_km")).not_to_have_value("")
    km = float(phone.input_value("#distance_km"))
    assert 450 < km < 600
    no_sideways_scroll(phone)
    phone.click("#add-trip")
    trip = phone.locator("[data-expense]", has_text="km")
    expect(trip).to_contain_text(f"{number(f'{km:.1f}', 'fr', 1)} km")
    expect(trip).to_contain_text("5 CV")

    phone.click("#submit-report")
    expect(phone.locator("#report-state")).to_have_text("Soumise")
    no_sideways_scroll(phone)
