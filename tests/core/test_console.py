"""The console over HTTP: login, CSRF, one form per field with its own error, and who may change
what (reader, administrator in SaaS or on-premise, operator)."""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from pathlib import Path

import pytest
import trustme

from raccord.core.config import DeploymentMode
from raccord.core.hub import Hub
from raccord.core.roles import Role
from raccord.core.settings_store import SYSTEM
from raccord.wiring import open_hub
from tests.conftest import make_env
from tests.core.helpers import PASSWORD, Browser, snapshot

OpenAs = Callable[..., Browser]


def text_of(page: object) -> str:
    return html.unescape(getattr(page, "text", ""))


def field_block(page_text: str, key: str) -> str:
    """The part of a screen that belongs to one field (its form, help and error)."""
    start = page_text.rindex("<div", 0, page_text.index(f'id="field-{key}"'))
    end = page_text.find('<div class="field', start + 1)
    return page_text[start:end if end > 0 else None]


def test_pages_need_a_login_and_bring_back_after_it(hub: Hub, accounts: dict[Role, str]) -> None:
    browser = Browser(hub)
    for path in ("/", "/interfaces/sirene", "/audit", "/companies", "/jobs",
                 "/interfaces/sirene/calls", "/certificates"):
        response = browser.get(path)
        assert response.status_code == 303, path
        assert response.headers["location"] == f"/login?next={path}"
    wrong = browser.client.post("/login", data={"login": "olga", "password": "nope"},
                                headers={"Accept-Language": "en"})
    assert wrong.status_code == 401 and "Wrong login or password." in wrong.text
    back = browser.client.post("/login?next=/interfaces/sirene",
                               data={"login": "olga", "password": PASSWORD})
    assert back.status_code == 303 and back.headers["location"] == "/interfaces/sirene"
    assert browser.get("/interfaces/sirene").status_code == 200
    elsewhere = Browser(hub).client.post("/login?next=https://evil.example/",
                                         data={"login": "olga", "password": PASSWORD})
    assert elsewhere.headers["location"] == "/"  # never sent to another site


def test_a_form_without_the_csrf_token_is_refused(browser_for: OpenAs, hub: Hub) -> None:
    browser = browser_for(Role.OPERATOR)  # just logged in: no form shown yet
    before = snapshot(hub)
    for data in ({"value": "12"}, {"value": "12", "csrf": "forged"}):
        response = browser.post("/interfaces/sirene/fields/cache_ttl_h", data, csrf=False)
        assert response.status_code == 403
    assert browser.post("/interfaces/sirene/test", {"which": "api"}, csrf=False
                        ).status_code == 403
    assert browser.post("/logout", csrf=False).status_code == 403
    assert snapshot(hub) == before
    assert browser.save("sirene", "cache_ttl_h", "12").status_code == 303
    assert hub.values("sirene")["cache_ttl_h"] == 12


def test_each_field_saves_on_its_own_and_a_refusal_shows_in_place(browser_for: OpenAs,
                                                                   hub: Hub) -> None:
    browser = browser_for(Role.OPERATOR)
    browser.client.cookies.set("lang", "en")
    saved = browser.save("chorus", "max_attempts", "5")
    assert saved.status_code == 303
    assert saved.headers["location"] == "/interfaces/chorus?saved=max_attempts#field-max_attempts"
    page = text_of(browser.get(saved.headers["location"]))
    assert "Saved." in field_block(page, "max_attempts")
    assert "Saved." not in field_block(page, "retry_delay_s")
    before = snapshot(hub)
    refused = browser.save("chorus", "max_attempts", "99")
    assert refused.status_code == 400
    page = text_of(refused)
    block = field_block(page, "max_attempts")
    assert 'class="field invalid"' in block and 'role="alert"' in block
    assert "Successive attempts on error: the largest allowed value is 20." in block
    assert 'value="99"' in block  # what was typed stays, to be corrected
    assert 'role="alert"' not in field_block(page, "retry_delay_s")
    assert snapshot(hub) == before
    rule = browser.save("google", "distance_enabled", "true")
    assert rule.status_code == 400
    assert "switch Place Autocomplete on first" in field_block(text_of(rule), "distance_enabled")
    checkbox = browser.post("/interfaces/google/fields/places_enabled",
                            {"value": ["false", "true"]})  # hidden "false" + ticked box
    assert checkbox.status_code == 303 and hub.values("google")["places_enabled"] is True
    unticked = browser.post("/interfaces/google/fields/places_enabled", {"value": "false"})
    assert unticked.status_code == 303 and hub.values("google")["places_enabled"] is False
    before = snapshot(hub)
    for interface, key in (("sirene", "nope"), ("telepathy", "url")):
        assert browser.save(interface, key, "1").status_code == 404
    assert snapshot(hub) == before


def test_every_screen_shows_every_field_with_its_default(browser_for: OpenAs, hub: Hub) -> None:
    browser = browser_for(Role.OPERATOR)
    for name, spec in hub.interfaces.items():
        page = text_of(browser.get(f"/interfaces/{name}"))
        assert spec.schema.title.fr in page
        for f in spec.schema.fields:
            if f.managed:
                continue
            block = field_block(page, f.key)
            assert f.label.fr in block, (name, f.key)
            if f.kind.value in ("str", "url", "int") and f.default not in (None, ""):
                assert f'value="{f.default}"' in block, (name, f.key)
            if f.secret:
                assert 'type="password"' in block and "value=" not in block.split(
                    'type="password"')[1].split(">")[0]


def test_a_reader_sees_everything_and_changes_nothing(browser_for: OpenAs, hub: Hub) -> None:
    hub.accounts.add_company("ACME", "Acme SAS")
    reader = browser_for(Role.READER)
    reader.client.cookies.set("lang", "en")
    page = text_of(reader.get("/interfaces/chorus"))
    assert "Read-only" in page and 'type="submit" name="action" value="save"' not in page
    assert 'action="/interfaces/chorus/test"' not in page  # no Test button
    before = snapshot(hub)
    refused = reader.save("chorus", "max_attempts", "5")
    assert refused.status_code == 400
    assert "Your role (reader) may read, not change." in text_of(refused)
    for path, data in (("/interfaces/sirene/test", {"which": "api"}),
                       ("/companies", {"code": "NEW", "name": "New"}),
                       ("/certificates/abc/remove", {})):
        assert reader.post(path, data).status_code == 403, path
    company = reader.post("/companies/ACME/fields/chorus/cpro_login", {"value": "x"})
    assert company.status_code == 400 and "may read, not change" in text_of(company)
    upload = reader.post("/certificates", files={"file": ("ca.pem", b"x")})
    assert upload.status_code == 403
    assert snapshot(hub) == before


def test_vendor_fields_belong_to_the_operator_in_saas_mode(tmp_path: Path,
                                                           browser_for: OpenAs) -> None:
    saas = open_hub(make_env(tmp_path / "saas", mode=DeploymentMode.SAAS))
    admin = browser_for(Role.ADMINISTRATOR, on=saas)
    admin.client.cookies.set("lang", "en")
    page = text_of(admin.get("/interfaces/chorus"))
    assert "Read-only" in field_block(page, "url") and "disabled" in field_block(page, "url")
    assert "disabled" not in field_block(page, "max_attempts")
    before = snapshot(saas)
    refused = admin.save("chorus", "url", "https://sandbox-api.piste.gouv.fr")
    assert refused.status_code == 400
    assert "'URL' is set by the operator in SaaS mode: ask them to change it." in text_of(refused)
    assert snapshot(saas) == before
    assert admin.save("chorus", "max_attempts", "4").status_code == 303  # not a vendor field
    operator = browser_for(Role.OPERATOR, on=saas)
    assert operator.save("bank", "client_id", "bridge-id").status_code == 303
    assert saas.values("bank")["client_id"] == "bridge-id"


def test_on_premise_the_administrator_changes_vendor_fields(browser_for: OpenAs,
                                                           hub: Hub) -> None:
    admin = browser_for(Role.ADMINISTRATOR)
    assert admin.save("bank", "client_id", "bridge-id").status_code == 303
    assert hub.values("bank")["client_id"] == "bridge-id"


def test_the_audit_page_shows_who_changed_what(browser_for: OpenAs, hub: Hub) -> None:
    admin = browser_for(Role.ADMINISTRATOR)
    admin.save("sirene", "cache_ttl_h", "12")
    admin.save("sirene", "token", "typed-token-value")
    hub.settings.set("chorus", "max_attempts", 4, SYSTEM)
    page = text_of(admin.get("/audit?interface=sirene"))
    assert "typed-token-value" not in page
    rows = re.findall(r"<tr><td>[^<]+</td><td>([^<]+)</td><td>(\w+)[^<]*</td>\s*<td>(\w+)</td>"
                      r'<td class="mono">([^<]*)</td><td class="mono">([^<]*)</td></tr>', page)
    # A secret's change is said in the reader's language only, never its value.
    assert rows == [("adam", "sirene", "token", "(non défini)",
                     "Valeur définie (masquée)"), ("adam", "sirene", "cache_ttl_h", "168", "12")]
    assert "max_attempts" in admin.get("/audit").text


def test_companies_are_added_and_keep_their_own_credentials(browser_for: OpenAs,
                                                            hub: Hub) -> None:
    operator = browser_for(Role.OPERATOR)
    operator.client.cookies.set("lang", "en")
    bad = operator.post("/companies", {"code": "ACME", "name": "Acme", "siret": "73282932000075"})
    assert bad.status_code == 400 and "wrong check digit" in text_of(bad)
    assert hub.accounts.companies() == []
    made = operator.post("/companies", {"code": "ACME", "name": "Acme", "siret": "73282932000074"})
    assert made.status_code == 303 and made.headers["location"] == "/companies/ACME"
    saved = operator.post("/companies/ACME/fields/chorus/cpro_login",
                          {"value": "TECH_1_acme@cpro.fr"})
    assert saved.status_code == 303
    assert hub.values("chorus", "company:ACME")["cpro_login"] == "TECH_1_acme@cpro.fr"
    assert "TECH_1_acme@cpro.fr" in operator.get("/companies/ACME").text
    assert operator.get("/companies/NOPE").status_code == 404


def test_certificates_are_imported_and_removed_from_the_console(browser_for: OpenAs,
                                                                hub: Hub) -> None:
    operator = browser_for(Role.OPERATOR)
    operator.client.cookies.set("lang", "en")
    leaf = trustme.CA().issue_cert("api.example.fr").cert_chain_pems[0].bytes()
    refused = operator.post("/certificates", files={"file": ("server.pem", leaf)})
    assert refused.status_code == 400
    assert "This certificate is not a certificate authority's" in text_of(refused)
    corrupt = operator.post("/certificates", files={"file": ("x.der", b"\x00\x01garbage")})
    assert corrupt.status_code == 400 and "not a readable certificate" in text_of(corrupt)
    assert hub.trust.list() == []
    authority = trustme.CA(organization_name="Console Root")
    added = operator.post("/certificates", files={"file": ("root.pem",
                                                           authority.cert_pem.bytes())})
    assert added.status_code == 303
    [info] = hub.trust.list()
    page = text_of(operator.get("/certificates"))
    assert info.fingerprint in page and "O=Console Root" in page
    asked = operator.post(f"/certificates/{info.fingerprint}/remove")
    assert asked.status_code == 200 and "Remove the authority" in text_of(asked)
    assert "O=Console Root" in text_of(asked)
    assert hub.trust.list() != []  # nothing removed before it is confirmed
    done = operator.post(f"/certificates/{info.fingerprint}/remove", {"confirmed": "yes"})
    assert done.status_code == 303
    assert hub.trust.list() == []


@pytest.mark.parametrize(("language", "expected"), [("en", "Change history"),
                                                    ("fr", "Historique des modifications")])
def test_the_console_speaks_the_chosen_language(browser_for: OpenAs, language: str,
                                                expected: str) -> None:
    browser = browser_for(Role.READER)
    switched = browser.get(f"/lang/{language}", headers={"referer": "/audit"})
    assert switched.status_code == 303 and switched.headers["location"] == "/audit"
    assert expected in browser.get("/audit").text
