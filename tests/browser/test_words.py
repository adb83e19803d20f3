"""Every console page, in French, of a populated sandbox: no English status word, no raw
dictionary; amounts and dates written the French way."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from raccord.core.hub import Hub
from raccord.sandbox.server import ThreadedServer
from raccord.sandbox.setup import Sandbox
from raccord.sandbox.welcome import install_welcome
from tests.browser.populated import (
    ENGLISH,
    RAW_DICT,
    RAW_MOMENT,
    console_pages,
    job_names,
    populate,
)
from tests.browser_fixtures import Console, CurrentApp

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("lang", ["fr"])
def test_every_french_page_speaks_french(sandboxed_hub: Hub, sandbox: Sandbox,
                                         operator: Console,
                                         console_server: tuple[ThreadedServer, CurrentApp]
                                         ) -> None:
    app = console_server[1].app
    assert app is not None
    install_welcome(app, sandbox)  # the sandbox's welcome page, walked too
    populate(sandboxed_hub, sandbox)
    page = operator.page
    pages = console_pages(page, operator.url, limit=120, start=("/", "/welcome"))
    assert len(pages) > 25, pages
    for must in ("/transmissions", "/sirene", "/thirdparties", "/jobs", "/audit",
                 "/companies", "/interfaces/certificates", "/interfaces/ocr", "/calendar",
                 "/calendar/mailboxes/", "/calendar/appointments/", "/signatures/", "/bank",
                 "/expenses/", "/mail", "/welcome"):
        assert any(p.startswith(must) for p in pages), must
    problems = []
    for path in pages:
        page.goto(operator.url + path)
        expect(page.locator("html")).to_have_attribute("lang", "fr")
        # What a user wrote or a service sent (a mail's text) is marked translate="no".
        text = page.locator("body").evaluate(
            "body => { const copy = body.cloneNode(true);"
            " copy.querySelectorAll('[translate=no]').forEach(e => e.remove());"
            " document.documentElement.appendChild(copy); const text = copy.innerText;"
            " copy.remove(); return text; }")
        # Values the user typed and identifiers (URLs, file names, codes) are not words.
        words = ENGLISH.findall(re.sub(r"https?://\S+", "", text))
        if words:
            problems.append((path, sorted(set(words))))
        if RAW_DICT.search(text):
            problems.append((path, RAW_DICT.findall(text)))
        if RAW_MOMENT.search(text):
            problems.append((path, RAW_MOMENT.findall(text)[:3]))
        raw_jobs = [name for name in job_names()
                    if re.search(r"(?<![\w.])" + re.escape(name) + r"(?![\w.])", text)]
        if raw_jobs:
            problems.append((path, sorted(raw_jobs)))
    assert problems == [], "\n".join(map(str, problems))
    for path in ("/", "/jobs"):  # the runs of every feature's jobs, by their words
        page.goto(operator.url + path)
        text = page.locator("body").inner_text()
        assert [name for name in job_names() if name in text] == [], path


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_amounts_and_dates_read_in_the_reader_s_language(sandboxed_hub: Hub, sandbox: Sandbox,
                                                         operator: Console) -> None:
    populate(sandboxed_hub, sandbox)
    page = operator.page
    page.goto(f"{operator.url}/transmissions")
    amount = page.locator("#transmissions tr", has_text="POP-Q").locator(".amount")
    expected = "1\u202f440,00\xa0€" if operator.lang == "fr" else "€1,440.00"
    expect(amount).to_have_text(expected)
    # The amount holds on one line (no "E / UR" wrapping), even at phone width.
    page.set_viewport_size({"width": 390, "height": 844})
    box = amount.bounding_box()
    assert box is not None and box["height"] < 30
    updated = page.locator("#transmissions tr", has_text="POP-Q").locator("td").nth(7)
    assert re.fullmatch(r"\d\d/\d\d/\d{4} \d\d:\d\d", updated.inner_text().strip())
    expect(page.locator("#filter-since")).to_have_attribute("lang", operator.lang)
    quota = page.locator("#quota").inner_text()
    assert ("1\u202f000\u202f000" in quota) if operator.lang == "fr" else ("1,000,000" in quota)
