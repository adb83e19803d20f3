"""The outbox sent through Gmail, against the simulator: what arrives, what is refused and
why, and Gmail's limits."""

from __future__ import annotations

from email import message_from_bytes, policy

from raccord.core.alerts import open_alerts
from raccord.core.hub import Hub
from raccord.core.outbox import Attachment, OutgoingMail, mail_state, queue_mail
from raccord.core.settings_store import SYSTEM
from raccord.core.simulator import Simulator
from raccord.interfaces.gmail.sandbox_key import SANDBOX_CLIENT_ID, SANDBOX_SENDER
from raccord.interfaces.gmail.simulator import restore_sandbox_key, revoke_sandbox_key
from tests.mail.conftest import send_now

RICH = OutgoingMail(
    to=("marie.dupont@client.fr",), cc=("compta@client.fr",), bcc=("archive@client.fr",),
    reply_to="support@raccord-demo.fr", subject="Facture F-12", text="Votre facture.",
    html="<p>Votre <b>facture</b>.</p>",
    attachments=(Attachment("F-12.pdf", "application/pdf", b"%PDF-1.7 test"),),
    reference="F-12")


def test_a_queued_mail_is_sent_once_with_its_parts(mail_hub: Hub, gmail_sim: Simulator) -> None:
    row = send_now(mail_hub, RICH, idempotency_key="invoice-F-12")
    assert row.state == "sent" and row.transport == "gmail" and row.attempts == 1
    [sent] = gmail_sim.state["sent"]
    assert row.remote_id == sent["id"] and sent["from"] == SANDBOX_SENDER
    assert set(sent["to"]) == {"marie.dupont@client.fr", "compta@client.fr",
                               "archive@client.fr"}
    message = message_from_bytes(sent["raw"], policy=policy.default)
    assert message["Message-ID"] == row.message_id and message["Reply-To"]
    assert message.get_body(("html",)).get_content().strip() == "<p>Votre <b>facture</b>.</p>"
    [part] = list(message.iter_attachments())
    assert part.get_filename() == "F-12.pdf" and part.get_content() == b"%PDF-1.7 test"
    # The same key again: nothing more is queued or sent.
    assert queue_mail(mail_hub, RICH, origin="test", idempotency_key="invoice-F-12") == row.id
    mail_hub.jobs.run_pending()
    assert len(gmail_sim.state["sent"]) == 1


def test_missing_delegation_fails_with_the_client_id_and_an_alert(mail_hub: Hub) -> None:
    mail_hub.settings.set("gmail", "sender", "compta@autre-domaine.fr", SYSTEM)
    row = send_now(mail_hub)
    assert row.state == "failed" and row.reason_tr is not None
    assert "delegation missing" in row.reason_tr.en and SANDBOX_CLIENT_ID in row.reason_tr.en
    [alert] = open_alerts(mail_hub, "gmail")
    assert alert.severity == "error" and "delegation" in alert.message.en


def test_a_missing_scope_is_named(mail_hub: Hub) -> None:
    mail_hub.settings.set("gmail", "search_sent", True, SYSTEM)  # asks gmail.readonly too
    row = send_now(mail_hub)
    assert row.state == "failed" and row.reason_tr is not None
    assert "gmail.readonly" in row.reason_tr.en


def test_a_revoked_key_fails_then_a_restored_one_sends_and_ends_the_alert(
        mail_hub: Hub, gmail_sim: Simulator) -> None:
    revoke_sandbox_key(gmail_sim)
    row = send_now(mail_hub)
    assert row.state == "failed" and "Invalid JWT Signature" in (row.reason_tr or "").en
    assert [a.key for a in open_alerts(mail_hub, "gmail")] == ["status:gmail"]
    restore_sandbox_key(gmail_sim)
    assert send_now(mail_hub).state == "sent"
    assert open_alerts(mail_hub, "gmail") == []


def test_the_daily_limit_holds_mail_for_the_next_day_with_a_warning(
        mail_hub: Hub, gmail_sim: Simulator) -> None:
    mail_hub.settings.set_many("gmail", {"daily_limit": 3, "near_limit_percent": 60}, SYSTEM)
    rows = [send_now(mail_hub) for _ in range(4)]
    assert [r.state for r in rows] == ["sent", "sent", "sent", "queued"]
    held = rows[-1]
    assert held.attempts == 0 and "Daily sending limit" in (held.reason_tr or "").en
    [alert] = open_alerts(mail_hub, "gmail")
    assert alert.severity == "warning" and alert.key == f"quota:gmail:{SANDBOX_SENDER}"
    assert "Daily sending limit" in alert.message.en
    # raccord's limiter stopped it: Gmail itself never had to refuse.
    assert len(gmail_sim.state["sent"]) == 3
    assert gmail_sim.state["limits"].refused == {"rate": 0, "daily": 0}


def test_gmail_refusing_over_its_own_limit_is_retried_later(
        mail_hub: Hub, gmail_sim: Simulator) -> None:
    gmail_sim.state["limits"].daily_sends = 0
    row = send_now(mail_hub)
    assert row.state == "queued" and row.attempts == 1 and row.next_attempt_at is not None
    assert "HTTP 429" in (row.reason_tr or "").en or "limit" in (row.reason_tr or "").en


def test_an_attachment_over_gmail_size_limit_is_refused_before_sending(
        mail_hub: Hub, gmail_sim: Simulator) -> None:
    big = Attachment("scan.tif", "image/tiff", b"\0" * (20 * 1024 * 1024))
    row = send_now(mail_hub, OutgoingMail(to=("a@client.fr",), subject="Scan", text="Voir PJ",
                                          attachments=(big,)))
    assert row.state == "failed" and "above 25 MB" in (row.reason_tr or "").en
    assert gmail_sim.state["sent"] == [] and gmail_sim.counts == {} or not any(
        "messages/send" in k for k in gmail_sim.counts)
    assert open_alerts(mail_hub, "gmail") == []  # the message's own fault, not Gmail's


def test_gmail_is_refused_without_the_business_rule(mail_hub: Hub, gmail_sim: Simulator) -> None:
    mail_hub.settings.set("gmail", "business_rule_google_mail", False, SYSTEM)
    row = send_now(mail_hub)
    assert row.state == "failed" and "GOOGLE_MAIL must be on" in (row.reason_tr or "").en
    assert gmail_sim.state["sent"] == []


def test_smtp_chosen_without_a_server_says_what_to_fill(mail_hub: Hub,
                                                        gmail_sim: Simulator) -> None:
    mail_hub.settings.set("gmail", "mail_application", "smtp", SYSTEM)
    row = send_now(mail_hub)
    assert row.state == "failed" and "SMTP host" in (row.reason_tr or "").en
    assert gmail_sim.state["sent"] == []
    assert mail_state(mail_hub, row.id) is not None


def test_the_key_file_is_checked_again_when_it_changes(mail_hub: Hub) -> None:
    from pathlib import Path

    from raccord.features.mail.keywatch import KEY_ALERT, watch_gmail_key

    key = Path(mail_hub.values("gmail")["key_path"])
    assert watch_gmail_key(mail_hub) == {"key_checked": 1}
    assert watch_gmail_key(mail_hub) == {}  # unchanged: not read again
    good = key.read_text()
    # The key's PEM as written in the JSON file (its line breaks escaped), damaged.
    key.write_text(good.replace("PRIVATE KEY-----\\n", "PRIVATE KEY-----\\nAAAA", 1))
    assert watch_gmail_key(mail_hub) == {"key_checked": 1, "key_broken": 1}
    [alert] = open_alerts(mail_hub, "gmail")
    assert alert.key == KEY_ALERT and "cannot be read" in alert.message.en
    key.write_text(good)
    watch_gmail_key(mail_hub)
    assert open_alerts(mail_hub, "gmail") == []
