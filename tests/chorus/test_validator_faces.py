"""The validator through the API and on the console: the same verdict as the CLI, and a valid
file sent to CHORUS PRO for the company chosen."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from playwright.sync_api import expect

from raccord.core.hub import Hub
from raccord.features.einvoicing import documents
from raccord.features.einvoicing.documents import Format
from raccord.web import create_app
from tests.browser_fixtures import Console
from tests.chorus.conftest import sample
from tests.chorus.helpers import drain


def test_the_api_gives_the_official_verdict(chorus_hub: Hub) -> None:
    chorus_hub.accounts.add_user("acct", "acct-password-1", "reader")
    key = chorus_hub.accounts.new_api_key("acct")
    api = TestClient(create_app(chorus_hub))
    auth = {"Authorization": f"Bearer {key}", "Accept-Language": "en"}
    good = documents.produce(sample(), Format.UBL)
    bad = good.content.replace(b"<cbc:DocumentCurrencyCode>EUR</cbc:DocumentCurrencyCode>", b"")
    ok = api.post("/api/v1/einvoicing/validate?company=DEMO", headers=auth,
                  files={"file": ("good.xml", good.content, "application/xml")})
    assert ok.status_code == 200 and ok.json() == {"file": "good.xml", "valid": True,
                                                   "problems": []}
    refused = api.post("/api/v1/einvoicing/validate?profile=en16931", headers=auth,
                       files={"file": ("bad.xml", bad, "application/xml")})
    verdict = refused.json()
    assert verdict["valid"] is False
    assert "BR-05" in {p["rule"] for p in verdict["problems"]}
    assert set(verdict["problems"][0]) == {"rule", "flag", "location", "message"}


@pytest.mark.browser
def test_an_accountant_drops_a_file_reads_the_verdict_and_sends_it(
        chorus_hub: Hub, operator: Console, tmp_path: Path) -> None:
    page = operator.page
    broken = tmp_path / "broken.xml"
    broken.write_bytes(documents.produce(sample("V-1"), Format.CII).content.replace(
        b"<ram:CountryID>FR</ram:CountryID>", b"<ram:CountryID>ZZ</ram:CountryID>", 1))
    page.click("nav a[href='/einvoice/validate']")
    page.set_input_files("#validate input[type=file]", str(broken))
    page.click("#validate button[type=submit]")
    expect(page.locator("#verdict")).to_have_attribute("data-valid", "false")
    expect(page.locator("#problems")).to_contain_text("BR-CL-14")
    expect(page.locator("#send")).to_have_count(0)
    good = tmp_path / "good.pdf"
    good.write_bytes(documents.produce(sample("V-2"), Format.FACTURX).content)
    page.set_input_files("#validate input[type=file]", str(good))
    page.select_option("#validate select[name=company]", "DEMO")
    page.click("#validate button[type=submit]")
    expect(page.locator("#verdict")).to_have_attribute("data-valid", "true")
    page.click("#send button[type=submit]")
    expect(page.locator("#state")).to_have_attribute("data-state", "queued")
    assert drain(chorus_hub)["V-2"] == "integrated"


def test_the_legal_payment_mentions_come_from_the_companys_settings(chorus_hub: Hub) -> None:
    from raccord.core.settings_store import SYSTEM, company_scope
    from raccord.features.einvoicing import intake, store

    chorus_hub.settings.set("chorus", "late_payment_penalties",
                            "Pénalités : 10 % l'an dès le lendemain de l'échéance.", SYSTEM,
                            scope=company_scope("DEMO"))
    receipt = intake.receive(chorus_hub, "DEMO", "erp", data=sample("M-1"))
    invoice = store.get(chorus_hub, receipt.id)
    assert invoice is not None and receipt.state == "queued"
    _, xml = __import__("facturx").get_xml_from_pdf(invoice.content, check_xsd=False)
    assert "Pénalités : 10 % l'an".encode() in xml
    assert "40 €".encode() in xml  # the one left empty keeps its lawful default
