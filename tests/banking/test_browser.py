"""In a browser: connect a bank through the sandbox's Bridge pages, assign its accounts,
fetch, generate a statement and download it as CAMT.053."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest
from lxml import etree
from playwright.sync_api import Browser, expect
from sqlalchemy import update

from raccord.core.hub import Hub
from raccord.core.settings_store import SYSTEM
from raccord.features.banking.models import BankAccount
from raccord.interfaces.bank import users
from raccord.interfaces.bank.simulator import BridgeSimulator
from tests.browser_fixtures import Console

pytestmark = pytest.mark.browser
SCHEMA = Path(__file__).parent / "schemas" / "camt.053.001.02.xsd"


def test_connect_fetch_generate_and_download(browser: Browser, sandboxed_hub: Hub,
                                             console_url: str, bridge: BridgeSimulator,
                                             tmp_path: Path) -> None:
    hub = sandboxed_hub
    hub.settings.set_many("bank", {"statement_period": "none",
                                   "log_email": "compta@demo-sarl.fr"}, SYSTEM)
    users.create_user(hub, "Démo SARL", "compta@demo-sarl.fr", SYSTEM)
    # The sandbox's certificate comes from its own authority, which this browser does not know.
    context = browser.new_context(locale="fr-FR", ignore_https_errors=True,
                                  accept_downloads=True, viewport={"width": 1280,
                                                                   "height": 900})
    context.set_default_timeout(10_000)
    page = context.new_page()
    try:
        console = Console(page, console_url, hub, "fr")
        console.signed_in()
        page.goto(f"{console_url}/interfaces/bank")
        page.click("form[action='/bank/connect'] button")
        expect(page.locator("h2")).to_have_text("Connectez votre banque")
        page.select_option("select[name=provider_id]", "179")
        page.fill("input[name=login]", "jdupont")
        page.fill("input[name=password]", "mot-de-passe")
        page.fill("input[name=sca_code]", "123456")
        page.click("button[type=submit]")
        expect(page.locator("p.ok")).to_contain_text("Banque connectée")
        expect(page.locator("#banks")).to_contain_text("Société Générale")
        for index in range(2):
            row = page.locator("#accounts tr[data-account]").nth(index)
            row.locator("select[name=company]").select_option("DEMO")
            row.locator("input[name=journal]").fill(f"BQ{index + 1}")
            row.locator("button", has_text="Affecter").click()
            expect(page.locator("p.ok")).to_contain_text("Enregistré")

        page.click("form[action='/bank/fetch'] button")
        expect(page.locator("p.ok")).to_contain_text("Récupération lancée")
        assert hub.jobs.run_pending() == 2  # the fetch, then the mail of its log
        page.reload()
        expect(page.locator("#runs details").first).to_contain_text(
            "Transactions ajoutées : 64")
        expect(page.locator("#runs details").first).to_contain_text("compta@demo-sarl.fr")

        with hub.db.session() as session:  # statements start a month back, not today
            session.execute(update(BankAccount).values(
                statements_from=date.today() - timedelta(days=30)))
        page.goto(f"{console_url}/bank/statements")
        page.select_option("#generate select[name=period]", "since_last")
        page.click("#generate button[type=submit]")
        expect(page.locator("#difference")).to_have_text("0,00\xa0€")
        expect(page.locator("#check")).to_contain_text("concorde avec le solde Bridge")
        with page.expect_download() as download:
            page.click("a[data-format=camt053]")
        target = tmp_path / "statement.xml"
        download.value.save_as(target)
        schema = etree.XMLSchema(etree.parse(str(SCHEMA)))
        schema.assertValid(etree.parse(str(target)))
    finally:
        context.close()
