"""The SMTP path against a real SMTP server (aiosmtpd): the TLS modes, authentication, the
Test button, and what a refusal means for the message."""

from __future__ import annotations

from collections.abc import Iterator
from email import message_from_bytes, policy

import pytest

from raccord.core.hub import Hub
from raccord.core.outbox import OutgoingMail
from raccord.core.settings_store import SYSTEM
from raccord.sandbox.setup import Sandbox
from tests.mail.conftest import send_now
from tests.mail.smtp_server import PASSWORD, USER, Catcher, start_smtp


def use_smtp(hub: Hub, port: int, mode: str, password: str = PASSWORD) -> None:
    hub.settings.set("gmail", "mail_application", "smtp", SYSTEM)
    hub.settings.set_many("smtp", {"host": "localhost", "port": port, "tls_mode": mode,
                                   "username": USER, "password": password,
                                   "sender": "raccord@client.fr", "timeout_s": 5}, SYSTEM)


@pytest.fixture(params=["starttls", "tls"])
def smtp(request: pytest.FixtureRequest, sandbox: Sandbox,
         sandboxed_hub: Hub) -> Iterator[tuple[Hub, Catcher]]:
    controller, catcher = start_smtp(sandbox.ca, request.param)
    use_smtp(sandboxed_hub, controller.port, request.param)
    yield sandboxed_hub, catcher
    controller.stop()


def test_mail_goes_through_smtp_with_bcc_kept_out_of_the_headers(
        smtp: tuple[Hub, Catcher]) -> None:
    hub, catcher = smtp
    row = send_now(hub, OutgoingMail(to=("marie@client.fr",), bcc=("archive@client.fr",),
                                     subject="Relevé bancaire", text="Ci-joint.",
                                     html="<p>Ci-joint.</p>"))
    assert row.state == "sent", row.reason
    assert row.transport == "smtp" and "queued as 4FQ2X1" in (
        row.remote_id or "")
    [got] = catcher.messages
    assert got["from"] == "raccord@client.fr"
    assert got["rcpt"] == ["marie@client.fr", "archive@client.fr"]
    message = message_from_bytes(got["data"], policy=policy.default)
    assert message["Bcc"] is None and message["Message-ID"] == row.message_id
    [report] = hub.run_tests("smtp")
    assert report.ok, report.summary("en")


def test_a_wrong_password_fails_the_test_and_the_mail(sandbox: Sandbox,
                                                      sandboxed_hub: Hub) -> None:
    controller, catcher = start_smtp(sandbox.ca, "starttls")
    try:
        use_smtp(sandboxed_hub, controller.port, "starttls", password="wrong")
        [report] = sandboxed_hub.run_tests("smtp")
        assert not report.ok and "refuses the username or password" in report.summary("en")
        row = send_now(sandboxed_hub)
        assert row.state == "failed" and catcher.messages == []
        assert "wrong" not in str(row.reason) and PASSWORD not in str(row.reason)
    finally:
        controller.stop()


def test_a_temporary_refusal_is_retried_and_then_sent(sandbox: Sandbox,
                                                      sandboxed_hub: Hub) -> None:
    controller, catcher = start_smtp(sandbox.ca, "starttls")
    try:
        use_smtp(sandboxed_hub, controller.port, "starttls")
        catcher.fail_data = 451
        row = send_now(sandboxed_hub)
        assert row.state == "queued" and row.attempts == 1 and "451" in (row.reason_tr or "").en
        sandboxed_hub.jobs.run_pending(include_scheduled=True)
        from raccord.core.outbox import mail_state

        again = mail_state(sandboxed_hub, row.id)
        assert again is not None and again.state == "queued"  # not due yet: not sent early
        with sandboxed_hub.db.session() as session:
            from raccord.core.outbox import MailMessage

            session.get(MailMessage, row.id).next_attempt_at = None  # type: ignore[union-attr]
        sandboxed_hub.jobs.enqueue("mail.send", message_id=row.id)
        sandboxed_hub.jobs.run_pending()
        done = mail_state(sandboxed_hub, row.id)
        assert done is not None and done.state == "sent" and done.attempts == 2
        assert len(catcher.messages) == 1
    finally:
        controller.stop()


def test_plain_smtp_without_tls_on_a_trusted_network(sandbox: Sandbox,
                                                     sandboxed_hub: Hub) -> None:
    controller, catcher = start_smtp(sandbox.ca, "none", auth=False)
    try:
        use_smtp(sandboxed_hub, controller.port, "none")
        sandboxed_hub.settings.clear("smtp", "username", SYSTEM)
        assert send_now(sandboxed_hub).state == "sent" and len(catcher.messages) == 1
    finally:
        controller.stop()
