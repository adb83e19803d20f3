"""A logged-in console client over HTTP (fastapi TestClient), for page-level tests."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient

from raccord.core.hub import Hub
from raccord.web import create_app

CSRF = re.compile(r'name="csrf" value="([^"]+)"')


class Console:
    def __init__(self, hub: Hub, login: str = "op", password: str = "op-password-1",
                 role: str = "operator") -> None:
        if hub.accounts.get(login) is None:
            hub.accounts.add_user(login, password, role)
        self.http = TestClient(create_app(hub), follow_redirects=True)
        page = self.http.post("/login", data={"login": login, "password": password})
        assert page.status_code == 200, page.text

    def csrf(self, path: str = "/") -> str:
        match = CSRF.search(self.http.get(path).text)
        assert match is not None
        return match.group(1)

    def post(self, path: str, data: dict[str, str] | None = None, page: str = "/"):
        return self.http.post(path, data={"csrf": self.csrf(page), **(data or {})})
