"""Browser fixtures: the console of a fresh hub served on 127.0.0.1, driven by Debian's chromium
through Playwright (one browser per session, a fresh context per test).

Never run `playwright install`: the browser is the system's /usr/bin/chromium."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

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


class CurrentApp:
    """The ASGI app of the running test: one server for the session (starting and stopping
    uvicorn for every test costs more than most tests), each test's own `create_app(hub)`."""

    def __init__(self) -> None:
        self.app: Any = None

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        assert self.app is not None, "no console app: use the console_url fixture"
        await self.app(scope, receive, send)


@pytest.fixture(scope="session")
def console_server() -> Iterator[tuple[ThreadedServer, CurrentApp]]:
    current = CurrentApp()
    server = ThreadedServer(current).start()
    yield server, current
    server.stop()


@pytest.fixture
def console_url(hub: Hub, console_server: tuple[ThreadedServer, CurrentApp]) -> Iterator[str]:
    """The web app of the test's fresh hub, where the operator can log in."""
    server, current = console_server
    hub.accounts.add_user(OPERATOR[0], OPERATOR[1], Role.OPERATOR)
    current.app = create_app(hub)
    yield server.url
    current.app = None


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
        """Through the login page, after choosing the language with its link."""
        self.page.goto(f"{self.url}/login")
        self.choose_language(self.lang)
        self.page.fill("#login", login)
        self.page.fill("#password", password)
        self.page.click(".login button[type=submit]")

    def signed_in(self, login: str = OPERATOR[0], password: str = OPERATOR[1]) -> None:
        """The quick way, for tests about what comes after the login page: the same form post
        and language cookie the browser would send, then the dashboard."""
        answer = self.page.request.post(f"{self.url}/login", max_redirects=0,
                                        form={"login": login, "password": password})
        assert answer.status == 303, answer.text()
        self.page.context.add_cookies([{"name": "lang", "value": self.lang, "url": self.url}])
        self.page.goto(f"{self.url}/")
        expect(self.page.locator("html")).to_have_attribute("lang", self.lang)

    def open_screen(self, name: str) -> None:
        """Through the menu, as a user would."""
        self.page.click(f"nav a[href='/interfaces/{name}']")
        title = self.hub.interfaces[name].schema.title(self.lang)
        expect(self.page.locator("main h1")).to_have_text(title)

    def field(self, key: str) -> Locator:
        return self.page.locator(f"#field-{key}")

    def field_boxes(self) -> dict[str, dict[str, Any]]:
        """What the user sees of each field box on the screen, read in one go."""
        boxes: list[dict[str, Any]] = self.page.eval_on_selector_all(
            "main .field[data-key]", """boxes => boxes.map(box => {
                const input = box.querySelector("[name=value]:not([type=hidden])");
                return {key: box.dataset.key, visible: box.checkVisibility(),
                        label: box.querySelector("label").innerText,
                        text: box.innerText,
                        saves: [...box.querySelectorAll("button[value=save]")]
                               .map(b => b.innerText),
                        disabled: input ? input.disabled : null};
            })""")
        return {box["key"]: box for box in boxes}

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
    console.signed_in()
    return console
