"""Accessibility: axe-core (from npm, installed by `scripts/install.sh --tests` into
.cache/axe) run on every console page of a populated sandbox, in French and English, at
desktop and phone width: no serious or critical violation, every field labelled. And the
console used with the keyboard alone."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from raccord.core.hub import Hub
from raccord.sandbox.setup import Sandbox
from raccord.toolkit.texts import TEXTS
from tests.browser.populated import console_pages, populate
from tests.browser_fixtures import OPERATOR, Console

pytestmark = pytest.mark.browser
AXE = Path(__file__).resolve().parents[2] / ".cache" / "axe" / "node_modules" / "axe-core" / \
    "axe.min.js"
WIDTHS = {"desktop": (1280, 900), "phone": (390, 844)}


def axe_violations(page: Page) -> list[dict[str, object]]:
    assert AXE.exists(), "axe-core is missing: run `bash scripts/install.sh --tests`"
    # Through the DevTools protocol, as a checker does: the page's CSP rightly refuses any
    # script tag it was not served with.
    page.evaluate(AXE.read_text())
    found: list[dict[str, object]] = page.evaluate("""async () => {
        const result = await axe.run(document, {resultTypes: ["violations"]});
        return result.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
            targets: v.nodes.slice(0, 3).map(n => n.target.join(" "))}));
    }""")
    return found


@pytest.mark.parametrize("width", list(WIDTHS))
def test_no_serious_accessibility_violation_on_any_page(sandboxed_hub: Hub, sandbox: Sandbox,
                                                        operator: Console, width: str) -> None:
    populate(sandboxed_hub, sandbox)
    page = operator.page
    page.set_viewport_size(dict(zip(("width", "height"), WIDTHS[width], strict=True)))
    pages = console_pages(page, operator.url)
    assert len(pages) > 25
    problems = []
    for path in [*pages, "/login"]:
        if path == "/login":
            page.context.clear_cookies()
            page.context.add_cookies([{"name": "lang", "value": operator.lang,
                                       "url": operator.url}])
        page.goto(operator.url + path)
        for violation in axe_violations(page):
            if violation["impact"] in ("serious", "critical") or violation["id"] == "label":
                problems.append((path, violation))
    assert problems == []


@pytest.mark.parametrize("lang", ["fr"])
def test_the_console_works_with_the_keyboard_alone(console: Console) -> None:
    page = console.page
    page.goto(f"{console.url}/login")
    # Sign in: the login field has the focus; Tab to the password, Enter submits.
    page.keyboard.type(OPERATOR[0])
    page.keyboard.press("Tab")
    page.keyboard.type(OPERATOR[1])
    page.keyboard.press("Enter")
    expect(page.locator("main h1")).to_have_text(TEXTS["menu"]("fr"))
    # The first Tab reaches the skip link, which moves the focus to the page's content.
    page.keyboard.press("Tab")
    expect(page.locator("a.skip")).to_be_focused()
    # Tab through the menu to the SIRENE screen, open it with Enter.
    for _ in range(40):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.getAttribute('href')") == "/interfaces/sirene":
            break
    page.keyboard.press("Enter")
    title = console.hub.interfaces["sirene"].schema.title("fr")
    expect(page.locator("main h1")).to_have_text(title)
    # Change a field and save it with the keyboard: focus the field, type, Enter.
    field = page.locator("#input-cache_ttl_h")
    for _ in range(60):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.id") == "input-cache_ttl_h":
            break
    expect(field).to_be_focused()
    # The focused control shows it (an outline of its own).
    assert page.evaluate("getComputedStyle(document.activeElement).outlineStyle") != "none"
    page.keyboard.press("Control+A")
    page.keyboard.type("24")
    page.keyboard.press("Enter")
    expect(page.locator("#field-cache_ttl_h .ok")).to_have_text(TEXTS["saved"]("fr"))
    assert console.hub.values("sirene")["cache_ttl_h"] == 24
