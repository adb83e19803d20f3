"""Saving settings one field at a time: every type, bound and rule, on SQLite and PostgreSQL.
A refused value says why (French and English, naming the field) and changes nothing: neither
the value nor the audit history."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from raccord.core.hub import Hub
from raccord.core.models import AuditEntry
from raccord.core.roles import Role
from raccord.core.schema import Kind, RuleContext, SettingError
from raccord.core.settings_store import SET_MARK, SYSTEM, UNSET_MARK, Actor, company_scope
from raccord.interfaces.registry import INTERFACES
from raccord.wiring import open_hub
from tests.core.helpers import snapshot

ADMIN = Actor("adam", Role.ADMINISTRATOR)


def refuse(hub: Hub, interface: str, key: str, raw: Any, *, scope: str = "",
           actor: Actor = SYSTEM) -> SettingError:
    """Save a value that must be refused; check that nothing changed; return the refusal."""
    before = snapshot(hub)
    with pytest.raises(SettingError) as caught:
        hub.settings.set(interface, key, raw, actor, scope)
    assert snapshot(hub) == before, f"{interface}.{key}={raw!r} was refused but changed things"
    error = caught.value
    assert error.message.fr and error.message.en and error.message.fr != error.message.en
    return error


def audit(hub: Hub, interface: str | None = None) -> list[AuditEntry]:
    with hub.db.session() as session:
        query = select(AuditEntry).order_by(AuditEntry.id)
        if interface:
            query = query.where(AuditEntry.interface == interface)
        return list(session.scalars(query))


def test_a_field_saves_on_its_own_and_the_audit_says_who_changed_what(storage_hub: Hub) -> None:
    hub = storage_hub
    before = hub.values("sirene")
    assert hub.settings.set("sirene", "cache_ttl_h", "24", ADMIN) == 24
    after = hub.values("sirene")
    assert after == {**before, "cache_ttl_h": 24}
    [entry] = audit(hub)
    assert (entry.actor, entry.interface, entry.key, entry.scope) == ("adam", "sirene",
                                                                     "cache_ttl_h", "")
    assert (entry.old, entry.new) == ("168", "24")
    assert entry.at is not None
    hub.settings.set("sirene", "cache_ttl_h", 24, ADMIN)  # the same value again: no new line
    assert len(audit(hub)) == 1
    # The value is read back as saved by another process (a fresh hub on the same database).
    assert open_hub(hub.env).values("sirene")["cache_ttl_h"] == 24


def test_wrong_types_and_out_of_bounds_values_are_refused(storage_hub: Hub) -> None:
    cases: list[tuple[str, str, Any, str]] = [
        ("chorus", "max_attempts", "0", "the smallest allowed value is 1"),
        ("chorus", "max_attempts", "21", "the largest allowed value is 20"),
        ("chorus", "max_attempts", "three", "'three' is not a whole number"),
        ("chorus", "max_attempts", "2.5", "is not a whole number"),
        ("chorus", "max_attempts", True, "a whole number is expected"),
        ("sirene", "cache_ttl_h", "-1", "the smallest allowed value is 0"),
        ("chorus", "enabled", "maybe", "'maybe' is not yes/no"),
        ("exchange", "server_version", "Exchange2003", "choose one of: Exchange2007"),
        ("exchange", "test_user", "not-an-address", "is not a valid e-mail address"),
        ("bank", "log_email", "a@b@c", "is not a valid e-mail address"),
        ("sirene", "url", 42, "a text value is expected"),
        ("sirene", "token", "", "type the new value (use Clear to remove it)"),
    ]
    for interface, key, raw, why in cases:
        error = refuse(storage_hub, interface, key, raw)
        label = storage_hub.settings.field(interface, key).label
        assert error.key == key
        assert why in error.message.en, (interface, key, raw, error.message.en)
        assert error.message.en.startswith(label.en), error.message.en
        assert error.message.fr.startswith(label.fr), error.message.fr


@pytest.mark.parametrize("url", [
    "http://api.insee.fr/api-sirene/3.11", "ftp://api.insee.fr/", "api.insee.fr/api-sirene",
    "https://", "http://10.0.0.5/api", "javascript:alert(1)",
])
def test_a_url_must_be_https_except_towards_this_machine(hub: Hub, url: str) -> None:
    error = refuse(hub, "sirene", "url", url)
    assert "is not an https:// address" in error.message.en
    assert "n'est pas une adresse https://" in error.message.fr


def test_https_and_loopback_http_urls_are_accepted(storage_hub: Hub) -> None:
    hub = storage_hub
    for url, stored in [
        ("https://api.insee.fr/api-sirene/3.11/", "https://api.insee.fr/api-sirene/3.11"),
        ("http://127.0.0.1:8443/sirene", "http://127.0.0.1:8443/sirene"),
        ("http://localhost:9000/", "http://localhost:9000"),
    ]:
        assert hub.settings.set("sirene", "url", url, SYSTEM) == stored
        assert hub.values("sirene")["url"] == stored


def test_enum_email_bool_and_int_values_are_stored_normalised(storage_hub: Hub) -> None:
    hub = storage_hub
    hub.settings.set("exchange", "server_version", "Exchange2013_SP1", SYSTEM)
    hub.settings.set("exchange", "test_user", "  Jane.Doe@Example.COM ", SYSTEM)
    hub.settings.set("exchange", "impersonation", "oui", SYSTEM)
    hub.settings.set("exchange", "max_threads", " 8 ", SYSTEM)
    values = hub.values("exchange")
    assert values["server_version"] == "Exchange2013_SP1"
    assert values["test_user"] == "Jane.Doe@example.com"
    assert values["impersonation"] is True
    assert values["max_threads"] == 8


def service_account_key(path: Path, **changes: Any) -> Path:
    key = {"type": "service_account", "client_email": "raccord@project.iam.gserviceaccount.com",
           "private_key": "-----BEGIN PRIVATE KEY-----\nMIIB\n-----END PRIVATE KEY-----\n",
           "token_uri": "https://oauth2.googleapis.com/token", **changes}
    path.write_text(json.dumps({k: v for k, v in key.items() if v is not None}))
    return path


def test_the_gmail_key_file_must_exist_be_readable_and_be_a_service_account_key(
        hub: Hub, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    not_json = tmp_path / "notes.json"
    not_json.write_text("this is not json")
    cases = [
        (tmp_path / "missing.json", "does not exist on the server"),
        (tmp_path, "does not exist on the server"),  # a folder is not a key file
        (not_json, "is not valid JSON"),
        (service_account_key(tmp_path / "user.json", type="authorized_user"),
         "is not a service account key"),
        (service_account_key(tmp_path / "partial.json", private_key=None),
         "Incomplete service account key: private_key missing"),
    ]
    for path, why in cases:
        error = refuse(hub, "gmail", "key_path", str(path))
        assert why in error.message.en, (path, error.message.en)

    locked = service_account_key(tmp_path / "locked.json")
    real_read_text = Path.read_text

    def read_text(self: Path, *args: Any, **kwargs: Any) -> str:
        if self == locked:
            raise PermissionError(13, "Permission denied")
        return real_read_text(self, *args, **kwargs)

    monkeypatch.setattr(Path, "read_text", read_text)  # root reads anything: simulate it
    error = refuse(hub, "gmail", "key_path", str(locked))
    assert "is not readable by raccord: check its permissions" in error.message.en
    monkeypatch.undo()

    good = service_account_key(tmp_path / "gmail.json")
    hub.settings.set("gmail", "key_path", str(good), SYSTEM)
    assert hub.values("gmail")["key_path"] == str(good)


def test_exchange_oauth_or_graph_need_tenant_client_and_secret(storage_hub: Hub) -> None:
    hub = storage_hub
    for switch in ("oauth", "graph"):
        error = refuse(hub, "exchange", switch, True)
        assert "Fill in first: Tenant ID, Client ID, Client secret" in error.message.en
        assert "Renseignez d'abord" in error.message.fr
    hub.settings.set("exchange", "tenant_id", "8f7c2d1e-0000-4000-8000-000000000001", SYSTEM)
    hub.settings.set("exchange", "client_id", "c0ffee00-0000-4000-8000-000000000002", SYSTEM)
    error = refuse(hub, "exchange", "graph", True)  # still no secret
    assert "Fill in first: Client secret" in error.message.en
    hub.settings.set("exchange", "client_secret", "graph-secret-value", SYSTEM)
    hub.settings.set("exchange", "graph", True, SYSTEM)
    hub.settings.set("exchange", "oauth", True, SYSTEM)
    # While on, none of the three can be emptied, by typing nothing or by Clear.
    for key in ("tenant_id", "client_id"):
        error = refuse(hub, "exchange", key, "")
        assert "required while" in error.message.en
    before = snapshot(hub)
    with pytest.raises(SettingError) as caught:
        hub.settings.clear("exchange", "client_secret", SYSTEM)
    assert "Client secret: required while" in caught.value.message.en
    assert snapshot(hub) == before
    hub.settings.set("exchange", "graph", False, SYSTEM)
    with pytest.raises(SettingError):  # OAuth alone still needs them
        hub.settings.clear("exchange", "client_secret", SYSTEM)
    hub.settings.set("exchange", "oauth", False, SYSTEM)
    hub.settings.clear("exchange", "client_secret", SYSTEM)
    assert hub.values("exchange")["client_secret"] == ""


def test_distance_matrix_needs_place_autocomplete(storage_hub: Hub) -> None:
    hub = storage_hub
    error = refuse(hub, "google", "distance_enabled", True)
    assert "switch Place Autocomplete on first" in error.message.en
    hub.settings.set("google", "places_enabled", True, SYSTEM)
    hub.settings.set("google", "distance_enabled", True, SYSTEM)
    error = refuse(hub, "google", "places_enabled", False)
    assert "Distance Matrix is on and cannot work alone: switch Distance Matrix off first" in (
        error.message.en)
    assert "désactivez d'abord Distance Matrix" in error.message.fr
    hub.settings.set("google", "distance_enabled", False, SYSTEM)
    hub.settings.set("google", "places_enabled", False, SYSTEM)
    assert hub.values("google")["places_enabled"] is False


def test_chorus_rate_stays_within_the_quota_of_the_space_its_url_points_to(
        storage_hub: Hub) -> None:
    hub = storage_hub
    assert hub.values("chorus")["max_calls_per_second"] == 20  # production: 20/s
    error = refuse(hub, "chorus", "url", "https://sandbox-api.piste.gouv.fr")
    assert error.message.en == ("This URL points to the test space, limited to 5 calls per "
                                "second: lower the maximum calls per second (20) first.")
    assert "espace de test" in error.message.fr
    hub.settings.set("chorus", "max_calls_per_second", 5, SYSTEM)
    hub.settings.set("chorus", "url", "https://sandbox-api.piste.gouv.fr", SYSTEM)
    error = refuse(hub, "chorus", "max_calls_per_second", 6)
    assert "The CHORUS PRO test space accepts at most 5 calls per second" in error.message.en
    hub.settings.set("chorus", "max_calls_per_second", 1, SYSTEM)  # the seed's test advice
    hub.settings.set("chorus", "url", "https://api.piste.gouv.fr", SYSTEM)
    hub.settings.set("chorus", "max_calls_per_second", 20, SYSTEM)
    error = refuse(hub, "chorus", "max_calls_per_second", 21)
    assert "the largest allowed value is 20" in error.message.en


def test_chorus_company_code_must_name_an_existing_company(storage_hub: Hub) -> None:
    hub = storage_hub
    error = refuse(hub, "chorus", "company_code", "ACME")
    assert "No company has the code 'ACME'" in error.message.en
    assert "Create it first" in error.message.en
    hub.accounts.add_company("ACME", "Acme SAS", "73282932000074")
    hub.settings.set("chorus", "company_code", "ACME", SYSTEM)
    assert hub.values("chorus")["company_code"] == "ACME"


def test_the_bank_connection_needs_the_operators_bridge_credentials_first(
        storage_hub: Hub) -> None:
    hub = storage_hub
    error = refuse(hub, "bank", "enabled", True)
    assert "The operator must first set the Bridge account's client ID and client secret" in (
        error.message.en)
    hub.settings.set("bank", "client_id", "bridge-client-id", SYSTEM)
    refuse(hub, "bank", "enabled", True)  # the secret is still missing
    hub.settings.set("bank", "client_secret", "bridge-client-secret", SYSTEM)
    hub.settings.set("bank", "enabled", True, SYSTEM)
    error = refuse(hub, "bank", "client_id", "")
    assert "Required while the bank connection is enabled: switch it off first." in (
        error.message.en)


def test_a_secret_is_audited_as_set_or_not_set_and_can_be_cleared(storage_hub: Hub) -> None:
    hub = storage_hub
    hub.settings.set("sirene", "token", "first-token-value", ADMIN)
    hub.settings.set("sirene", "token", "second-token-value", ADMIN)
    hub.settings.clear("sirene", "token", ADMIN)
    assert hub.values("sirene")["token"] == ""
    assert hub.settings.display_values("sirene")["token"] is False
    assert [(e.old, e.new) for e in audit(hub, "sirene")] == [
        (UNSET_MARK, SET_MARK), (SET_MARK, SET_MARK), (SET_MARK, UNSET_MARK)]


def test_each_company_keeps_its_own_chorus_credentials(storage_hub: Hub) -> None:
    hub = storage_hub
    hub.accounts.add_company("ACME", "Acme SAS", "73282932000074")
    hub.accounts.add_company("BETA", "Beta SARL")
    hub.settings.set("chorus", "cpro_login", "TECH_1_acme@cpro.fr", ADMIN, company_scope("ACME"))
    hub.settings.set("chorus", "cpro_password", "acme-password", ADMIN, company_scope("ACME"))
    hub.settings.set("chorus", "cpro_login", "TECH_1_beta@cpro.fr", ADMIN, company_scope("BETA"))
    assert hub.values("chorus", company_scope("ACME"))["cpro_login"] == "TECH_1_acme@cpro.fr"
    assert hub.values("chorus", company_scope("ACME"))["cpro_password"] == "acme-password"
    assert hub.values("chorus", company_scope("BETA")) == {
        "cpro_login": "TECH_1_beta@cpro.fr", "cpro_password": "", "piste_client_id": "",
        "piste_client_secret": "", "late_payment_penalties": "", "recovery_indemnity": "",
        "early_payment_discount": ""}
    # Company values live beside the interface's own, which they do not touch.
    assert hub.values("chorus")["piste_client_id"] == ""
    [entry] = [e for e in audit(hub) if e.key == "cpro_password"]
    assert entry.scope == "company:ACME" and entry.new == SET_MARK
    error = refuse(hub, "chorus", "max_attempts", 2, scope=company_scope("ACME"))
    assert "Unknown field 'chorus.max_attempts'" in error.message.en


def test_unknown_interfaces_and_fields_are_named_with_the_known_ones(storage_hub: Hub) -> None:
    error = refuse(storage_hub, "sirenne", "token", "x")
    assert error.message.en.startswith("Unknown interface 'sirenne'. Interfaces: chorus")
    error = refuse(storage_hub, "sirene", "tokken", "x")
    assert error.message.en == ("Unknown field 'sirene.tokken'. Fields: enabled, token, url, "
                                "cache_ttl_h, probe_interval_s.")


def test_a_fresh_installation_satisfies_its_own_rules() -> None:
    """Every default is a value its field accepts, and every rule holds on the defaults: a new
    installation never shows a screen that refuses its own values."""
    for spec in INTERFACES:
        defaults = spec.schema.defaults()
        for f in spec.schema.fields:
            default = defaults[f.key]
            if f.secret or default in (None, "") or f.kind is Kind.PATH:
                continue
            assert f.parse(default) == default, (spec.name, f.key, default)
        for rule in spec.schema.rules:
            problem = rule.check(defaults, RuleContext(changed_key=None,
                                                       company_codes=frozenset()))
            assert problem is None, (spec.name, rule.description.en, problem)
