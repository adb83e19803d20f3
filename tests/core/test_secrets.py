"""Secrets are write-only and encrypted at rest. A distinctive value is planted in every secret
field (through the settings store, the CLI, the REST API and the console), then looked for,
byte for byte, everywhere raccord writes or shows something."""

from __future__ import annotations

import json
import logging
import re
import secrets
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import MetaData, select, text

from raccord.core.config import DeploymentMode
from raccord.core.hub import Hub
from raccord.core.jobs import job, recent_runs
from raccord.core.models import CallLog
from raccord.core.roles import Role
from raccord.core.settings_store import SYSTEM, company_scope
from raccord.sandbox.setup import Sandbox, point_at_sandbox
from raccord.wiring import open_hub
from tests.conftest import make_env
from tests.core.helpers import PASSWORD, Browser, Cli, api_client, read_all_bytes

COMPANY = "ACME"


@job("sirene.leaky_probe")
def leaky_probe(hub: Hub, token: str) -> dict[str, int]:
    raise ValueError(f"the service refused the token {token}")


@dataclass
class Planted:
    """Where each planted secret went: (interface, key, scope) -> value."""

    values: dict[tuple[str, str, str], str]

    @property
    def all(self) -> list[str]:
        return list(self.values.values())

    def assert_absent(self, content: str | bytes, where: str) -> None:
        data = content.encode() if isinstance(content, str) else content
        found = [k for k, v in self.values.items() if v.encode() in data]
        assert not found, f"secret of {found} found in clear in {where}"


def distinctive(interface: str, key: str) -> str:
    return f"Pl4nted-{interface}-{key}-{secrets.token_hex(8)}"


def plant_everywhere(hub: Hub) -> Planted:
    """A distinctive value in every secret field, global and per company, each entry path
    used at least once: CLI (stdin), REST API, console form, settings store."""
    if hub.accounts.company(COMPANY) is None:
        hub.accounts.add_company(COMPANY, "Acme SAS", "73282932000074")
    if hub.accounts.get("olga") is None:
        hub.accounts.add_user("olga", PASSWORD, Role.OPERATOR)
    planted: dict[tuple[str, str, str], str] = {}
    for spec in hub.interfaces.values():
        for f in spec.schema.fields:
            if f.secret:
                planted[(spec.name, f.key, "")] = distinctive(spec.name, f.key)
        for f in spec.schema.company_fields:
            if f.secret:
                planted[(spec.name, f.key, company_scope(COMPANY))] = distinctive(spec.name, f.key)
    cli = Cli(hub.env)
    via_cli = [("exchange", "password", ""), ("chorus", "cpro_password", company_scope(COMPANY))]
    for interface, key, scope in via_cli:
        company = ["--company", COMPANY] if scope else []
        result = cli("config", "set", f"{interface}.{key}", *company,
                     input=planted[(interface, key, scope)] + "\n")
        assert result.exit_code == 0, result.output
    api = api_client(hub, "olga")
    response = api.put("/api/v1/settings/google/places_key",
                       json={"value": planted[("google", "places_key", "")]})
    assert response.status_code == 200, response.text
    response = api.put(f"/api/v1/companies/{COMPANY}/settings/chorus/piste_client_secret",
                       json={"value": planted[("chorus", "piste_client_secret",
                                               company_scope(COMPANY))]})
    assert response.status_code == 200, response.text
    browser = Browser(hub).login("olga")
    response = browser.save("bank", "client_secret", planted[("bank", "client_secret", "")])
    assert response.status_code == 303, response.text
    done = {*via_cli, ("google", "places_key", ""),
            ("chorus", "piste_client_secret", company_scope(COMPANY)),
            ("bank", "client_secret", "")}
    for (interface, key, scope), value in planted.items():
        if (interface, key, scope) not in done:
            hub.settings.set(interface, key, value, SYSTEM, scope)
    for (interface, key, scope), value in planted.items():
        assert hub.values(interface, scope)[key] == value  # readable by the clients
    return Planted(planted)


def dump_tables(hub: Hub) -> str:
    """Every row of every table, as text."""
    metadata = MetaData()
    metadata.reflect(hub.db.engine)
    lines = []
    with hub.db.engine.connect() as connection:
        for table in metadata.sorted_tables:
            for row in connection.execute(select(table)):
                lines.append(f"{table.name}: {tuple(row)}")
    return "\n".join(lines)


def postgres_files(hub: Hub) -> dict[Path, bytes]:
    """The database's own files and current WAL segment, when the server runs here."""
    with hub.db.engine.connect() as connection:
        connection.execute(text("CHECKPOINT"))
        folder = Path(connection.execute(text("SHOW data_directory")).scalar_one())
        base = connection.execute(text(
            "SELECT oid FROM pg_database WHERE datname = current_database()")).scalar_one()
        wal = connection.execute(text("SELECT pg_walfile_name(pg_current_wal_lsn())")
                                 ).scalar_one()
    if not folder.exists():  # a server on another machine: its rows were checked already
        return {}
    files = read_all_bytes(folder / "base" / str(base))
    files[folder / "pg_wal" / wal] = (folder / "pg_wal" / wal).read_bytes()
    return files


def test_secrets_are_encrypted_at_rest(storage_hub: Hub) -> None:
    hub = storage_hub
    planted = plant_everywhere(hub)
    planted.assert_absent(dump_tables(hub), "the database rows")
    files = read_all_bytes(hub.env.home)  # SQLite database, its WAL, job store, key file
    if hub.db.engine.dialect.name == "sqlite":
        assert any(p.name == "raccord.db-wal" for p in files)
    else:
        files.update(postgres_files(hub))
    assert files
    for path, data in files.items():
        planted.assert_absent(data, str(path))
    # A fresh hub (another process) with the same key reads them back.
    again = open_hub(hub.env)
    for (interface, key, scope), value in planted.values.items():
        assert again.values(interface, scope)[key] == value


@pytest.fixture
def planted_sandbox(hub: Hub, sandbox: Sandbox) -> Iterator[tuple[Hub, Planted]]:
    """The sandboxed installation with wrong secrets planted: Tests send them out and fail."""
    for sim in sandbox.simulators.values():
        sim.reset()
    point_at_sandbox(hub, sandbox)
    yield hub, plant_everywhere(hub)


def console_paths(hub: Hub) -> list[str]:
    paths = ["/", "/audit", "/jobs", "/companies", f"/companies/{COMPANY}", "/certificates",
             "/login"]
    for name in hub.interfaces:
        paths += [f"/interfaces/{name}", f"/interfaces/{name}/calls",
                  f"/audit?interface={name}"]
    return paths


LINK = re.compile(r'href="(/[^"#?]*)(?:\?[^"#]*)?')


def test_secrets_never_appear_in_console_pages(planted_sandbox: tuple[Hub, Planted]) -> None:
    hub, planted = planted_sandbox
    browser = Browser(hub, raise_server_exceptions=False).login("olga")
    for name, spec in hub.interfaces.items():  # Tests send the wrong secrets out and fail
        for test in spec.tests:
            page = browser.post(f"/interfaces/{name}/test", {"which": test.name})
            assert page.status_code == 200, (name, page.status_code)
            assert name != "sirene" or 'data-test-result="failed"' in page.text
            planted.assert_absent(page.text, f"the Test report of {name}.{test.name}")
    # Every core page, then every page they link to (features' pages too).
    to_visit, seen = console_paths(hub), set[str]()
    while to_visit and len(seen) < 200:
        path = to_visit.pop()
        if path in seen or path.startswith(("/static", "/lang", "/logout", "/api")):
            continue
        seen.add(path)
        page = browser.get(path)
        planted.assert_absent(page.text, f"the console page {path}")
        if path in console_paths(hub):
            assert page.status_code == 200, (path, page.status_code)
        to_visit += [m.group(1) for m in LINK.finditer(page.text)]
    assert len(seen) > 30
    audit = browser.get("/audit").text
    # The history says a secret changed (in the reader's words), never to what.
    assert "Valeur définie (masquée)" in audit


def test_secrets_never_appear_in_api_answers(planted_sandbox: tuple[Hub, Planted]) -> None:
    hub, planted = planted_sandbox
    api = api_client(hub, "olga")
    answers = [api.get("/api/v1/interfaces"), api.get("/api/v1/audit?limit=1000"),
               api.get("/api/v1/companies"), api.get("/api/v1/certificates"),
               api.get("/api/v1/jobs/runs")]
    for name in hub.interfaces:
        answers.append(api.get(f"/api/v1/settings/{name}"))
        answers.append(api.post(f"/api/v1/interfaces/{name}/test"))
    value = distinctive("sirene", "token")
    saved = api.put("/api/v1/settings/sirene/token", json={"value": value})
    assert saved.json() == {"interface": "sirene", "key": "token", "value": True}
    planted.values[("sirene", "token", "")] = value
    answers.append(saved)
    for answer in answers:
        assert answer.status_code in (200, 404), (answer.url, answer.text)
        planted.assert_absent(answer.text, f"the API answer to {answer.url}")
    assert api.get("/api/v1/settings/sirene").json()["token"] is True  # set, never the value


def test_secrets_never_appear_in_cli_output(planted_sandbox: tuple[Hub, Planted]) -> None:
    hub, planted = planted_sandbox
    cli = Cli(hub.env)
    shown = cli("config", "show")
    assert shown.exit_code == 0
    planted.assert_absent(shown.output, "raccord config show")
    assert re.search(r"sirene\.token\s*│\s*set\s", shown.stdout)
    as_json = cli("config", "show", "--json")
    planted.assert_absent(as_json.output, "raccord config show --json")
    document = json.loads(as_json.stdout)
    assert document["sirene"]["token"] == "set"
    assert document["gmail"]["key_path"] != "set"
    one = json.loads(cli("config", "show", "exchange", "--json").stdout)
    assert list(one) == ["exchange"] and one["exchange"]["client_secret"] == "set"
    for name, spec in hub.interfaces.items():
        if spec.tests:
            result = cli("test", name)
            planted.assert_absent(result.output, f"raccord test {name}")
    for args in (["company", "list"], ["user", "list"], ["certificates", "list"]):
        planted.assert_absent(cli(*args).output, "raccord " + " ".join(args))
    hub.settings.clear("sirene", "token", SYSTEM)
    assert json.loads(cli("config", "show", "sirene", "--json").stdout)["sirene"][
        "token"] == "not set"


def test_exports_never_hold_a_secret_in_clear(planted_sandbox: tuple[Hub, Planted],
                                              tmp_path: Path) -> None:
    hub, planted = planted_sandbox
    cli = Cli(hub.env)
    plain, sealed = tmp_path / "plain.json", tmp_path / "sealed.json"
    assert cli("config", "export", str(plain)).exit_code == 0
    planted.assert_absent(plain.read_bytes(), "an export without secrets")
    assert "secrets" not in json.loads(plain.read_text())
    result = cli("config", "export", str(sealed), "--with-secrets",
                 RACCORD_EXPORT_PASSPHRASE="a long export passphrase")
    assert result.exit_code == 0, result.output
    planted.assert_absent(sealed.read_bytes(), "an export with secrets")
    planted.assert_absent(result.output, "the export command's output")
    assert json.loads(sealed.read_text())["secrets"]["data"]
    # The passphrase brings them back in another installation.
    other = make_env(tmp_path / "other")
    result = Cli(other)("config", "import", str(sealed),
                        RACCORD_EXPORT_PASSPHRASE="a long export passphrase")
    assert result.exit_code == 0, result.output
    planted.assert_absent(result.output, "the import command's output")
    restored = open_hub(other)
    for (interface, key, scope), value in planted.values.items():
        assert restored.values(interface, scope)[key] == value


@pytest.fixture
def log_file(tmp_path: Path) -> Iterator[Path]:
    """A file handler added to the root logger after the hub exists (as a deployment's own
    logging configuration may be), and one on a logger that does not propagate (as uvicorn's
    'uvicorn.error' writes the traceback of a crashed request to its own handler)."""
    path = tmp_path / "raccord.log"
    handler = logging.FileHandler(path)
    handler.setFormatter(logging.Formatter("%(levelname)s %(name)s %(message)s"))
    uvicorn = logging.getLogger("uvicorn.error")
    root = logging.getLogger()
    root.addHandler(handler)
    uvicorn.addHandler(handler)
    propagate = uvicorn.propagate
    uvicorn.propagate = False
    yield path
    uvicorn.propagate = propagate
    uvicorn.removeHandler(handler)
    root.removeHandler(handler)
    handler.close()


def test_secrets_never_reach_the_logs_nor_error_pages(
        planted_sandbox: tuple[Hub, Planted], caplog: pytest.LogCaptureFixture, log_file: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    hub, planted = planted_sandbox
    caplog.set_level(logging.DEBUG)
    token = planted.values[("sirene", "token", "")]
    # Tests send the secrets out and fail.
    for name, spec in hub.interfaces.items():
        if spec.tests:
            hub.run_tests(name)
    # A job whose error quotes a secret: the run history and the log get it masked.
    hub.jobs.enqueue("sirene.leaky_probe", token=token)
    hub.jobs.run_pending()
    [run] = recent_runs(hub, 1)
    assert run.outcome == "failure" and "refused the token ***" in (run.error or "")
    # A request that crashes with a secret in its exception: a plain page, a plain log line.
    def explode(_interface: str) -> Any:
        raise RuntimeError(f"database said: bad password {token} for user raccord")

    monkeypatch.setattr(hub, "status", explode)
    browser = Browser(hub, raise_server_exceptions=False).login("olga")
    page = browser.get("/")
    assert page.status_code == 500
    assert "An unexpected error occurred" in page.text or "erreur inattendue" in page.text
    assert "Traceback" not in page.text and "RuntimeError" not in page.text
    planted.assert_absent(page.text, "the error page")
    answer = api_client(hub, "olga").get("/api/v1/settings/sirene")
    assert answer.status_code == 200
    monkeypatch.setattr(hub.settings, "display_values", explode)
    crashed = Browser(hub, raise_server_exceptions=False)
    crashed.client.headers["Authorization"] = "Bearer " + hub.accounts.new_api_key("olga")
    answer = crashed.get("/api/v1/settings/sirene")
    assert answer.status_code == 500 and answer.json()["detail"]
    planted.assert_absent(answer.text, "the API error answer")
    # What uvicorn logs after the error page: the exception, with its traceback.
    try:
        raise RuntimeError(f"token {token} refused")
    except RuntimeError as error:
        logging.getLogger("uvicorn.error").error("Exception in ASGI application\n",
                                                 exc_info=error)
    logging.getLogger("raccord.anything").info("calling with Authorization: Bearer %s", token)
    assert caplog.text and log_file.read_text()
    assert "unexpected error on GET /" in log_file.read_text()
    planted.assert_absent(caplog.text, "the captured log")
    planted.assert_absent(log_file.read_bytes(), "the log file")
    with hub.db.session() as session:
        stored = [str(tuple(c.__dict__.values())) for c in session.scalars(select(CallLog))]
    assert stored  # the Tests called out
    planted.assert_absent("\n".join(stored), "the call log")


def test_the_call_log_masks_credentials_in_urls_and_errors(sandboxed_hub: Hub,
                                                           sandbox: Sandbox) -> None:
    hub = sandboxed_hub
    base = sandbox.url("sirene")
    url = (f"{base.replace('https://', 'https://someone:hunter2-pass@')}/siret/00000000000000"
           "?key=AIzaQueryKey123&access_token=ya29.AccessTok&q=kept")
    from raccord.core.diagnosis import ServiceError

    with pytest.raises(ServiceError):
        hub.outgoing("sirene").request(
            "GET", url.replace("someone:hunter2-pass@", ""), expect=(299,),
            detail=lambda r: "upstream echoed Authorization: Bearer eyJhbGciOiJSUzI1.sig")
    hub.outgoing("sirene").record("GET", url, 401, 0.0, "unauthorized",
                                  'refused {"access_token": "ya29.AccessTok", "password": "pw1"}')
    with hub.db.session() as session:
        rows = list(session.scalars(select(CallLog).order_by(CallLog.id)))
    first, second = rows[-2], rows[-1]
    assert "key=***" in first.url and "access_token=***" in first.url and "q=kept" in first.url
    assert "AIzaQueryKey123" not in first.url and "ya29" not in first.url
    assert first.error and "Bearer ***" in first.error and "eyJhbGciOiJSUzI1" not in first.error
    assert "hunter2-pass" not in second.url and "***@127.0.0.1" in second.url
    assert second.error and "ya29" not in second.error and "pw1" not in second.error
    browser = Browser(hub)
    hub.accounts.add_user("olga", PASSWORD, Role.OPERATOR)
    page = browser.login("olga").get("/interfaces/sirene/calls").text
    for leaked in ("hunter2-pass", "AIzaQueryKey123", "ya29.AccessTok", "eyJhbGciOiJSUzI1"):
        assert leaked not in page
    assert "key=***" in page


def test_a_secret_typed_in_a_refused_form_is_not_echoed(tmp_path: Path) -> None:
    hub = open_hub(make_env(tmp_path / "saas", mode=DeploymentMode.SAAS))
    hub.accounts.add_user("adam", PASSWORD, Role.ADMINISTRATOR)
    typed = distinctive("bank", "client_secret")
    page = Browser(hub).login("adam").save("bank", "client_secret", typed)
    assert page.status_code == 400
    assert "set by the operator in SaaS mode" in page.text.replace("&#39;", "'") or (
        "réservé à l'opérateur" in page.text.replace("&#39;", "'"))
    assert typed not in page.text
    assert hub.values("bank")["client_secret"] == ""
