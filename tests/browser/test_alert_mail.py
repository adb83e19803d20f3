"""A person trying the sandbox: subscribes to alerts, breaks an interface's key, sees the
alert on the dashboard and its mail in the sandbox mailbox, mends the key, and reads the
closing mail."""

from __future__ import annotations

from datetime import timedelta

import pytest
from playwright.sync_api import Page, expect

from raccord.core.alerts import AlertRow
from raccord.core.hub import Hub
from raccord.features.mail.alertmail import SETTLE_S, notify_alerts
from raccord.interfaces.google.simulator import SANDBOX_PLACES_KEY
from raccord.sandbox.setup import Sandbox
from tests.browser_fixtures import Console

pytestmark = pytest.mark.browser

WORDS = {"fr": ("Alerte (erreur)", "Fin d'alerte", "Révoquer la clé"),
         "en": ("Alert (error)", "Alert over", "Revoke the key")}


def mail_reader(operator: Console) -> Page:
    """A tab of its own for the sandbox's mailbox (served with the sandbox's own authority,
    which a person trying the sandbox accepts in the browser)."""
    browser = operator.page.context.browser
    assert browser is not None
    context = browser.new_context(ignore_https_errors=True, locale="fr-FR")
    context.set_default_timeout(10_000)
    return context.new_page()


def mail_out(hub: Hub) -> None:
    """What the sweep does every 30 s in a running installation."""
    notify_alerts(hub)
    hub.jobs.run_pending()


def test_a_broken_key_is_shown_and_mailed_then_its_end_is_mailed(
        sandboxed_hub: Hub, sandbox: Sandbox, operator: Console) -> None:
    page, lang = operator.page, operator.lang
    started, ended, _ = WORDS[lang]
    sandbox.simulators["gmail"].reset()
    page.click("nav a[href='/mail/alerts']")
    page.fill("#email", "alice@raccord-demo.fr")
    page.select_option("#language", lang)
    page.click("#subscribe-button")
    expect(page.locator("#subscriptions")).to_contain_text("alice@raccord-demo.fr")

    operator.open_screen("google")
    operator.save("places_key", "AIza-not-the-right-key")
    operator.press_test("places")
    expect(page.locator(".report[data-test-result]")).to_have_attribute("data-test-result",
                                                                       "failed")
    page.goto(f"{operator.url}/")
    expect(page.locator("[data-alert='status:google']")).to_be_visible()

    mail_out(sandboxed_hub)
    mailbox, reader = f"{sandbox.url('gmail')}/mailbox", mail_reader(operator)
    reader.goto(mailbox)
    reader.click(f"text={started}")
    expect(reader.locator("h1")).to_contain_text(started)
    expect(reader.locator("pre")).to_contain_text("Place Autocomplete")
    expect(reader.locator("table")).to_contain_text("alice@raccord-demo.fr")

    page.goto(f"{operator.url}/")
    operator.open_screen("google")
    operator.save("places_key", SANDBOX_PLACES_KEY)
    operator.press_test("places")
    expect(page.locator(".report[data-test-result]")).to_have_attribute("data-test-result",
                                                                       "ok")
    page.goto(f"{operator.url}/")
    expect(page.locator("[data-alert='status:google']")).to_have_count(0)
    with sandboxed_hub.db.session() as session:  # ten minutes without the failure coming back
        row = session.get(AlertRow, "status:google")
        assert row is not None and row.cleared_at is not None
        row.cleared_at = row.cleared_at - timedelta(seconds=SETTLE_S + 1)
    mail_out(sandboxed_hub)
    reader.goto(mailbox)
    expect(reader.locator("table a")).to_have_count(2)
    reader.click(f"text={ended}")
    expect(reader.locator("h1")).to_contain_text(ended)
    reader.context.close()


def test_the_sandbox_mailbox_breaks_and_mends_the_gmail_key(
        sandboxed_hub: Hub, sandbox: Sandbox, operator: Console) -> None:
    page, reader = operator.page, mail_reader(operator)
    sandbox.simulators["gmail"].reset()
    reader.goto(f"{sandbox.url('gmail')}/mailbox")
    reader.click("button:has-text('Revoke the key')")
    expect(reader.locator("body")).to_contain_text("revoked")
    operator.open_screen("gmail")
    operator.press_test("gmail")
    expect(page.locator(".report[data-test-result]")).to_contain_text("Invalid JWT Signature")
    reader.click("button:has-text('Restore the key')")
    expect(reader.locator("body")).to_contain_text("Service account key: valid")
    reader.context.close()
    operator.open_screen("gmail")
    operator.press_test("gmail")
    expect(page.locator(".report[data-test-result]")).to_have_attribute("data-test-result",
                                                                       "ok")
