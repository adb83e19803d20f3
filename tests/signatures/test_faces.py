"""The ERP's doors (REST API, `raccord signature ...`), Universign's webhooks, and the console
pages: the list, a request's page, the follow-up block of the settings screen."""

from __future__ import annotations

import base64
import json
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

import raccord.cli  # noqa: F401  (loads the CLI core before the feature's commands)
from raccord.core.hub import Hub
from raccord.core.models import WebhookDelivery
from raccord.core.roles import Role
from raccord.core.settings_store import SYSTEM
from raccord.features.signatures import followup, store
from raccord.features.signatures.cli import app
from raccord.interfaces.signature.simulator import Universign
from tests.core.helpers import PASSWORD, Browser, api_client
from tests.signatures.conftest import ALICE, BOB, hand_over, quote_pdf, run_jobs


@pytest.fixture
def api(sig_hub: Hub) -> TestClient:
    sig_hub.accounts.add_user("erp", PASSWORD, Role.ADMINISTRATOR)
    return api_client(sig_hub, "erp")


def _body(reference: str) -> dict[str, object]:
    return {"kind": "delivery-note", "reference": reference, "company": "DEMO",
            "signers": [ALICE, BOB], "language": "fr",
            "pdf_base64": base64.b64encode(quote_pdf(reference)).decode()}


def test_the_api_sends_follows_and_hands_back_the_signed_copy(sig_hub: Hub, us: Universign,
                                                              api: TestClient) -> None:
    sig_hub.settings.set_many("signature", {"webhook_url": "https://erp.example/hooks",
                                            "webhook_secret": "s3cret"}, SYSTEM)
    created = api.post("/api/v1/signatures", json=_body("BL-2026-7"))
    assert created.status_code == 202, created.text
    request_id = created.json()["id"]
    assert created.json()["kind"] == "delivery_note" and created.json()["state"] == "received"
    assert api.post("/api/v1/signatures", json=_body("BL-2026-7")).status_code == 200
    early = api.get(f"/api/v1/signatures/{request_id}/signed-document")
    assert early.status_code == 409 and "Not signed" in early.json()["error_en"]
    run_jobs(sig_hub)
    tx_id = api.get(f"/api/v1/signatures/{request_id}").json()["transaction_id"]
    us.sign(tx_id, ALICE["email"])
    us.sign(tx_id, BOB["email"])
    followup.follow_up(sig_hub)
    read = api.get(f"/api/v1/signatures/{request_id}").json()
    assert read["state"] == "signed" and all(s["signed"] for s in read["signers"])
    assert [h["to"] for h in read["history"]][-1] == "signed"
    document = api.get(f"/api/v1/signatures/{request_id}/signed-document")
    assert document.status_code == 200 and document.content.startswith(b"%PDF-")
    assert document.headers["content-type"] == "application/pdf"
    attestation = api.get(f"/api/v1/signatures/{request_id}/attestation")
    assert attestation.status_code == 200 and attestation.content.startswith(b"%PDF-")
    with sig_hub.db.session() as session:
        told = [(d.event, d.payload["request"]["state"]) for d in session.query(
            WebhookDelivery).filter(WebhookDelivery.interface == "signature")]
    assert ("signature.state_changed", "sent") in told
    assert ("signature.state_changed", "signed") in told
    listing = api.get("/api/v1/signatures", params={"reference": "BL-2026-7"}).json()
    assert [r["id"] for r in listing] == [request_id]


def test_the_api_refuses_plainly(api: TestClient) -> None:
    body = _body("BL-BAD")
    body["pdf_base64"] = base64.b64encode(b"not a pdf").decode()
    refused = api.post("/api/v1/signatures", json=body)
    assert refused.status_code == 422 and refused.json()["error_en"] == \
        "The document to sign must be a PDF."
    body = _body("BL-BAD")
    body["company"] = "NOPE"
    assert api.post("/api/v1/signatures", json=body).status_code == 404
    assert api.get("/api/v1/signatures/9999").status_code == 404
    assert TestClient(api.app).get("/api/v1/signatures").status_code == 401


def test_cancel_and_remind_through_the_api(sig_hub: Hub, us: Universign,
                                           api: TestClient) -> None:
    request_id = api.post("/api/v1/signatures", json=_body("BL-CANCEL")).json()["id"]
    run_jobs(sig_hub)
    reminded = api.post(f"/api/v1/signatures/{request_id}/remind")
    assert reminded.status_code == 200 and reminded.json()["reminders"] == 1
    cancelled = api.post(f"/api/v1/signatures/{request_id}/cancel")
    assert cancelled.status_code == 200 and cancelled.json()["state"] == "cancelled"
    again = api.post(f"/api/v1/signatures/{request_id}/remind")
    assert again.status_code == 409


def _webhook(api: TestClient, body: str, signature: str | None) -> object:
    headers = {"Content-Type": "application/json"}
    if signature is not None:
        headers["x-jws-signature"] = signature
    return TestClient(api.app).post("/api/v1/signatures/universign-webhook", content=body,
                                    headers=headers)


def test_a_signed_webhook_wakes_the_follow_up_of_its_request(sig_hub: Hub, us: Universign,
                                                             api: TestClient) -> None:
    request = hand_over(sig_hub, "D-HOOK")
    run_jobs(sig_hub)
    tx_id = store.get(sig_hub, request.id).transaction_id  # type: ignore[union-attr]
    us.sign(tx_id, ALICE["email"])
    event = [e for e in us.webhooks.sent if e["transaction"] == tx_id][-1]
    assert event["type"] == "action.closed"
    answer = _webhook(api, event["body"], event["signature"])
    assert answer.status_code == 200 and answer.json() == {"status": "queued"}  # type: ignore[attr-defined]
    run_jobs(sig_hub)
    assert store.get(sig_hub, request.id).state == "partly_signed"  # type: ignore[union-attr]


def test_an_unsigned_or_wrongly_signed_webhook_is_refused_and_logged(
        sig_hub: Hub, us: Universign, api: TestClient, caplog: pytest.LogCaptureFixture) -> None:
    request = hand_over(sig_hub, "D-FORGED")
    run_jobs(sig_hub)
    tx_id = store.get(sig_hub, request.id).transaction_id  # type: ignore[union-attr]
    us.sign(tx_id, ALICE["email"])
    event = [e for e in us.webhooks.sent if e["transaction"] == tx_id][-1]
    unsigned = _webhook(api, event["body"], None)
    assert unsigned.status_code == 401  # type: ignore[attr-defined]
    assert "x-jws-signature" in unsigned.json()["error_en"]  # type: ignore[attr-defined]
    forged = json.loads(event["body"])
    forged["payload"]["object"]["state"] = "completed"
    changed = _webhook(api, json.dumps(forged), event["signature"])
    assert changed.status_code == 401  # type: ignore[attr-defined]
    assert "Wrong JWS signature" in changed.json()["error_en"]  # type: ignore[attr-defined]
    assert sum("webhook" in r.message and "refused" in r.message for r in caplog.records) == 2
    assert sig_hub.jobs.pending() == 0  # nothing was woken by the refused calls
    assert store.get(sig_hub, request.id).state == "sent"  # type: ignore[union-attr]


def test_the_cli_sends_and_shows_the_status(sig_hub: Hub, monkeypatch: pytest.MonkeyPatch,
                                            tmp_path: Path) -> None:
    monkeypatch.setenv("RACCORD_HOME", str(sig_hub.env.home))
    monkeypatch.setenv("RACCORD_LANG", "en")
    monkeypatch.setenv("COLUMNS", "300")
    run = CliRunner()
    pdf = tmp_path / "D-CLI.pdf"
    pdf.write_bytes(quote_pdf("D-CLI"))
    sent = run.invoke(app, ["send", str(pdf), "--signer", "Alice Martin,alice@client.fr,"
                            "06 12 34 56 78", "--signer", "Bob,bob@client.fr", "--kind",
                            "quote", "--reference", "D-CLI", "--ordered"])
    assert sent.exit_code == 0, sent.output
    assert "D-CLI (id 1): received, queued for Universign" in sent.output
    run_jobs(sig_hub)
    status = run.invoke(app, ["status", "1", "--json"])
    data = json.loads(status.output)
    assert data["state"] == "sent" and data["signers"][0]["phone"] == "+33612345678"
    bad = run.invoke(app, ["send", str(pdf), "--signer", "Alice", "--kind", "quote",
                           "--reference", "X"])
    assert bad.exit_code == 2 and "NAME,EMAIL[,PHONE]" in bad.output
    listing = run.invoke(app, ["status"])
    assert "D-CLI" in listing.output and "sent to the signers" in listing.output


def test_the_console_lists_requests_and_shows_one_with_its_history(sig_hub: Hub,
                                                                   us: Universign) -> None:
    request = hand_over(sig_hub, "D-CONSOLE")
    run_jobs(sig_hub)
    tx_id = store.get(sig_hub, request.id).transaction_id  # type: ignore[union-attr]
    us.sign(tx_id, ALICE["email"])
    us.sign(tx_id, BOB["email"])
    followup.follow_up(sig_hub)
    sig_hub.accounts.add_user("olga", PASSWORD, Role.OPERATOR)
    browser = Browser(sig_hub).login("olga")
    browser.client.cookies.set("lang", "en")
    listing = browser.get("/signatures").text
    assert "D-CONSOLE" in listing and "Alice Martin ✔" in listing and "signed" in listing
    page = browser.get(f"/signatures/{request.id}").text
    assert 'data-state="signed"' in page and "Signed by all" in page
    assert f'href="/api/v1/signatures/{request.id}/signed-document"' in page
    assert browser.get(f"/api/v1/signatures/{request.id}/signed-document").status_code == 200


def test_the_console_cancels_a_pending_request(sig_hub: Hub, us: Universign) -> None:
    request = hand_over(sig_hub, "D-CONSOLE-CANCEL")
    run_jobs(sig_hub)
    sig_hub.accounts.add_user("olga", PASSWORD, Role.OPERATOR)
    browser = Browser(sig_hub).login("olga")
    browser.client.cookies.set("lang", "en")
    assert 'id="remind"' in browser.get(f"/signatures/{request.id}").text
    done = browser.post(f"/signatures/{request.id}/cancel")
    assert done.status_code == 200 and 'data-state="cancelled"' in done.text


def test_the_settings_screen_warns_below_an_hour_and_shows_the_follow_up(sig_hub: Hub) -> None:
    hand_over(sig_hub, "D-SCREEN")
    run_jobs(sig_hub)
    sig_hub.jobs.enqueue("signature.follow_up")
    run_jobs(sig_hub)
    sig_hub.accounts.add_user("olga", PASSWORD, Role.OPERATOR)
    browser = Browser(sig_hub).login("olga")
    browser.client.cookies.set("lang", "en")
    page = browser.get("/interfaces/signature").text
    assert 'data-open="1"' in page and 'id="interval-warning"' not in page
    assert "Last run" in page and "succeeded" in page
    assert browser.save("signature", "poll_interval_s", "600").status_code == 303
    page = browser.get("/interfaces/signature").text
    assert 'id="interval-warning"' in page and "loads the service" in page
