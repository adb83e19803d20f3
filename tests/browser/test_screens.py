"""Every screen of the specification, opened from the menu, with every field of its schema."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import expect

from raccord.core.roles import Role
from raccord.toolkit.texts import TEXTS
from tests.browser_fixtures import READER, Console

pytestmark = pytest.mark.browser

SCREENS = ["chorus", "ocr", "sirene", "certificates", "exchange", "signature", "bank", "gmail",
           "smtp", "google"]


def test_each_screen_opens_from_the_menu_with_every_field(operator: Console,
                                                          tmp_path: Path) -> None:
    menu = operator.page.eval_on_selector_all(
        "nav a[href^='/interfaces/']", "links => links.map(a => a.getAttribute('href'))")
    assert sorted(menu) == sorted(f"/interfaces/{name}" for name in SCREENS)

    for name in SCREENS:
        operator.open_screen(name)
        spec = operator.hub.interfaces[name]
        # Fields raccord maintains itself (the Bridge user) are shown in their own section.
        typed = [f for f in spec.schema.fields if not f.managed]
        boxes = operator.field_boxes()
        assert list(boxes) == [f.key for f in typed]
        for field in typed:
            box = boxes[field.key]
            assert box["visible"], field.key
            assert field.label(operator.lang) in box["label"]
            assert box["saves"] == [operator.text(TEXTS["save"])]
            assert box["disabled"] is False
        for test in spec.tests:
            expect(operator.page.locator(f"button[data-test='{test.name}']")).to_have_text(
                test.label(operator.lang))
        if name == "certificates":
            expect(operator.page.locator("#certificate-file")).to_be_visible()
        if name == "chorus":
            shot = tmp_path / f"chorus-{operator.lang}.png"
            operator.page.screenshot(path=str(shot), full_page=True)
            assert shot.stat().st_size > 10_000


@pytest.mark.parametrize("lang", ["fr"])
def test_defaults_are_shown_in_their_fields(operator: Console) -> None:
    operator.open_screen("chorus")
    expect(operator.field("url").locator("input[name=value]")).to_have_value(
        "https://api.piste.gouv.fr")
    expect(operator.field("max_calls_per_second").locator("input[name=value]")).to_have_value(
        "20")
    expect(operator.field("enabled").locator("input[type=checkbox]")).not_to_be_checked()


def assert_read_only(console: Console, name: str) -> None:
    typed = [f.key for f in console.hub.interfaces[name].schema.fields if not f.managed]
    boxes = console.field_boxes()
    assert list(boxes) == typed
    for box in boxes.values():
        assert box["visible"] and box["saves"] == [] and box["disabled"] is True
        assert console.text(TEXTS["read_only"]) in box["text"]
    expect(console.page.locator("main button")).to_have_count(0)


@pytest.mark.parametrize("lang", ["fr"])
def test_a_reader_sees_every_screen_but_can_change_nothing(console: Console) -> None:
    console.hub.accounts.add_user(*READER, role=Role.READER)
    console.signed_in(*READER)
    for name in SCREENS:
        console.open_screen(name)
        assert_read_only(console, name)
    console.choose_language("en")  # the same in English
    assert_read_only(console, SCREENS[-1])

    # Even a hand-made request is refused, in place, and changes nothing.
    csrf = console.page.locator("header input[name=csrf]").get_attribute("value")
    answer = console.page.request.post(
        f"{console.url}/interfaces/chorus/fields/max_calls_per_second",
        form={"csrf": csrf or "", "value": "5", "action": "save"})
    assert answer.status == 400
    assert "Your role (reader) may read, not change." in answer.text()
    assert console.hub.values("chorus")["max_calls_per_second"] == 20
