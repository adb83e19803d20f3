"""The mail service's faces: the REST API for the ERP, the CLI, the console pages."""

from __future__ import annotations

import base64
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

import raccord.cli  # noqa: F401  (loads the CLI core before the feature's commands)
from raccord.core.alerts import raise_alert
from raccord.core.hub import Hub
from raccord.core.i18n import Tr
from raccord.core.roles import Role
from raccord.core.simulator import Simulator
from raccord.features.mail.cli import app
from tests.console_client import Console
from tests.core.helpers import PASSWORD, api_client


def test_the_erp_sends_through_the_api_once_per_key(mail_hub: Hub,
                                                    gmail_sim: Simulator) -> None:
    mail_hub.accounts.add_user("erp", PASSWORD, Role.OPERATOR)
    api = api_client(mail_hub, "erp")
    body = {"to": ["marie@client.fr"], "from": None, "subject": "Facture F-1",
            "html": "<p>Bonjour,<br>votre facture.</p>", "reference": "F-1",
            "attachments": [{"filename": "F-1.pdf", "content_type": "application/pdf",
                             "content_base64": base64.b64encode(b"%PDF-1.7").decode()}]}
    first = api.post("/api/v1/mail/messages", json=body, headers={"Idempotency-Key": "F-1"})
    assert first.status_code == 202 and first.json()["state"] == "queued"
    again = api.post("/api/v1/mail/messages", json=body, headers={"Idempotency-Key": "F-1"})
    assert again.status_code == 200 and again.json()["id"] == first.json()["id"]
    mail_hub.jobs.run_pending()
    read = api.get(f"/api/v1/mail/messages/{first.json()['id']}",
                   headers={"Accept-Language": "en"}).json()
    assert read["state"] == "sent" and read["remote_id"] == gmail_sim.state["sent"][0]["id"]
    assert read["text"] == "Bonjour,\nvotre facture." and read["attachments"][0]["size"] == 8
    assert [e["state"] for e in read["history"]] == ["queued", "sending", "sent"]
    listed = api.get("/api/v1/mail/messages", params={"reference": "F-1"}).json()
    assert [m["id"] for m in listed["messages"]] == [read["id"]]
    assert len(gmail_sim.state["sent"]) == 1


def test_the_api_refuses_what_cannot_be_sent(mail_hub: Hub) -> None:
    mail_hub.accounts.add_user("erp", PASSWORD, Role.OPERATOR)
    mail_hub.accounts.add_user("rita", PASSWORD, Role.READER)
    api = api_client(mail_hub, "erp")
    no_body = api.post("/api/v1/mail/messages", json={"to": ["a@client.fr"], "subject": "s"})
    assert no_body.status_code == 422 and "text" in no_body.json()["error_en"]
    bad = api.post("/api/v1/mail/messages", json={"to": ["not-an-address"], "subject": "s",
                                                  "text": "t"})
    assert bad.status_code == 422
    reader = api_client(mail_hub, "rita")
    assert reader.post("/api/v1/mail/messages", json={"to": ["a@client.fr"], "subject": "s",
                                                      "text": "t"}).status_code == 403
    assert api.get("/api/v1/mail/messages/999").status_code == 404


@pytest.fixture
def run(mail_hub: Hub, monkeypatch: pytest.MonkeyPatch) -> CliRunner:
    monkeypatch.setenv("RACCORD_HOME", str(mail_hub.env.home))
    monkeypatch.setenv("RACCORD_LANG", "en")
    return CliRunner()


def test_the_cli_sends_html_with_attachments_and_tells_the_state(
        run: CliRunner, mail_hub: Hub, gmail_sim: Simulator, tmp_path: Path) -> None:
    page, sheet = tmp_path / "body.html", tmp_path / "releve.csv"
    page.write_text("<h1>Relevé</h1><p>Ci-joint.</p>")
    sheet.write_text("date;montant\n")
    sent = run.invoke(app, ["send", "--to", "marie@client.fr", "--subject", "Relevé",
                            "--html", str(page), "--attach", str(sheet)])
    assert sent.exit_code == 0, sent.output
    assert sent.output.strip() == "Message 1: Queued."
    mail_hub.jobs.run_pending()
    status = run.invoke(app, ["status", "1", "--json"])
    data = json.loads(status.output)
    assert data["state"] == "sent" and data["attachments"][0]["filename"] == "releve.csv"
    listing = run.invoke(app, ["status"])
    assert "Sent" in listing.output and "Relevé" in listing.output
    both = run.invoke(app, ["send", "--to", "a@b.fr", "--subject", "s", "--text", "t",
                            "--html", str(page)])
    assert both.exit_code == 2 and "either --text or --html" in both.output
    assert run.invoke(app, ["status", "99"]).exit_code == 1


def test_console_pages_show_states_decide_and_manage_subscriptions(
        mail_hub: Hub, gmail_sim: Simulator) -> None:
    from raccord.core.outbox import OutgoingMail, queue_mail
    from raccord.core.settings_store import SYSTEM

    mail_hub.settings.set("gmail", "business_rule_google_mail", False, SYSTEM)
    message_id = queue_mail(mail_hub, OutgoingMail(to=("a@client.fr",), subject="Relance",
                                                   text="t"), origin="test")
    mail_hub.jobs.run_pending()
    raise_alert(mail_hub, "bank:holder", interface="bank", severity="warning",
                message=Tr("Connexion bancaire à renouveler", "Bank connection to renew"))
    console = Console(mail_hub)
    listing = console.http.get("/mail", cookies={"lang": "en"}).text
    assert "Relance" in listing and "Failed" in listing and "Bank connection to renew" in listing
    page = console.http.get(f"/mail/{message_id}").text
    assert "GOOGLE_MAIL" in page and "Envoyer à nouveau" in page
    mail_hub.settings.set("gmail", "business_rule_google_mail", True, SYSTEM)
    console.post(f"/mail/{message_id}/resend", page=f"/mail/{message_id}")
    mail_hub.jobs.run_pending()
    assert "Envoyé" in console.http.get(f"/mail/{message_id}").text
    assert "Bank connection to renew" in console.http.get("/", cookies={"lang": "en"}).text
    console.post("/mail/alerts", {"email": "op@client.fr", "interface": "gmail",
                                  "severity": "error", "language": "en",
                                  "reminder_hours": "6"}, page="/mail/alerts")
    subscriptions = console.http.get("/mail/alerts").text
    assert "op@client.fr" in subscriptions and "Erreurs seulement" in subscriptions
    bad = console.post("/mail/alerts", {"email": "nope"}, page="/mail/alerts")
    assert "Adresse de courriel invalide" in bad.text
