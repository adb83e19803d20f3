"""In a browser: typing a SIRET on a new customer fills the form in; a wrong key is flagged
while the cursor is still in the field."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import Page, expect

from raccord.core.hub import Hub
from raccord.core.identifiers import vat_number
from raccord.core.roles import Role
from raccord.sandbox.server import ThreadedServer
from raccord.web import create_app
from tests.browser_fixtures import OPERATOR, Console
from tests.sirene.conftest import Pick

pytestmark = pytest.mark.browser


@pytest.fixture
def operator(page: Page, sandboxed_hub: Hub) -> Iterator[Console]:  # noqa: F811
    sandboxed_hub.accounts.add_user(OPERATOR[0], OPERATOR[1], Role.OPERATOR)
    server = ThreadedServer(create_app(sandboxed_hub)).start()
    console = Console(page, server.url, sandboxed_hub, "fr")
    console.signed_in()
    yield console
    server.stop()


def test_typing_a_siret_fills_the_new_customer_in(operator: Console, pick: Pick) -> None:
    unit, est = pick(lambda u, e: u.diffusible and not u.individual and e.open
                     and e.trade_name is not None)
    tab = operator.page
    tab.click("nav a[href='/thirdparties']")
    tab.click("text=Nouveau tiers")
    tab.locator("#siret").press_sequentially(f"{est.siret[:3]} {est.siret[3:6]} "
                                             f"{est.siret[6:9]} {est.siret[9:]}", delay=20)
    expect(tab.locator("#name")).to_have_value(unit.name or "")
    expect(tab.locator("#trade_name")).to_have_value(est.trade_name or "")
    expect(tab.locator("#postcode")).to_have_value(est.postcode)
    expect(tab.locator("#siren")).to_have_value(unit.siren)
    expect(tab.locator("#vat_number")).to_have_value(vat_number(unit.siren))
    expect(tab.locator("#sirene-status")).to_contain_text("Rempli depuis SIRENE")
    tab.click("#save")
    expect(tab.locator("[role=status]").first).to_have_text("Enregistré.")
    assert unit.name in tab.locator("main h1").inner_text()


def test_a_wrong_key_is_flagged_before_leaving_the_field(operator: Console, pick: Pick) -> None:
    _, est = pick(lambda u, e: u.diffusible)
    wrong = est.siret[:-1] + str((int(est.siret[-1]) + 1) % 10)
    tab = operator.page
    tab.goto(f"{operator.url}/thirdparties/new")
    tab.locator("#siret").press_sequentially(wrong, delay=10)
    error = tab.locator("#sirene-error")
    expect(error).to_be_visible()
    expect(error).to_contain_text("clé de contrôle fausse")
    expect(tab.locator("#siret")).to_be_focused()
    expect(tab.locator("#siret")).to_have_attribute("aria-invalid", "true")
    expect(tab.locator("#name")).to_have_value("")
    tab.locator("#siret").fill(est.siret)
    expect(error).to_be_hidden()
