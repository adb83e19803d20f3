"""Helpers of the core tests: the CLI as a script sees it, the console as a browser sees it
(HTTP level), the REST API with an API key, and snapshots proving that a refusal changed
nothing."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import func, select
from typer.testing import CliRunner, Result

from raccord.cli import app as cli_app
from raccord.core.config import Environment
from raccord.core.hub import Hub
from raccord.core.models import AuditEntry, Certificate, Company, Setting
from raccord.web import create_app

PASSWORD = "correct horse battery"
CSRF = re.compile(r'name="csrf" value="([^"]+)"')


@dataclass
class Cli:
    """`raccord ...` run against one installation (RACCORD_HOME, RACCORD_DATABASE_URL), in
    English unless told otherwise."""

    env: Environment
    runner: CliRunner = field(default_factory=CliRunner)

    def variables(self, **extra: str | None) -> dict[str, str | None]:
        variables: dict[str, str | None] = {
            "RACCORD_HOME": str(self.env.home), "RACCORD_DATABASE_URL": self.env.database_url,
            "RACCORD_REDIS_URL": self.env.redis_url, "RACCORD_MODE": self.env.mode.value,
            "RACCORD_SECRET_KEY": self.env.secret_key, "RACCORD_LANG": "en",
            "RACCORD_EXPORT_PASSPHRASE": None, "RACCORD_NEW_PASSWORD": None,
            "RACCORD_ACTOR": None, "COLUMNS": "400",
        }
        variables.update(extra)
        return variables

    def __call__(self, *args: str, input: str | None = None, **extra: str | None) -> Result:
        return self.runner.invoke(cli_app, list(args), input=input, env=self.variables(**extra),
                                  catch_exceptions=False)


def one_line(result: Result) -> str:
    """A refusal is one line on stderr, never a traceback."""
    text = result.stderr.strip()
    assert text, result.output
    assert "Traceback" not in result.output
    assert len(text.splitlines()) == 1, text
    return text


class Browser:
    """The console over HTTP: cookies, the CSRF token of the forms, no redirects followed."""

    def __init__(self, hub: Hub, raise_server_exceptions: bool = True) -> None:
        self.hub = hub
        self.client = TestClient(create_app(hub), follow_redirects=False,
                                 raise_server_exceptions=raise_server_exceptions)

    def login(self, login: str, password: str = PASSWORD) -> Browser:
        response = self.client.post("/login", data={"login": login, "password": password})
        assert response.status_code == 303, response.text
        return self

    def get(self, path: str, **kwargs: Any) -> Any:
        return self.client.get(path, **kwargs)

    def csrf(self) -> str:
        match = CSRF.search(self.client.get("/").text)
        assert match, "no CSRF token on the dashboard"
        return match.group(1)

    def post(self, path: str, data: dict[str, Any] | None = None, csrf: bool = True,
             **kwargs: Any) -> Any:
        form = dict(data or {})
        if csrf:
            form["csrf"] = self.csrf()
        return self.client.post(path, data=form, **kwargs)

    def save(self, interface: str, key: str, value: str) -> Any:
        return self.post(f"/interfaces/{interface}/fields/{key}", {"value": value})


def api_client(hub: Hub, login: str) -> TestClient:
    token = hub.accounts.new_api_key(login)
    return TestClient(create_app(hub), headers={"Authorization": f"Bearer {token}"})


def read_all_bytes(folder: Path) -> dict[Path, bytes]:
    return {p: p.read_bytes() for p in folder.rglob("*") if p.is_file()}


def snapshot(hub: Hub) -> dict[str, Any]:
    """Everything a refusal must leave alone: every value, the audit, companies, CAs."""
    with hub.db.session() as session:
        counts = {model.__tablename__: session.scalar(select(func.count()).select_from(model))
                  for model in (AuditEntry, Setting, Company, Certificate)}
        rows = sorted((s.interface, s.key, s.scope, s.value) for s in session.scalars(
            select(Setting)))
    values = {name: hub.values(name) for name in hub.interfaces}
    return {"counts": counts, "rows": rows, "values": values}
