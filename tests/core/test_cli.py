"""`raccord` as scripts use it: the output, the exit code, and a refusal that is one line and
changes nothing."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import trustme
from cryptography import x509
from cryptography.hazmat.primitives.serialization import Encoding

from raccord.core.config import Environment
from raccord.core.hub import Hub
from raccord.core.models import AuditEntry
from raccord.core.settings_store import SYSTEM
from raccord.interfaces.sirene.settings import SIRENE_URL
from raccord.settings_export import export_settings
from raccord.wiring import open_hub
from tests.core.helpers import Cli, one_line, snapshot

NewEnv = Callable[..., Environment]


def test_config_show_prints_every_field_or_one_interface_as_json(cli: Cli) -> None:
    result = cli("config", "show")
    assert result.exit_code == 0
    for line in ("sirene.url", "chorus.max_calls_per_second", "google.distance_enabled",
                 "exchange.client_secret"):
        assert line in result.stdout
    document = json.loads(cli("config", "show", "sirene", "--json").stdout)
    assert document == {"sirene": {"enabled": False, "token": "not set", "url": SIRENE_URL,
                                    "cache_ttl_h": 168, "probe_interval_s": 3600}}
    everything = json.loads(cli("config", "show", "--json").stdout)
    assert set(everything) == {"chorus", "ocr", "sirene", "certificates", "exchange",
                               "signature", "bank", "gmail", "smtp", "google"}
    french = cli("config", "show", "sirene", "--json", RACCORD_LANG="fr")
    assert json.loads(french.stdout)["sirene"]["token"] == "non défini"


def test_config_set_saves_one_field_and_records_who(cli: Cli, env: Environment) -> None:
    result = cli("config", "set", "sirene.cache_ttl_h", "24", RACCORD_ACTOR="deploy-script")
    assert result.exit_code == 0 and result.stdout.strip() == "sirene.cache_ttl_h saved."
    hub = open_hub(env)
    assert hub.values("sirene")["cache_ttl_h"] == 24
    with hub.db.session() as session:
        entry = session.query(AuditEntry).one()
    assert (entry.actor, entry.key, entry.old, entry.new) == ("deploy-script", "cache_ttl_h",
                                                              "168", "24")


@pytest.mark.parametrize(("args", "code", "says"), [
    (["chorus.max_attempts", "99"], 1, "Successive attempts on error: the largest allowed value "
                                       "is 20."),
    (["chorus.max_attempts", "lots"], 1, "'lots' is not a whole number"),
    (["sirene.url", "http://api.insee.fr"], 1, "is not an https:// address"),
    (["exchange.oauth", "true"], 1, "Fill in first: Tenant ID, Client ID, Client secret."),
    (["google.distance_enabled", "yes"], 1, "switch Place Autocomplete on first"),
    (["chorus.company_code", "NOPE"], 1, "No company has the code 'NOPE'"),
    (["sirene.nope", "1"], 1, "Unknown field 'sirene.nope'. Fields: enabled, token"),
    (["nope.url", "https://x.fr"], 1, "Unknown interface 'nope'. Interfaces: chorus"),
    (["sirene", "1"], 2, "'sirene': write INTERFACE.KEY, for example chorus.max_attempts."),
    (["sirene.url"], 2, "Give a value."),
    (["chorus.cpro_login", "x", "--company", "NOPE"], 1, "Unknown company 'NOPE'."),
])
def test_config_set_refuses_with_one_line_and_changes_nothing(
        cli: Cli, env: Environment, args: list[str], code: int, says: str) -> None:
    hub = open_hub(env)
    before = snapshot(hub)
    result = cli("config", "set", *args)
    assert result.exit_code == code
    assert says in one_line(result)
    assert snapshot(hub) == before


def test_config_set_speaks_french_by_default(cli: Cli) -> None:
    result = cli("config", "set", "chorus.max_attempts", "0", RACCORD_LANG=None, LANG="fr_FR.UTF-8")
    assert result.exit_code == 1
    assert "la valeur minimale est 1" in one_line(result)


def test_a_secret_is_read_from_stdin_and_never_printed(cli: Cli, env: Environment) -> None:
    result = cli("config", "set", "sirene.token", input="stdin-token-value\n")
    assert result.exit_code == 0, result.output
    assert "stdin-token-value" not in result.output
    assert open_hub(env).values("sirene")["token"] == "stdin-token-value"
    cleared = cli("config", "clear", "sirene.token")
    assert cleared.exit_code == 0 and open_hub(env).values("sirene")["token"] == ""


def test_a_company_keeps_its_own_values_from_the_cli(cli: Cli, env: Environment) -> None:
    assert cli("company", "add", "ACME", "Acme SAS", "--siret", "732 829 320 00074"
               ).exit_code == 0
    result = cli("config", "set", "chorus.cpro_password", "--company", "ACME",
                 input="acme-password\n")
    assert result.exit_code == 0, result.output
    assert open_hub(env).values("chorus", "company:ACME")["cpro_password"] == "acme-password"
    assert open_hub(env).values("chorus")["piste_client_secret"] == ""


# -- export and import ----------------------------------------------------------------------
@pytest.fixture
def authority() -> trustme.CA:
    return trustme.CA(organization_name="Raccord Test Root")


def populate(hub: Hub, authority: trustme.CA) -> None:
    hub.accounts.add_company("ACME", "Acme SAS", "73282932000074")
    hub.accounts.add_company("BETA", "Beta SARL")
    hub.trust.add(authority.cert_pem.bytes(), "olga")
    # Rules on the final state: the test space's URL with its quota, an existing company.
    hub.settings.set("chorus", "max_calls_per_second", 5, SYSTEM)
    hub.settings.set("chorus", "url", "https://sandbox-api.piste.gouv.fr", SYSTEM)
    hub.settings.set("chorus", "company_code", "ACME", SYSTEM)
    hub.settings.set("chorus", "piste_client_secret", "piste-secret", SYSTEM)
    hub.settings.set("sirene", "token", "sirene-token", SYSTEM)
    hub.settings.set("exchange", "tenant_id", "tenant", SYSTEM)
    hub.settings.set("exchange", "client_id", "client", SYSTEM)
    hub.settings.set("exchange", "client_secret", "graph-secret", SYSTEM)
    hub.settings.set("exchange", "graph", True, SYSTEM)
    hub.settings.set("google", "places_enabled", True, SYSTEM)
    hub.settings.set("google", "distance_enabled", True, SYSTEM)
    hub.settings.set("chorus", "cpro_login", "TECH_1_acme@cpro.fr", SYSTEM, "company:ACME")
    hub.settings.set("chorus", "cpro_password", "acme-password", SYSTEM, "company:ACME")


def secretless(hub: Hub, interface: str, scope: str = "") -> dict[str, object]:
    schema = hub.interfaces[interface].schema
    fields = schema.company_fields if scope else schema.fields
    values = hub.values(interface, scope)
    return {f.key: values[f.key] for f in fields if not f.secret}


def test_export_then_import_reproduces_an_installation(
        new_storage_env: NewEnv, authority: trustme.CA, tmp_path: Path) -> None:
    source_env = new_storage_env()
    source = open_hub(source_env)
    populate(source, authority)
    exported = tmp_path / "settings.json"
    result = Cli(source_env)("config", "export", str(exported))
    assert result.exit_code == 0, result.output
    document = json.loads(exported.read_text())
    assert document["format"] == "raccord-settings/1" and "secrets" not in document

    target_env = new_storage_env()
    target = open_hub(target_env)
    # Graph is on in the source: its secret, not in the file, must be there first.
    empty = snapshot(target)
    result = Cli(target_env)("config", "import", str(exported))
    assert result.exit_code == 1
    assert "Client secret: required while" in one_line(result)
    assert snapshot(target) == empty
    Cli(target_env)("config", "set", "exchange.client_secret", input="typed-on-target\n")
    result = Cli(target_env)("config", "import", str(exported))
    assert result.exit_code == 0, result.output
    for name in source.interfaces:
        assert secretless(target, name) == secretless(source, name), name
    assert target.values("sirene")["token"] == ""  # secrets stay out of a plain export
    assert target.values("chorus")["piste_client_secret"] == ""
    assert [(c.code, c.name, c.siret) for c in target.accounts.companies()] == [
        ("ACME", "Acme SAS", "73282932000074"), ("BETA", "Beta SARL", None)]
    assert secretless(target, "chorus", "company:ACME") == {
        "cpro_login": "TECH_1_acme@cpro.fr", "piste_client_id": "",
        "late_payment_penalties": "", "recovery_indemnity": "", "early_payment_discount": ""}
    assert [c.fingerprint for c in target.trust.list()] == [
        c.fingerprint for c in source.trust.list()]
    # Importing again changes nothing.
    before = snapshot(target)
    assert Cli(target_env)("config", "import", str(exported)).exit_code == 0
    assert snapshot(target)["rows"] == before["rows"]


def test_secrets_travel_only_with_the_passphrase(new_storage_env: NewEnv, authority: trustme.CA,
                                                tmp_path: Path) -> None:
    source_env = new_storage_env()
    source = open_hub(source_env)
    populate(source, authority)
    sealed = tmp_path / "sealed.json"
    result = Cli(source_env)("config", "export", str(sealed), "--with-secrets", input="\n")
    assert result.exit_code == 1
    assert "A passphrase is needed to export secrets." in one_line(result)
    result = Cli(source_env)("config", "export", str(sealed), "--with-secrets",
                             RACCORD_EXPORT_PASSPHRASE="the right passphrase")
    assert result.exit_code == 0, result.output

    target_env = new_storage_env()
    target = open_hub(target_env)
    empty = snapshot(target)
    cli = Cli(target_env)
    result = cli("config", "import", str(sealed), input="\n")
    assert result.exit_code == 1
    assert "This export holds encrypted secrets: give the passphrase" in one_line(result)
    assert snapshot(target) == empty
    result = cli("config", "import", str(sealed), RACCORD_EXPORT_PASSPHRASE="a wrong one")
    assert result.exit_code == 1
    assert "Wrong passphrase" in one_line(result)
    assert snapshot(target) == empty
    result = cli("config", "import", str(sealed), input="the right passphrase\n")
    assert result.exit_code == 0, result.output
    assert target.values("sirene")["token"] == "sirene-token"
    assert target.values("exchange")["client_secret"] == "graph-secret"
    assert target.values("chorus", "company:ACME")["cpro_password"] == "acme-password"


def test_an_import_with_one_bad_entry_changes_nothing(new_storage_env: NewEnv,
                                                      authority: trustme.CA,
                                                      tmp_path: Path) -> None:
    source = open_hub(new_storage_env())
    populate(source, authority)
    good = export_settings(source, "pass phrase")
    # The target already has a life of its own, which a refused import must leave alone.
    target_env = new_storage_env()
    target = open_hub(target_env)
    target.accounts.add_company("OLD", "Old SA")
    before = snapshot(target)

    def broken(change: str) -> dict[str, Any]:
        document = json.loads(json.dumps(good, default=str))
        if change == "value":
            document["settings"]["google"]["url"] = "http://maps.example.com"
        elif change == "rule":
            document["settings"]["chorus"]["max_calls_per_second"] = 20
        elif change == "company value":
            document["company_settings"]["ACME"]["chorus"]["nope"] = "x"
        elif change == "siret":
            document["companies"].append({"code": "ZED", "name": "Zed", "siret": "73282932000075"})
        elif change == "certificate":
            document["certificates"].append("-----BEGIN CERTIFICATE-----\nAAAA\n"
                                            "-----END CERTIFICATE-----\n")
        elif change == "orphan":
            document["company_settings"]["GHOST"] = {"chorus": {"cpro_login": "x"}}
        elif change == "unknown interface":
            document["settings"]["telepathy"] = {"enabled": True}
        return document

    says = {
        "value": "is not an https:// address",
        "rule": "accepts at most 5 calls per second",
        "company value": "Unknown field 'chorus.nope'",
        "siret": "wrong check digit",
        "certificate": "not a readable certificate",
        "orphan": "values for the company 'GHOST', which is neither in the file",
        "unknown interface": "Unknown interface 'telepathy'",
    }
    for change, why in says.items():
        path = tmp_path / f"{change}.json"
        path.write_text(json.dumps(broken(change)))
        result = Cli(target_env)("config", "import", str(path),
                                 RACCORD_EXPORT_PASSPHRASE="pass phrase")
        assert result.exit_code == 1, (change, result.output)
        assert why in one_line(result), change
        assert snapshot(target) == before, f"an import with a bad {change} changed things"
    path = tmp_path / "other.json"
    path.write_text('{"format": "something-else"}')
    assert "not a raccord export" in one_line(Cli(target_env)("config", "import", str(path)))
    path.write_text("{not json")
    assert "is not JSON" in one_line(Cli(target_env)("config", "import", str(path)))
    assert snapshot(target) == before


# -- tests -------------------------------------------------------------------------------------
def test_raccord_test_exits_0_only_when_the_test_passes(sandboxed_hub: Hub) -> None:
    cli = Cli(sandboxed_hub.env)
    result = cli("test", "sirene")
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("sirene: Test passed.")
    assert "✓" in result.stdout
    sandboxed_hub.settings.set("sirene", "token", "a-wrong-token", SYSTEM)
    result = cli("test", "sirene")
    assert result.exit_code == 1
    assert "sirene: Failed at step" in result.stdout and "401" in result.stdout
    assert "✗" in result.stdout and "a-wrong-token" not in result.output
    one = cli("test", "google.places")
    assert one.exit_code == 0 and one.stdout.startswith("google.places: Test passed.")


def test_raccord_test_names_the_interfaces_that_have_a_test(cli: Cli) -> None:
    for target, says in (("telepathy", "'telepathy' has no Test. Interfaces: chorus, ocr"),
                         ("certificates", "'certificates' has no Test."),
                         ("google.teleport", "Unknown test 'teleport'.")):
        result = cli("test", target)
        assert result.exit_code == 2
        assert says in one_line(result)
    result = cli("test", "sirene")  # nothing configured: fails at the first step, says what
    assert result.exit_code == 1
    assert "Fill in and save: SIRENE API key." in result.stdout


# -- certificates, users, companies ----------------------------------------------------------
def test_certificate_authorities_are_added_listed_and_removed(
        cli: Cli, env: Environment, authority: trustme.CA, tmp_path: Path) -> None:
    pem = tmp_path / "root.pem"
    authority.cert_pem.write_to_path(str(pem))
    other = trustme.CA(organization_name="Other Root")
    der = tmp_path / "other.der"
    der.write_bytes(x509.load_pem_x509_certificate(other.cert_pem.bytes()).public_bytes(
        Encoding.DER))
    added = cli("certificates", "add", str(pem))
    assert added.exit_code == 0, added.output
    assert "O=Raccord Test Root" in added.stdout and "sha256=" in added.stdout
    assert cli("certificates", "add", str(der)).exit_code == 0
    hub = open_hub(env)
    fingerprints = {c.subject: c.fingerprint for c in hub.trust.list()}
    assert len(fingerprints) == 2
    listed = cli("certificates", "list").stdout
    for subject, fingerprint in fingerprints.items():
        assert fingerprint in listed and subject.split(",")[0] in listed
    target = next(f for s, f in fingerprints.items() if "Other Root" in s)
    colons = ":".join(target[i:i + 2] for i in range(0, 16, 2)).upper()  # a prefix, as shown
    removed = cli("certificates", "remove", colons)
    assert removed.exit_code == 0 and "Removed:" in removed.stdout
    assert [c.fingerprint for c in hub.trust.list()] == [fingerprints[next(
        s for s in fingerprints if "Raccord Test Root" in s)]]


def test_bad_certificate_files_are_refused_with_a_clear_message(
        cli: Cli, env: Environment, authority: trustme.CA, tmp_path: Path) -> None:
    corrupt = tmp_path / "corrupt.pem"
    corrupt.write_bytes(b"-----BEGIN CERTIFICATE-----\nbm90IGEgY2VydA==\n"
                        b"-----END CERTIFICATE-----\n")
    garbage = tmp_path / "garbage.der"
    garbage.write_bytes(b"\x30\x82\x01\x00garbage")
    leaf = tmp_path / "server.pem"
    leaf.write_bytes(authority.issue_cert("api.example.fr").cert_chain_pems[0].bytes())
    hub = open_hub(env)
    before = snapshot(hub)
    for path, says in ((corrupt, "This file is not a readable certificate"),
                       (garbage, "This file is not a readable certificate"),
                       (leaf, "This certificate is not a certificate authority's: import the "
                              "authority's root certificate"),
                       (tmp_path / "absent.pem", "Cannot read the file")):
        result = cli("certificates", "add", str(path))
        assert result.exit_code == 1, path
        assert says in one_line(result), path
    result = cli("certificates", "remove", "deadbeef")
    assert result.exit_code == 1
    assert "No single imported certificate has the fingerprint 'deadbeef'" in one_line(result)
    assert snapshot(hub) == before


def test_users_are_added_with_a_known_role(cli: Cli, env: Environment) -> None:
    result = cli("user", "add", "bob", "--role", "boss", RACCORD_NEW_PASSWORD="long enough pw")
    assert result.exit_code == 1
    assert "Unknown role 'boss': operator, administrator, reader or employee." in one_line(
        result)
    assert open_hub(env).accounts.get("bob") is None
    short = cli("user", "add", "bob", "--role", "reader", input="short\n")
    assert short.exit_code == 1 and "Password too short" in one_line(short)
    result = cli("user", "add", "bob", "--role", "administrator", input="long enough pw\n")
    assert result.exit_code == 0 and "User bob created (administrator)." in result.stdout
    assert "long enough pw" not in result.output
    assert open_hub(env).accounts.authenticate("bob", "long enough pw") is not None
    again = cli("user", "add", "bob", "--role", "reader", RACCORD_NEW_PASSWORD="long enough pw")
    assert again.exit_code == 1 and "The user 'bob' already exists." in one_line(again)
    bot = cli("user", "add", "akuiteo", "--role", "operator", "--technical",
              RACCORD_NEW_PASSWORD="bot password 1")
    assert bot.exit_code == 0
    listed = cli("user", "list").stdout
    assert "bob" in listed and "administrator" in listed and "akuiteo" in listed
    key = cli("user", "api-key", "bob")
    assert key.exit_code == 0 and key.stdout.startswith("rk_")
    assert open_hub(env).accounts.by_api_key(key.stdout.strip()) is not None


def test_companies_are_added_with_a_valid_siret(cli: Cli, env: Environment) -> None:
    result = cli("company", "add", "ACME", "Acme SAS", "--siret", "73282932000075")
    assert result.exit_code == 1
    assert "The SIRET 73282932000075 has a wrong check digit" in one_line(result)
    short = cli("company", "add", "ACME", "Acme SAS", "--siret", "7328293")
    assert short.exit_code == 1 and "has 7 digits" in one_line(short)
    assert open_hub(env).accounts.companies() == []
    assert cli("company", "add", "ACME", "Acme SAS", "--siret", "73282932000074").exit_code == 0
    again = cli("company", "add", "ACME", "Other")
    assert again.exit_code == 1 and "The company 'ACME' already exists." in one_line(again)
    spaced = cli("company", "add", "A B", "Spaced")
    assert spaced.exit_code == 1 and "Invalid company code" in one_line(spaced)
    listed = cli("company", "list").stdout
    assert "ACME" in listed and "Acme SAS" in listed and "73282932000074" in listed
