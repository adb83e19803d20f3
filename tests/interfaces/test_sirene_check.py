from raccord.core.hub import Hub
from raccord.core.settings_store import SYSTEM
from raccord.interfaces.sirene.simulator import UNSUBSCRIBED_KEY
from raccord.sandbox.setup import Sandbox


def test_sirene_test_passes_against_the_sandbox(sandboxed_hub: Hub) -> None:
    [report] = sandboxed_hub.run_tests("sirene")
    assert report.ok, report.summary("en")


def test_sirene_test_names_a_refused_key(sandboxed_hub: Hub) -> None:
    sandboxed_hub.settings.set("sirene", "token", "wrong-key", SYSTEM)
    [report] = sandboxed_hub.run_tests("sirene")
    assert not report.ok
    assert "401" in report.summary("en") and "portail-api.insee.fr" in report.summary("en")


def test_sirene_test_says_not_subscribed_on_403(sandboxed_hub: Hub) -> None:
    sandboxed_hub.settings.set("sirene", "token", UNSUBSCRIBED_KEY, SYSTEM)
    [report] = sandboxed_hub.run_tests("sirene")
    assert "not subscribed" in report.summary("en")


def test_sirene_test_asks_for_the_missing_key(hub: Hub) -> None:
    [report] = hub.run_tests("sirene")
    assert not report.ok
    assert "SIRENE API key" in report.summary("en")


def test_unknown_authority_then_import_fixes_it_without_restart(sandboxed_hub: Hub,
                                                                sandbox: Sandbox) -> None:
    for cert in sandboxed_hub.trust.list():
        sandboxed_hub.trust.remove(cert.fingerprint)
    [report] = sandboxed_hub.run_tests("sirene")
    assert not report.ok
    failed = report.failure
    assert failed is not None and failed.link == "/certificates"
    assert "certificate authority" in report.summary("en")
    sandboxed_hub.trust.add(sandbox.ca.ca_pem.read_bytes(), "admin")
    [report] = sandboxed_hub.run_tests("sirene")
    assert report.ok
