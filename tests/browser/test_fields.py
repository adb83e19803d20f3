"""Saving fields one by one, refusals shown in place, and the history of changes."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

import pytest
from playwright.sync_api import expect

from raccord.core.hub import Hub
from raccord.core.models import AuditEntry
from raccord.core.roles import Role
from raccord.core.schema import SettingError
from raccord.core.settings_store import SYSTEM, Actor
from raccord.toolkit.texts import TEXTS
from tests.browser_fixtures import OPERATOR, Console

pytestmark = pytest.mark.browser

PLANTED_SECRET = "planted-S3cret-7f2c9b41e0"


def audit_count(hub: Hub) -> int:
    with hub.db.session() as session:
        return session.query(AuditEntry).count()


def test_a_field_saves_on_its_own_and_stays_after_reload(operator: Console) -> None:
    operator.open_screen("chorus")
    operator.field("technical_user").locator("input[name=value]").fill("typed-not-saved")
    operator.save("piste_client_id", "piste-client-7")

    box = operator.field("piste_client_id")
    expect(box.locator("[role=status]")).to_have_text(operator.text(TEXTS["saved"]))
    expect(operator.page.locator("main [role=status]")).to_have_count(1)
    operator.page.reload()
    expect(box.locator("input[name=value]")).to_have_value("piste-client-7")
    expect(operator.field("technical_user").locator("input[name=value]")).to_have_value("")
    values = operator.hub.values("chorus")
    assert values["piste_client_id"] == "piste-client-7" and not values["technical_user"]
    assert audit_count(operator.hub) == 1

    checkbox = operator.field("enabled").locator("input[type=checkbox]")
    checkbox.check()
    operator.field("enabled").locator("button[value=save]").click()
    expect(operator.field("enabled").locator("[role=status]")).to_have_text(
        operator.text(TEXTS["saved"]))
    operator.page.reload()
    expect(checkbox).to_be_checked()
    assert operator.hub.values("chorus")["enabled"] is True


def test_a_secret_is_written_never_shown_back(operator: Console) -> None:
    operator.open_screen("sirene")
    operator.save("token", PLANTED_SECRET)

    box = operator.field("token")
    expect(box.locator("[role=status]")).to_have_text(operator.text(TEXTS["saved"]))
    operator.page.reload()
    secret_input = box.locator("input[type=password]")
    expect(secret_input).to_have_value("")
    expect(secret_input).to_have_attribute("placeholder", operator.text(TEXTS["secret_set"]))
    expect(box.locator("button[value=clear]")).to_have_text(operator.text(TEXTS["clear"]))
    assert PLANTED_SECRET not in operator.page.content()
    assert operator.hub.values("sirene")["token"] == PLANTED_SECRET


@dataclass(frozen=True)
class Refusal:
    interface: str
    key: str
    typed: str | None  # None: a checkbox, its state flipped
    setup: Callable[[Hub], None] = lambda hub: None


def _places_and_distance_on(hub: Hub) -> None:
    hub.settings.set_many("google", {"places_enabled": True, "distance_enabled": True}, SYSTEM)


REFUSALS = {
    "rate above the production quota": Refusal("chorus", "max_calls_per_second", "50"),
    "non-https URL": Refusal("chorus", "url", "http://api.piste.gouv.fr"),
    "unknown company": Refusal("chorus", "company_code", "NOPE"),
    "distance without places": Refusal("google", "distance_enabled", None),
    "places off under distance": Refusal("google", "places_enabled", None,
                                         _places_and_distance_on),
}


def test_a_refused_value_is_explained_in_its_field_and_nothing_is_saved(
        operator: Console) -> None:
    for name, case in REFUSALS.items():
        case.setup(operator.hub)
        before, history = operator.hub.values(case.interface), audit_count(operator.hub)
        operator.open_screen(case.interface)

        box = operator.field(case.key)
        if case.typed is None:
            box.locator("input[type=checkbox]").click()
            box.locator("button[value=save]").click()
        else:
            operator.save(case.key, case.typed)

        alert = box.locator("[role=alert]")
        expect(alert).to_be_visible()
        expect(operator.page.locator("main [role=alert]")).to_have_count(1)
        expect(operator.page.locator("main .field.invalid")).to_have_count(1)
        expect(box).to_have_class(re.compile(r"\binvalid\b"))
        inside, outer = alert.bounding_box(), box.bounding_box()
        assert inside and outer, name
        assert outer["y"] <= inside["y"] <= outer["y"] + outer["height"], name

        # The message is the hub's own refusal, in the user's language; what was typed stays.
        raw = case.typed if case.typed is not None else str(not before[case.key]).lower()
        with pytest.raises(SettingError) as refused:
            operator.hub.settings.set(case.interface, case.key, raw,
                                      Actor(OPERATOR[0], Role.OPERATOR))
        expect(alert).to_have_text(refused.value.message(operator.lang))
        if case.typed is not None:
            expect(box.locator("input[name=value]")).to_have_value(case.typed)

        assert operator.hub.values(case.interface) == before, name
        assert audit_count(operator.hub) == history, name


def test_the_history_shows_who_changed_what_with_secrets_masked(operator: Console) -> None:
    operator.open_screen("chorus")
    operator.save("piste_client_id", "client-1")
    expect(operator.field("piste_client_id").locator("[role=status]")).to_be_visible()
    operator.save("piste_client_id", "client-2")
    expect(operator.field("piste_client_id").locator("[role=status]")).to_be_visible()
    operator.save("piste_client_secret", PLANTED_SECRET)
    expect(operator.field("piste_client_secret").locator("[role=status]")).to_be_visible()

    operator.page.click("nav a[href='/audit']")
    expect(operator.page.locator("main h1")).to_have_text(operator.text(TEXTS["audit"]))
    rows = operator.page.locator("#audit tr")
    expect(rows).to_have_count(4)  # header + three changes, newest first
    headers = rows.nth(0).locator("th").all_inner_texts()
    assert headers[1:] == [operator.text(TEXTS[k]) for k in ("who", "interface", "field", "old",
                                                            "new")]

    def cells(row: int) -> list[str]:
        return [c.strip() for c in rows.nth(row).locator("td").all_inner_texts()]

    secret_row, second, first = cells(1), cells(2), cells(3)
    assert first[1:4] == [OPERATOR[0], "chorus", "piste_client_id"]
    assert first[4] in ("", '""') and "client-1" in first[5]
    assert "client-1" in second[4] and "client-2" in second[5]
    assert secret_row[3] == "piste_client_secret"
    assert secret_row[5] == operator.text(TEXTS["secret_set"])  # said, never shown
    assert PLANTED_SECRET not in operator.page.content()

    # The history of one interface, from its screen.
    operator.open_screen("sirene")
    operator.page.click("main a[href='/audit?interface=sirene']")
    expect(operator.page.locator("#audit")).to_have_count(0)
    expect(operator.page.locator("main")).to_contain_text(operator.text(TEXTS["nothing"]))
