"""`raccord serve --sandbox`: every interface points at its simulator and every Test is green;
without the sandbox CA, the same Tests fail with the TLS diagnosis."""

from __future__ import annotations

import pytest

from raccord.core.hub import Hub
from raccord.sandbox.setup import DEMO_COMPANY

TESTED = ["chorus", "ocr", "sirene", "exchange", "signature", "bank", "gmail", "google"]


def test_the_sandbox_creates_the_demo_company_and_technical_user(sandboxed_hub: Hub) -> None:
    assert sandboxed_hub.accounts.company(DEMO_COMPANY[0]) is not None
    bot = sandboxed_hub.accounts.get("raccord-bot")
    assert bot is not None and bot.technical


@pytest.mark.parametrize("interface", TESTED)
def test_every_test_is_green_against_the_sandbox(sandboxed_hub: Hub, interface: str) -> None:
    reports = sandboxed_hub.run_tests(interface)
    assert reports, f"{interface} has no Test"
    for report in reports:
        assert report.ok, f"{interface}.{report.test}: {report.summary('en')}"
    status = sandboxed_hub.status(interface)
    assert status is not None and status.ok


@pytest.mark.parametrize("interface", ["sirene", "signature", "bank", "google", "chorus"])
def test_without_the_sandbox_ca_the_test_names_the_unknown_authority(
        sandboxed_hub: Hub, interface: str) -> None:
    for cert in sandboxed_hub.trust.list():
        sandboxed_hub.trust.remove(cert.fingerprint)
    for report in sandboxed_hub.run_tests(interface):
        failed = report.failure
        assert failed is not None, f"{interface} passed without the CA"
        assert failed.link == "/certificates", report.summary("en")
        assert "certificate authority" in report.summary("en")
    status = sandboxed_hub.status(interface)
    assert status is not None and not status.ok

