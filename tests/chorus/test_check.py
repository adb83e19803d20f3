"""The CHORUS PRO Test against the simulator: what an administrator reads when it fails."""

from __future__ import annotations

from raccord.core.hub import Hub
from raccord.core.settings_store import SYSTEM, company_scope
from raccord.interfaces.chorus.client import ChorusClient
from raccord.interfaces.chorus.simulator import UNSUBSCRIBED_CLIENT_ID, ChorusSimulator
from raccord.sandbox.setup import Sandbox


def chorus_sim(sandbox: Sandbox) -> ChorusSimulator:
    sim = sandbox.simulators["chorus"]
    assert isinstance(sim, ChorusSimulator)
    return sim


def test_chorus_test_passes_against_the_sandbox(sandboxed_hub: Hub) -> None:
    [report] = sandboxed_hub.run_tests("chorus")
    assert report.ok, report.summary("en")
    notes = " ".join(n.en for n in report.notes)
    assert "90243187300014" in notes  # the DEMO company's structure, seen through cpro-account
    assert "Warning" not in notes


def test_a_wrong_piste_secret_is_named(sandboxed_hub: Hub) -> None:
    sandboxed_hub.settings.set("chorus", "piste_client_secret", "not-the-secret", SYSTEM,
                               scope=company_scope("DEMO"))
    [report] = sandboxed_hub.run_tests("chorus")
    assert not report.ok
    assert "PISTE client id or secret refused" in report.summary("en")
    assert "not-the-secret" not in report.summary("en")


def test_a_wrong_technical_account_password_is_named(sandboxed_hub: Hub) -> None:
    sandboxed_hub.settings.set("chorus", "cpro_password", "wrong-password", SYSTEM,
                               scope=company_scope("DEMO"))
    [report] = sandboxed_hub.run_tests("chorus")
    assert not report.ok
    summary = report.summary("en")
    assert "technical account login/password refused (cpro-account" in summary
    assert "wrong-password" not in summary


def test_an_unsubscribed_piste_application_is_named(sandboxed_hub: Hub) -> None:
    sandboxed_hub.settings.set("chorus", "piste_client_id", UNSUBSCRIBED_CLIENT_ID, SYSTEM,
                               scope=company_scope("DEMO"))
    [report] = sandboxed_hub.run_tests("chorus")
    assert not report.ok
    assert "not subscribed to the CHORUS PRO APIs" in report.summary("en")
    assert "403" in report.summary("en")


def test_the_portal_quota_is_named_with_its_wait(sandboxed_hub: Hub,
                                                 sandbox: Sandbox) -> None:
    sandboxed_hub.settings.set("chorus", "max_attempts", 1, SYSTEM)
    chorus_sim(sandbox).faults.force_429 = 5
    chorus_sim(sandbox).faults.retry_after_s = 7
    [report] = sandboxed_hub.run_tests("chorus")
    assert not report.ok
    summary = report.summary("en")
    assert "quota" in summary and "429" in summary and "7 s" in summary


def test_missing_company_credentials_are_listed(hub: Hub) -> None:
    hub.accounts.add_company("ACME", "Acme SA")
    hub.settings.set_many("chorus", {"company_code": "ACME"}, SYSTEM)
    [report] = hub.run_tests("chorus")
    assert not report.ok
    summary = report.summary("en")
    assert "CHORUS PRO technical account" in summary and "PISTE application" in summary


def test_an_expired_token_is_renewed_once(sandboxed_hub: Hub, sandbox: Sandbox) -> None:
    sim = chorus_sim(sandbox)
    with ChorusClient(sandboxed_hub) as client:
        client.active_supplier_structures()
        tokens_before = sim.counts["POST /chorus/api/oauth/token"]
        sim.expire_tokens()
        structures = client.active_supplier_structures()
    assert structures
    assert sim.counts["POST /chorus/api/oauth/token"] == tokens_before + 1
