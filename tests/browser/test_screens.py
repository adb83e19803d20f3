"""Every screen of the specification, opened from the menu, with every field of its schema."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import expect

from raccord.console.texts import TEXTS
from tests.browser.conftest import READER, Console

pytestmark = pytest.mark.browser

SCREENS = ["chorus", "ocr", "sirene", "certificates", "exchange", "signature", "bank", "gmail",
           "google"]


def test_the_nine_screens_are_in_the_menu(console: Console) -> None:
    assert sorted(console.hub.interfaces) == sorted(SCREENS)


def test_each_screen_opens_from_the_menu_with_every_field(operator: Console,
                                                          tmp_path: Path) -> None:
    for name in SCREENS:
        operator.open_screen(name)
        schema = operator.hub.interfaces[name].schema
        for field in schema.fields:
            box = operator.field(field.key)
            expect(box).to_be_visible()
            expect(box.locator("label")).to_contain_text(field.label(operator.lang))
            expect(box.locator("button[value=save]")).to_have_text(
                operator.text(TEXTS["save"]))
        expect(operator.page.locator("main .field")).to_have_count(
            len(schema.fields) + (1 if name == "certificates" else 0))
        for test in operator.hub.interfaces[name].tests:
            expect(operator.page.locator(f"button[data-test='{test.name}']")).to_have_text(
                test.label(operator.lang))
        if name == "certificates":
            expect(operator.page.locator("#certificate-file")).to_be_attached()
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


def test_a_reader_sees_every_screen_but_can_change_nothing(console: Console) -> None:
    console.log_in(*READER)
    for name in SCREENS:
        console.open_screen(name)
        page = console.page
        for field in console.hub.interfaces[name].schema.fields:
            box = console.field(field.key)
            expect(box.locator("[name=value]:not([type=hidden])")).to_be_disabled()
            expect(box).to_contain_text(console.text(TEXTS["read_only"]))
        expect(page.locator("main button")).to_have_count(0)

    # Even a hand-made request is refused, in place, and changes nothing.
    csrf = console.page.locator("header input[name=csrf]").get_attribute("value")
    answer = console.page.request.post(
        f"{console.url}/interfaces/chorus/fields/max_calls_per_second",
        form={"csrf": csrf or "", "value": "5", "action": "save"})
    assert answer.status == 400
    assert "lecteur" in answer.text() if console.lang == "fr" else "reader" in answer.text()
    assert console.hub.values("chorus")["max_calls_per_second"] == 20
