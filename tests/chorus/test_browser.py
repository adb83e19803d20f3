"""The transmissions page in a browser: an invoice appears, moves through its statuses, shows
the portal's rejection reason, and is sent again after correction."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import expect

from raccord.core.hub import Hub
from raccord.core.settings_store import SYSTEM, company_scope
from raccord.features.einvoicing import followup, intake
from raccord.features.einvoicing.states import LABELS, State
from tests.browser_fixtures import Console
from tests.chorus.conftest import sample

pytestmark = pytest.mark.browser


def _advance(hub: Hub) -> None:
    hub.jobs.run_pending(include_scheduled=True)
    followup.follow_up(hub)


def test_a_rejected_transmission_is_corrected_and_sent_again(
        chorus_hub: Hub, operator: Console, tmp_path: Path) -> None:
    hub, page = chorus_hub, operator.page
    hub.accounts.add_company("QUALIF", "Fournisseur de qualification")
    for key, value in hub.values("chorus", company_scope("DEMO")).items():
        hub.settings.set("chorus", key, value, SYSTEM, scope=company_scope("QUALIF"))
    # (With its VAT number: without one, EN 16931 refuses a standard-rated sale, BR-S-02.)
    wrong = sample("WEB-1", seller={"name": "Autre", "siret": "41816609600069",
                                    "vat_id": "FR16418166096", "address": {"city": "Paris"}})
    intake.receive(hub, "QUALIF", "erp", data=wrong)

    page.click("nav a[href='/transmissions']")
    row = page.locator("#transmissions tr", has_text="WEB-1")
    expect(row).to_contain_text(LABELS[State.QUEUED](operator.lang))
    hub.jobs.run_pending()
    page.reload()
    expect(row).to_contain_text(LABELS[State.DEPOSITED](operator.lang))
    _advance(hub)
    page.reload()
    expect(row).to_contain_text(LABELS[State.REJECTED](operator.lang))

    row.locator("a").click()
    expect(page.locator("#state")).to_have_attribute("data-state", "rejected")
    expect(page.locator("#errors")).to_contain_text("n'est pas reference dans notre systeme")
    fixed = tmp_path / "WEB-1.json"
    fixed.write_text(sample("WEB-1", seller={"name": "Qualif", "siret": "33254021000017",
                                             "vat_id": "FR86332540210",
                                             "address": {"city": "Paris"}}).model_dump_json())
    page.set_input_files("#correct input[type=file]", str(fixed))
    page.click("#correct button[type=submit]")
    expect(page.locator("#state")).to_have_attribute("data-state", "queued")
    _advance(hub)
    _advance(hub)
    page.reload()
    expect(page.locator("#state")).to_have_attribute("data-state", "integrated")
    expect(page.locator("#portal-status")).to_have_text(
        "mise à disposition" if operator.lang == "fr" else "made available")
    expect(page.locator("#history")).to_contain_text("erp")
    # received … rejected, then the corrected version: received … integrated (and a header)
    expect(page.locator("#history tr")).to_have_count(1 + 6 + 6)
