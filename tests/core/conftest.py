"""Fixtures of the core tests: the CLI on the test's installation, and console users of every
role with a logged-in browser (HTTP level) for each."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest

from raccord.core.config import Environment
from raccord.core.hub import Hub
from raccord.core.roles import Role
from tests.core.helpers import PASSWORD, Browser, Cli


@pytest.fixture
def cli(env: Environment) -> Cli:
    return Cli(env)


@pytest.fixture
def accounts(hub: Hub) -> dict[Role, str]:
    """One console user per role (password PASSWORD)."""
    logins = {Role.OPERATOR: "olga", Role.ADMINISTRATOR: "adam", Role.READER: "rita"}
    for role, login in logins.items():
        hub.accounts.add_user(login, PASSWORD, role)
    return logins


@pytest.fixture
def browser_for(hub: Hub, accounts: dict[Role, str]) -> Iterator[Callable[..., Browser]]:
    """A console session of the user of a role, on the test's hub or another one."""
    opened: list[Browser] = []

    def open_as(role: Role, on: Hub | None = None, **options: Any) -> Browser:
        target = on or hub
        login = accounts[role]
        if target.accounts.get(login) is None:
            target.accounts.add_user(login, PASSWORD, role)
        browser = Browser(target, **options).login(login)
        opened.append(browser)
        return browser

    yield open_as
    for browser in opened:
        browser.client.close()
