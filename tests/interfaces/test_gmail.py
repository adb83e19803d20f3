import json
from pathlib import Path

import pytest
from sqlalchemy import select

from raccord.core.diagnosis import Problem, ServiceError
from raccord.core.hub import Hub
from raccord.core.models import CallLog
from raccord.core.schema import SettingError
from raccord.core.settings_store import SYSTEM
from raccord.interfaces.gmail.client import send_mail
from raccord.interfaces.gmail.sandbox_key import (
    SANDBOX_CLIENT_ID,
    SANDBOX_DOMAIN,
    key_info,
    new_private_key,
    write_key_file,
)
from raccord.interfaces.gmail.simulator import NO_GMAIL_USER
from raccord.sandbox.setup import Sandbox


def summary(hub: Hub) -> str:
    [report] = hub.run_tests("gmail")
    assert not report.ok
    return report.summary("en")


def test_gmail_test_passes_against_the_sandbox(sandboxed_hub: Hub) -> None:
    [report] = sandboxed_hub.run_tests("gmail")
    assert report.ok, report.summary("en")
    assert any("limited to sending" in n.en for n in report.notes)


def test_send_mail_delivers_an_rfc822_message(sandboxed_hub: Hub, sandbox: Sandbox) -> None:
    message_id = send_mail(sandboxed_hub, "marie.dupont@client.fr", "Note de frais n°12",
                           "Bonjour,\nvotre note de frais est validée.")
    [sent] = sandbox.simulators["gmail"].state["sent"]
    assert sent["id"] == message_id and sent["to"] == ["marie.dupont@client.fr"]
    assert sent["subject"] == "Note de frais n°12" and "validée" in sent["body"]


def test_the_missing_precondition_is_named(sandboxed_hub: Hub) -> None:
    sandboxed_hub.settings.set("gmail", "business_rule_google_mail", False, SYSTEM)
    text = summary(sandboxed_hub)
    assert "GOOGLE_MAIL must be on" in text and "Gmail must be the mail application" not in text
    sandboxed_hub.settings.set("gmail", "mail_application", "smtp", SYSTEM)
    assert "GOOGLE_MAIL must be on" in summary(sandboxed_hub)
    assert "Gmail must be the mail application" in summary(sandboxed_hub)
    with pytest.raises(ServiceError) as caught:
        send_mail(sandboxed_hub, "a@client.fr", "s", "b")
    assert caught.value.diagnosis.problem is Problem.DISABLED
    assert "GOOGLE_MAIL" in caught.value.diagnosis.message.fr


def test_a_key_signed_by_an_unknown_key_is_told(sandboxed_hub: Hub, sandbox: Sandbox,
                                                tmp_path: Path) -> None:
    token_uri = sandbox.url("gmail") + "/token"
    replaced = write_key_file(tmp_path / "old-key.json", key_info(new_private_key(), token_uri))
    sandboxed_hub.settings.set("gmail", "key_path", str(replaced), SYSTEM)
    text = summary(sandboxed_hub)
    assert "Invalid JWT Signature" in text and "deleted or replaced" in text


def test_missing_delegation_names_the_client_id(sandboxed_hub: Hub) -> None:
    sandboxed_hub.settings.set("gmail", "sender", "compta@autre-domaine.fr", SYSTEM)
    text = summary(sandboxed_hub)
    assert "delegation missing" in text and SANDBOX_CLIENT_ID in text


def test_a_sender_unknown_to_the_domain_is_told(sandboxed_hub: Hub) -> None:
    sandboxed_hub.settings.set("gmail", "sender", f"personne@{SANDBOX_DOMAIN}", SYSTEM)
    assert "is not a user of the Google Workspace domain" in summary(sandboxed_hub)


def test_a_mailbox_without_gmail_cannot_send(sandboxed_hub: Hub) -> None:
    sandboxed_hub.settings.set("gmail", "sender", NO_GMAIL_USER, SYSTEM)
    with pytest.raises(ServiceError) as caught:
        send_mail(sandboxed_hub, "a@client.fr", "s", "b")
    assert "Google Workspace user with Gmail on" in caught.value.diagnosis.message.en


def test_gmail_api_not_enabled_is_told(sandboxed_hub: Hub, sandbox: Sandbox) -> None:
    sandbox.simulators["gmail"].state["api_enabled"] = False
    try:
        assert "Gmail API is not enabled in the Google Cloud project" in summary(sandboxed_hub)
    finally:
        sandbox.simulators["gmail"].state["api_enabled"] = True


def test_wrong_api_path_is_told(sandboxed_hub: Hub, sandbox: Sandbox) -> None:
    sandboxed_hub.settings.set("gmail", "api_url", sandbox.url("gmail") + "/v2", SYSTEM)
    text = summary(sandboxed_hub)
    assert "HTTP 404" in text and "/v2/gmail/v1/users/" in text


def test_server_error_is_told(sandboxed_hub: Hub, sandbox: Sandbox) -> None:
    faults = sandbox.simulators["gmail"].faults
    faults.fail_next, faults.fail_status = 1, 503
    text = summary(sandboxed_hub)
    assert "Google token" in text and "The service is failing (HTTP 503)" in text


def test_key_file_is_checked_at_save_and_at_test(sandboxed_hub: Hub, tmp_path: Path) -> None:
    not_a_key = tmp_path / "gmail.json"
    not_a_key.write_text(json.dumps({"type": "authorized_user"}))
    with pytest.raises(SettingError) as refused:
        sandboxed_hub.settings.set("gmail", "key_path", str(not_a_key), SYSTEM)
    assert "service_account" in refused.value.message.en
    Path(sandboxed_hub.values("gmail")["key_path"]).rename(tmp_path / "moved.json")
    assert "does not exist on the server" in summary(sandboxed_hub)


def test_the_signed_assertion_and_token_stay_out_of_the_call_log(sandboxed_hub: Hub) -> None:
    send_mail(sandboxed_hub, "a@client.fr", "s", "b")
    with sandboxed_hub.db.session() as session:
        rows = session.scalars(select(CallLog).where(CallLog.interface == "gmail")).all()
        logged = " ".join(f"{r.url} {r.error or ''}" for r in rows)
    assert len(rows) == 2 and "eyJ" not in logged and "ya29." not in logged


def test_missing_key_is_asked_for(hub: Hub) -> None:
    hub.settings.set_many("gmail", {"business_rule_google_mail": True,
                                    "mail_application": "gmail"}, SYSTEM)
    assert "Gmail connection key" in summary(hub)


def test_a_key_whose_token_uri_is_plain_http_is_refused(sandboxed_hub: Hub,
                                                        tmp_path: Path) -> None:
    sandboxed_hub.settings.clear("gmail", "token_url", SYSTEM)
    key = write_key_file(tmp_path / "k.json",
                         key_info(new_private_key(), "http://tokens.example.net/token"))
    sandboxed_hub.settings.set("gmail", "key_path", str(key), SYSTEM)
    assert "is not an https:// address" in summary(sandboxed_hub)
