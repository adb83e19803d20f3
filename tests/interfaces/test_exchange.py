"""The Exchange Test against the Microsoft 365 simulator: Graph (app-only token) and EWS
(delegation, impersonation, OAuth), and the plain words of each way it can fail."""

from __future__ import annotations

from typing import Any

import pytest

from raccord.core.diagnosis import Problem, ServiceError
from raccord.core.hub import Hub
from raccord.core.settings_store import SYSTEM
from raccord.core.simulator import Faults
from raccord.interfaces import base
from raccord.interfaces.exchange import sim_directory as tenant
from raccord.interfaces.exchange.client import ExchangeClient
from raccord.sandbox.setup import Sandbox

EWS = {"graph": False}


def run(hub: Hub, **changes: Any) -> base.TestReport:
    if changes:
        hub.settings.set_many("exchange", changes, SYSTEM)
    [report] = hub.run_tests("exchange")
    return report


def failure(hub: Hub, **changes: Any) -> str:
    report = run(hub, **changes)
    assert not report.ok
    return report.summary("en")


@pytest.mark.parametrize("mode", [
    {},
    EWS,
    {**EWS, "impersonation": True},
    {**EWS, "oauth": True},
], ids=["graph", "ews-delegate", "ews-impersonation", "ews-oauth"])
def test_test_opens_the_test_users_calendar(sandboxed_hub: Hub, mode: dict[str, Any]) -> None:
    report = run(sandboxed_hub, **mode)
    assert report.ok, report.summary("en")
    assert any(tenant.TEST_USER in note.en for note in report.notes)


def test_graph_reads_the_calendar_with_a_bearer_token(sandboxed_hub: Hub,
                                                      sandbox: Sandbox) -> None:
    opened = ExchangeClient(sandboxed_hub).open_calendar(tenant.OTHER_USER)
    assert (opened.name, opened.through) == ("Calendar", "graph")
    counts = sandbox.simulators["exchange"].counts
    assert counts[f"GET /exchange/v1.0/users/{tenant.OTHER_USER}/calendar"] == 1


@pytest.mark.parametrize("secret", ["not-the-secret", tenant.EXPIRED_SECRET],
                         ids=["wrong", "expired"])
def test_a_refused_client_secret_says_create_a_new_one(sandboxed_hub: Hub, secret: str) -> None:
    summary = failure(sandboxed_hub, client_secret=secret)
    assert "the client secret is wrong or expired: create a new one in Entra ID" in summary
    assert secret not in summary


def test_expired_secret_is_named_with_entras_code(sandboxed_hub: Hub) -> None:
    assert "AADSTS7000222" in failure(sandboxed_hub, client_secret=tenant.EXPIRED_SECRET)


def test_unknown_application_and_tenant_are_named(sandboxed_hub: Hub) -> None:
    assert "No application with ID" in failure(sandboxed_hub, client_id="0" * 8)
    assert "unknown to Microsoft" in failure(sandboxed_hub, client_id=tenant.CLIENT_ID,
                                             tenant_id="contoso-typo.onmicrosoft.com")


def test_missing_admin_consent_names_the_permission(sandboxed_hub: Hub) -> None:
    summary = failure(sandboxed_hub, client_id=tenant.NO_CONSENT_CLIENT_ID)
    assert "403" in summary and "Calendars.ReadWrite" in summary
    assert "Grant admin consent" in summary


@pytest.mark.parametrize("mailbox", ["nobody@contoso.com", tenant.NO_MAILBOX_USER])
def test_unknown_mailbox_asks_to_correct_the_user_to_test(sandboxed_hub: Hub,
                                                          mailbox: str) -> None:
    summary = failure(sandboxed_hub, test_user=mailbox)
    assert f"mailbox '{mailbox}' cannot be found" in summary


def test_wrong_graph_and_login_paths_name_the_url_to_check(sandboxed_hub: Hub,
                                                           sandbox: Sandbox) -> None:
    base = sandbox.url("exchange")
    summary = failure(sandboxed_hub, graph_url=f"{base}/v2.0")
    assert "404" in summary and "Microsoft Graph URL" in summary
    summary = failure(sandboxed_hub, graph_url=f"{base}/v1.0", login_url=f"{base}/oauth")
    assert "404" in summary and "Microsoft login URL" in summary


def test_server_errors_say_try_later_and_one_blip_is_retried(sandboxed_hub: Hub,
                                                             sandbox: Sandbox) -> None:
    sim = sandbox.simulators["exchange"]
    sim.faults = Faults(error_rate=1.0, error_status=503)
    summary = failure(sandboxed_hub)
    assert "HTTP 503" in summary and "try again later" in summary
    sim.faults = Faults(fail_next=1, fail_status=502)
    assert run(sandboxed_hub).ok


def test_ews_wrong_password(sandboxed_hub: Hub) -> None:
    summary = failure(sandboxed_hub, **EWS, password="wrong")
    assert "401" in summary and tenant.DELEGATE_USER in summary and "password" in summary


def test_ews_wrong_path_and_server_error(sandboxed_hub: Hub, sandbox: Sandbox) -> None:
    base = sandbox.url("exchange")
    summary = failure(sandboxed_hub, **EWS, ews_url=f"{base}/EWS/Exchange.asmx.old")
    assert "404" in summary and "/EWS/Exchange.asmx" in summary
    sandbox.simulators["exchange"].faults = Faults(error_rate=1.0, error_status=500)
    assert "HTTP 500" in failure(sandboxed_hub, ews_url=f"{base}/ews/exchange.asmx")


def test_ews_server_error_after_connecting_is_reported(sandboxed_hub: Hub,
                                                       sandbox: Sandbox) -> None:
    sandboxed_hub.settings.set_many("exchange", EWS, SYSTEM)
    ews = ExchangeClient(sandboxed_hub).ews()
    assert ews.reach() == "basic"
    sandbox.simulators["exchange"].faults = Faults(error_rate=1.0, error_status=503)
    with pytest.raises(ServiceError) as caught:
        ews.open_calendar(tenant.TEST_USER)
    assert caught.value.diagnosis.problem is Problem.SERVER


def test_ews_unknown_mailbox(sandboxed_hub: Hub) -> None:
    for impersonation in (False, True):
        summary = failure(sandboxed_hub, **EWS, impersonation=impersonation,
                          test_user="nobody@contoso.com")
        assert "No mailbox 'nobody@contoso.com'" in summary


def test_ews_rights_missing_say_which_right(sandboxed_hub: Hub) -> None:
    summary = failure(sandboxed_hub, **EWS, test_user=tenant.PRIVATE_USER)
    assert "full access delegation" in summary
    summary = failure(sandboxed_hub, impersonation=True, test_user=tenant.TEST_USER,
                      delegate_user=tenant.PLAIN_USER, password=tenant.PLAIN_PASSWORD)
    assert "ApplicationImpersonation" in summary


def test_ews_oauth_without_exchange_permission(sandboxed_hub: Hub) -> None:
    summary = failure(sandboxed_hub, **EWS, oauth=True, client_id=tenant.NO_CONSENT_CLIENT_ID)
    assert "full_access_as_app" in summary


def test_ews_checks_certificates_with_the_trust_store(sandboxed_hub: Hub) -> None:
    sandboxed_hub.settings.set_many("exchange", EWS, SYSTEM)
    ews = ExchangeClient(sandboxed_hub).ews()
    ews.reach()
    for cert in sandboxed_hub.trust.list():
        sandboxed_hub.trust.remove(cert.fingerprint)
    with pytest.raises(ServiceError) as caught:
        ews.open_calendar(tenant.TEST_USER)
    assert caught.value.diagnosis.problem is Problem.TLS_UNKNOWN_CA


def test_configuration_step_names_what_the_chosen_mode_needs(hub: Hub) -> None:
    hub.settings.set_many("exchange", {"test_user": tenant.TEST_USER}, SYSTEM)
    summary = failure(hub)
    assert "Delegate user" in summary and "Password" in summary
    hub.settings.set_many("exchange", {"graph": True, "tenant_id": "t", "client_id": "c",
                                       "client_secret": "s", "graph_url": ""}, SYSTEM)
    assert "Microsoft Graph URL" in failure(hub)
