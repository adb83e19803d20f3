"""In a browser: a quote sent from the API is signed on the sandbox's signing page by each
signer, becomes signed in the console, and its signed PDF is downloaded."""

from __future__ import annotations

import base64
from pathlib import Path

import pytest
from playwright.sync_api import Browser, expect

from raccord.core.hub import Hub
from raccord.features.signatures import followup
from raccord.features.signatures.states import LABELS, State
from raccord.sandbox.setup import Sandbox
from tests.browser_fixtures import OPERATOR, Console
from tests.signatures.conftest import ALICE, BOB, quote_pdf, run_jobs

pytestmark = pytest.mark.browser


def test_a_quote_signed_on_the_signing_page_is_downloaded_signed(
        sig_hub: Hub, operator: Console, browser: Browser, sandbox: Sandbox,
        tmp_path: Path) -> None:
    page = operator.page
    token = sig_hub.accounts.new_api_key(OPERATOR[0])
    answer = page.request.post(f"{operator.url}/api/v1/signatures", headers={
        "Authorization": f"Bearer {token}"}, data={
        "kind": "quote", "reference": "D-WEB-1", "company": "DEMO", "signers": [ALICE, BOB],
        "pdf_base64": base64.b64encode(quote_pdf("D-WEB-1")).decode()})
    assert answer.status == 202, answer.text()
    request_id = answer.json()["id"]
    run_jobs(sig_hub)
    tx_id = page.request.get(f"{operator.url}/api/v1/signatures/{request_id}", headers={
        "Authorization": f"Bearer {token}"}).json()["transaction_id"]

    page.click("nav a[href='/signatures']")
    row = page.locator("#signatures tr", has_text="D-WEB-1")
    expect(row).to_contain_text(LABELS[State.SENT](operator.lang))

    # The signers, each in their own browser: the sandbox stands for the invitation e-mail.
    signers = browser.new_context(ignore_https_errors=True)  # the sandbox's own CA
    signing = signers.new_page()
    for signer in (ALICE, BOB):
        signing.goto(sandbox.url("signature") + "/sign")
        signing.locator(f"li[data-tx='{tx_id}'][data-email='{signer['email']}'] a").click()
        expect(signing.locator("#signer")).to_have_text(signer["email"])
        signing.click("#sign")
        expect(signing.locator("#status")).to_have_text("Document signé.")
    signers.close()

    followup.follow_up(sig_hub)
    row.locator("a").click()
    expect(page.locator("#state")).to_have_attribute("data-state", "signed")
    expect(page.locator("#signers")).to_contain_text(BOB["name"])
    with page.expect_download() as download:
        page.click("#download-signed")
    saved = tmp_path / "signed.pdf"
    download.value.save_as(saved)
    assert saved.read_bytes().startswith(b"%PDF-")
    assert b"/ByteRange" in saved.read_bytes()  # a signed PDF
