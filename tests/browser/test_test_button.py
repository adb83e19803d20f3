"""The Test buttons against the sandbox, and the certificate flow they lead to (no restart)."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import expect

from raccord.core.hub import Hub
from raccord.core.trust import parse_certificate
from raccord.sandbox.setup import Sandbox
from raccord.toolkit.texts import TEXTS
from tests.browser_fixtures import Console

pytestmark = pytest.mark.browser

UNKNOWN_AUTHORITY = {"fr": "autorité de certification inconnue",
                     "en": "certificate authority raccord does not know"}


def press_test(console: Console, name: str, test: str, ok: bool) -> None:
    console.open_screen(name)
    console.press_test(test)
    result = console.page.locator(".report[data-test-result]")
    expect(result).to_have_count(1)
    expect(result).to_have_attribute("data-test-result", "ok" if ok else "failed")
    expect(result.locator("strong")).to_contain_text(
        console.text(TEXTS["test_ok" if ok else "test_failed"]))


def test_test_passes_then_fails_without_the_ca_then_passes_once_imported(
        sandboxed_hub: Hub, sandbox: Sandbox, operator: Console, tmp_path: Path) -> None:
    page = operator.page
    press_test(operator, "sirene", "api", ok=True)
    press_test(operator, "google", "places", ok=True)
    places = sandboxed_hub.interfaces["google"].tests[0]
    expect(page.locator(".report strong")).to_contain_text(places.label(operator.lang))

    # Remove the sandbox's authority from the console's Certificates page.
    ca = parse_certificate(sandbox.ca.ca_pem.read_bytes())
    operator.open_screen("certificates")
    row = page.locator("#certificates tr", has_text=ca.fingerprint)
    row.locator("button").click()
    # First what depends on it: the interfaces whose servers this authority signs.
    sirene_title = sandboxed_hub.interfaces["sirene"].schema.title(operator.lang)
    expect(page.locator("#consequences")).to_contain_text(sirene_title)
    page.click("#confirm")
    expect(page.locator("#field-certificate [role=status]")).to_have_text(
        operator.text(TEXTS["removed"]))
    expect(page.locator("#certificates")).to_have_count(0)

    press_test(operator, "sirene", "api", ok=False)
    failed_step = page.locator(".report li.failed")
    expect(failed_step).to_have_count(1)
    expect(failed_step).to_contain_text(UNKNOWN_AUTHORITY[operator.lang])
    link = failed_step.locator("a[href='/certificates']")
    expect(link).to_have_text(operator.text(TEXTS["open_certificates"]))
    assert sandboxed_hub.values("sirene")["token"] not in page.content()
    shot = tmp_path / f"failed-test-{operator.lang}.png"
    page.screenshot(path=str(shot), full_page=True)
    assert shot.stat().st_size > 10_000

    link.click()
    expect(page.locator("main h1")).to_have_text(
        sandboxed_hub.interfaces["certificates"].schema.title(operator.lang))
    page.set_input_files("#certificate-file", str(sandbox.ca.ca_pem))
    page.locator("#field-certificate button[type=submit]").click()
    expect(page.locator("#field-certificate [role=status]")).to_have_text(
        operator.text(TEXTS["imported"]))
    expect(page.locator("#certificates tr", has_text=ca.fingerprint)).to_have_count(1)

    # Importing it re-tested what was failing: no one has to press Test again.
    operator.open_screen("sirene")
    expect(page.locator("main .banner")).to_have_count(0)
    page.click("nav a[href='/']")
    expect(page.locator("#dashboard tr[data-interface=sirene]")).to_have_attribute(
        "data-level", "ok")
    press_test(operator, "sirene", "api", ok=True)


@pytest.mark.parametrize("lang", ["fr"])
def test_a_corrupt_certificate_file_is_refused_in_place(operator: Console,
                                                        tmp_path: Path) -> None:
    bogus = tmp_path / "not-a-certificate.pem"
    bogus.write_text("-----BEGIN CERTIFICATE-----\nnot base64 at all\n-----END CERTIFICATE-----\n")
    operator.open_screen("certificates")
    operator.page.set_input_files("#certificate-file", str(bogus))
    operator.page.locator("#field-certificate button[type=submit]").click()
    expect(operator.page.locator("#field-certificate [role=alert]")).to_be_visible()
    expect(operator.page.locator("#certificates")).to_have_count(0)
    assert operator.hub.trust.list() == []
