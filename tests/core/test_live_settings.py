"""Settings are live: the next call uses what was just saved, in this process and in every
other one (console, workers), with no restart; and so do imported certificate authorities."""

from __future__ import annotations

from raccord.core.hub import Hub
from raccord.core.roles import Role
from raccord.core.settings_store import SYSTEM
from raccord.sandbox.setup import Sandbox
from raccord.wiring import open_hub
from tests.core.helpers import PASSWORD, Browser


def test_the_next_test_uses_the_url_just_saved(sandboxed_hub: Hub, sandbox: Sandbox) -> None:
    hub = sandboxed_hub
    [report] = hub.run_tests("sirene")
    assert report.ok
    hub.settings.set("sirene", "url", sandbox.url("sirene") + "/wrong-path", SYSTEM)
    [report] = hub.run_tests("sirene")
    assert not report.ok and "404" in report.summary("en")
    hub.settings.set("sirene", "url", sandbox.url("sirene"), SYSTEM)
    [report] = hub.run_tests("sirene")
    assert report.ok, report.summary("en")


def test_a_value_saved_by_one_process_is_used_by_another_at_once(sandboxed_hub: Hub) -> None:
    worker = sandboxed_hub  # e.g. `raccord worker`, already running
    console = open_hub(worker.env)  # e.g. `raccord serve`, on the same installation
    console.settings.set("sirene", "token", "typed-in-the-console", SYSTEM)
    [report] = worker.run_tests("sirene")
    assert not report.ok and "401" in report.summary("en")
    status = console.status("sirene")  # the worker's outcome shows in the console
    assert status is not None and not status.ok and status.source == "test"


def test_the_certificate_flow_through_the_console_needs_no_restart(sandboxed_hub: Hub,
                                                                   sandbox: Sandbox) -> None:
    hub = sandboxed_hub
    hub.accounts.add_user("olga", PASSWORD, Role.OPERATOR)
    browser = Browser(hub).login("olga")
    browser.client.cookies.set("lang", "en")
    [authority] = hub.trust.list()
    asked = browser.post(f"/certificates/{authority.fingerprint}/remove")
    # What depends on it is said first: the sandbox's interfaces reach servers it signed.
    assert asked.status_code == 200 and "SIRENE" in asked.text
    assert "unknown certificate authority" in asked.text
    assert browser.post(f"/certificates/{authority.fingerprint}/remove",
                        {"confirmed": "yes"}).status_code == 303
    # The dashboard follows at once, with no Test pressed: the probe re-tested them.
    dashboard = browser.get("/").text
    assert 'data-interface="sirene" data-level="failed"' in dashboard
    failed = browser.post("/interfaces/sirene/test", {"which": "api"})
    assert 'data-test-result="failed"' in failed.text
    assert "certificate authority" in failed.text and 'href="/certificates"' in failed.text
    banner = browser.get("/interfaces/sirene").text
    assert 'class="banner bad"' in banner  # the failing interface shows a banner
    imported = browser.post("/certificates", files={"file": ("sandbox-ca.pem",
                                                             sandbox.ca.ca_pem.read_bytes())})
    assert imported.status_code == 303
    passed = browser.post("/interfaces/sirene/test", {"which": "api"})
    assert 'data-test-result="ok"' in passed.text
    assert 'class="banner bad"' not in browser.get("/interfaces/sirene").text
