"""Browser fixtures: the console of a fresh hub served on 127.0.0.1, driven by Debian's chromium
through Playwright (one browser per session, a fresh context per test).

Never run `playwright install`: the browser is the system's /usr/bin/chromium."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from playwright.sync_api import Browser, Locator, Page, expect, sync_playwright

from raccord.core.hub import Hub
from raccord.core.i18n import Tr
from raccord.core.roles import Role
from raccord.sandbox.server import ThreadedServer
from raccord.web import create_app

CHROMIUM = "/usr/bin/chromium"
LAUNCH_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
               "--disable-background-networking", "--disable-component-update", "--disable-sync"]
OPERATOR = ("alice", "correct-horse-battery-staple")
READER = ("rita", "reader-only-password-42")
LANGUAGES = ["fr", "en"]


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, headless=True,
                                              args=LAUNCH_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def console_url(hub: Hub) -> Iterator[str]:
    """The web app of the test's hub; an operator and a reader can log in."""
    hub.accounts.add_user(OPERATOR[0], OPERATOR[1], Role.OPERATOR)
    hub.accounts.add_user(READER[0], READER[1], Role.READER)
    server = ThreadedServer(create_app(hub)).start()
    yield server.url
    server.stop()


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    # A French-speaking browser, as the console's users are; English is chosen with the EN link.
    context = browser.new_context(locale="fr-FR", viewport={"width": 1280, "height": 900})
    context.set_default_timeout(10_000)
    tab = context.new_page()
    yield tab
    context.close()


@dataclass
class Console:
    """A user at the console: what they click, in the language they chose."""

    page: Page
    url: str
    hub: Hub
    lang: str = "fr"

    def text(self, words: Tr) -> str:
        return words(self.lang)

    def choose_language(self, lang: str) -> None:
        self.page.click(f"header a[data-lang={lang}]")
        expect(self.page.locator("html")).to_have_attribute("lang", lang)
        self.lang = lang

    def log_in(self, login: str = OPERATOR[0], password: str = OPERATOR[1]) -> None:
        self.page.goto(f"{self.url}/login")
        self.choose_language(self.lang)
        self.page.fill("#login", login)
        self.page.fill("#password", password)
        self.page.click(".login button[type=submit]")

    def open_screen(self, name: str) -> None:
        """Through the menu, as a user would."""
        self.page.click(f"nav a[href='/interfaces/{name}']")
        title = self.hub.interfaces[name].schema.title(self.lang)
        expect(self.page.locator("main h1")).to_have_text(title)

    def field(self, key: str) -> Locator:
        return self.page.locator(f"#field-{key}")

    def save(self, key: str, value: str) -> None:
        box = self.field(key)
        box.locator("[name=value]:not([type=hidden])").fill(value)
        box.locator("button[value=save]").click()

    def press_test(self, name: str) -> None:
        self.page.click(f"button[data-test='{name}']")


@pytest.fixture(params=LANGUAGES)
def lang(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def console(page: Page, console_url: str, hub: Hub, lang: str) -> Console:
    return Console(page, console_url, hub, lang)


@pytest.fixture
def operator(console: Console) -> Console:
    """The operator, logged in, on the dashboard, in the test's language."""
    console.log_in()
    expect(console.page).to_have_url(re.compile(r"/$"))
    return console
