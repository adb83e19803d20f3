"""Logging in to the console and switching its language."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from raccord.toolkit.texts import TEXTS
from tests.browser_fixtures import OPERATOR, Console

pytestmark = pytest.mark.browser


def test_wrong_password_is_refused_and_right_one_opens_the_dashboard(console: Console) -> None:
    console.log_in(OPERATOR[0], "not-the-password")

    alert = console.page.locator(".login [role=alert]")
    expect(alert).to_have_text(console.text(TEXTS["login_failed"]))
    expect(console.page.locator("nav")).to_have_count(0)
    expect(console.page.locator("#password")).to_have_value("")

    console.page.fill("#password", OPERATOR[1])
    console.page.click(".login button[type=submit]")

    expect(console.page).to_have_url(re.compile(r"/$"))
    main = console.page.locator("main")
    expect(main.locator("h1")).to_have_text(console.text(TEXTS["menu"]))
    for name, spec in console.hub.interfaces.items():
        link = main.locator(f"a[href='/interfaces/{name}']")
        expect(link).to_have_text(spec.schema.title(console.lang))
    expect(console.page.locator("header")).to_contain_text(OPERATOR[0])


@pytest.mark.parametrize("lang", ["fr"])
def test_a_page_asked_before_login_opens_after_it(console: Console) -> None:
    console.page.goto(f"{console.url}/interfaces/sirene")
    expect(console.page).to_have_url(re.compile(r"/login\?next=/interfaces/sirene$"))
    console.page.fill("#login", OPERATOR[0])
    console.page.fill("#password", OPERATOR[1])
    console.page.click(".login button[type=submit]")
    expect(console.page).to_have_url(re.compile(r"/interfaces/sirene$"))


@pytest.mark.parametrize("lang", ["fr"])
def test_language_links_switch_labels_both_ways_and_stick(operator: Console) -> None:
    chorus_enabled = operator.hub.settings.field("chorus", "enabled").label
    operator.open_screen("chorus")
    label = operator.field("enabled").locator("label")
    expect(label).to_contain_text("Chorus Actif")
    expect(operator.page.locator("button[value=save]").first).to_have_text("Enregistrer")

    operator.choose_language("en")
    expect(operator.page).to_have_url(re.compile(r"/interfaces/chorus$"))
    expect(label).to_contain_text(chorus_enabled.en)
    expect(label).not_to_contain_text("Chorus Actif")
    expect(operator.page.locator("button[value=save]").first).to_have_text("Save")

    # The choice is remembered on the next pages, menu included.
    operator.open_screen("sirene")
    expect(operator.page.locator("nav")).to_contain_text("Change history")

    operator.choose_language("fr")
    operator.open_screen("chorus")
    expect(label).to_contain_text("Chorus Actif")
    expect(operator.page.locator("nav")).to_contain_text("Historique des modifications")
