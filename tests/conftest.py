"""Shared fixtures: a fresh hub per test (its own RACCORD_HOME), and one HTTPS sandbox with
every simulator for the whole session (simulators are reset before each test that uses it)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from raccord.core.config import DeploymentMode, Environment
from raccord.core.hub import Hub
from raccord.sandbox.setup import Sandbox, point_at_sandbox, start_sandbox


def make_env(home: Path, database_url: str | None = None,
             mode: DeploymentMode = DeploymentMode.ON_PREMISE,
             redis_url: str | None = None) -> Environment:
    home.mkdir(parents=True, exist_ok=True)
    return Environment(home=home, database_url=database_url or f"sqlite:///{home / 'raccord.db'}",
                       redis_url=redis_url, secret_key=None, mode=mode)


@pytest.fixture
def env(tmp_path: Path) -> Environment:
    return make_env(tmp_path / "home")


@pytest.fixture
def hub(env: Environment) -> Hub:
    return Hub(env)


@pytest.fixture(scope="session")
def sandbox(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Sandbox]:
    home = tmp_path_factory.mktemp("sandbox-home")
    box = start_sandbox(Hub(make_env(home)), ca_folder=home / "ca")
    yield box
    box.stop()


@pytest.fixture
def sandboxed_hub(hub: Hub, sandbox: Sandbox) -> Hub:
    """A hub whose interfaces all point at the sandbox, its CA imported."""
    for sim in sandbox.simulators.values():
        sim.reset()
    point_at_sandbox(hub, sandbox)
    return hub


def pytest_configure(config: pytest.Config) -> None:
    os.environ.setdefault("RACCORD_TESTING", "1")
