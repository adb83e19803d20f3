"""Shared fixtures: a fresh hub per test (its own RACCORD_HOME), and one HTTPS sandbox with
every simulator for the whole session (simulators are reset before each test that uses it).

PostgreSQL and Redis: `scripts/test.sh` starts both (`scripts/services.sh`) and exports
RACCORD_TEST_POSTGRES_URL and RACCORD_TEST_REDIS_URL. Each test that uses them gets a fresh
database (created, then dropped) and a dedicated Redis database index flushed before and
after. `storage_env` runs a storage test on SQLite and on PostgreSQL, `job_env` runs a job test
on the SQLite Huey store and on Redis. In CI (CI set) a missing server is a failure, never a
skip; locally the PostgreSQL / Redis variants are skipped when the servers are not started."""

from __future__ import annotations

import os
import secrets
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from raccord.core.config import DeploymentMode, Environment
from raccord.core.hub import Hub
from raccord.sandbox.setup import Sandbox, point_at_sandbox, start_sandbox
from raccord.wiring import open_hub

pytest_plugins = ["tests.browser_fixtures"]

POSTGRES_URL_ENV = "RACCORD_TEST_POSTGRES_URL"
REDIS_URL_ENV = "RACCORD_TEST_REDIS_URL"
# Tests use their own Redis database index, flushed around each test, never the default 0.
REDIS_TEST_DB = 9


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
    return open_hub(env)


@pytest.fixture(scope="session")
def sandbox(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Sandbox]:
    home = tmp_path_factory.mktemp("sandbox-home")
    box = start_sandbox(open_hub(make_env(home)), ca_folder=home / "ca")
    yield box
    box.stop()


@pytest.fixture
def sandboxed_hub(hub: Hub, sandbox: Sandbox) -> Hub:
    """A hub whose interfaces all point at the sandbox, its CA imported."""
    for sim in sandbox.simulators.values():
        sim.reset()
    point_at_sandbox(hub, sandbox)
    return hub


# -- PostgreSQL and Redis ----------------------------------------------------------------------
def service_url(variable: str) -> str:
    """The URL of a test server started by scripts/services.sh; fails in CI when it is absent,
    skips locally."""
    url = os.environ.get(variable)
    if url:
        return url
    message = (f"{variable} is not set: start PostgreSQL and Redis for the tests with "
               '`eval "$(bash scripts/services.sh start)"` (scripts/test.sh does it)')
    if os.environ.get("CI"):
        pytest.fail(message)
    pytest.skip(message)


def _libpq(url: str) -> str:
    """psycopg wants a libpq URL, SQLAlchemy one with the driver name."""
    from sqlalchemy.engine import make_url

    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


@pytest.fixture
def postgres_databases() -> Iterator[Callable[[], str]]:
    """A factory of fresh, empty PostgreSQL databases (SQLAlchemy URLs), dropped at the end."""
    import psycopg
    from sqlalchemy.engine import make_url

    admin_url = service_url(POSTGRES_URL_ENV)
    created: list[str] = []

    def create() -> str:
        name = f"raccord_t_{secrets.token_hex(6)}"
        with psycopg.connect(_libpq(admin_url), autocommit=True) as admin:
            admin.execute(f'CREATE DATABASE "{name}"')
        created.append(name)
        return make_url(admin_url).set(database=name).render_as_string(hide_password=False)

    yield create
    if created:
        with psycopg.connect(_libpq(admin_url), autocommit=True) as admin:
            for name in created:
                # FORCE: hubs built by the test may still hold pooled connections.
                admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def postgres_url(postgres_databases: Callable[[], str]) -> str:
    return postgres_databases()


@pytest.fixture
def redis_url() -> Iterator[str]:
    """A Redis URL on the tests' own database index, empty at the start and at the end."""
    import redis
    from redis.connection import parse_url

    base = service_url(REDIS_URL_ENV)
    options = parse_url(base)
    url = (f"redis://{options.get('host', '127.0.0.1')}:{options.get('port', 6379)}/"
           f"{REDIS_TEST_DB}")
    client = redis.Redis.from_url(url)
    client.flushdb()
    yield url
    client.flushdb()
    client.close()


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def storage_backend(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def new_storage_env(storage_backend: str, tmp_path: Path, request: pytest.FixtureRequest
                    ) -> Callable[..., Environment]:
    """Fresh installations (home + database) on the backend under test: call it once per
    installation a test needs (e.g. export from one, import into another)."""
    databases = (request.getfixturevalue("postgres_databases")
                 if storage_backend == "postgres" else None)
    made: list[Environment] = []

    def new(mode: DeploymentMode = DeploymentMode.ON_PREMISE) -> Environment:
        home = tmp_path / f"home-{len(made)}"
        made.append(make_env(home, databases() if databases else None, mode))
        return made[-1]

    return new


@pytest.fixture
def storage_env(new_storage_env: Callable[..., Environment]) -> Environment:
    """An installation on SQLite, then on PostgreSQL."""
    return new_storage_env()


@pytest.fixture
def storage_hub(storage_env: Environment) -> Iterator[Hub]:
    hub = open_hub(storage_env)
    yield hub
    hub.db.engine.dispose()


@pytest.fixture(params=["sqlite", pytest.param("redis", marks=pytest.mark.redis)])
def job_env(request: pytest.FixtureRequest, tmp_path: Path) -> Environment:
    """An installation whose job queue is the SQLite Huey store, then Redis."""
    redis = request.getfixturevalue("redis_url") if request.param == "redis" else None
    return make_env(tmp_path / "home", redis_url=redis)


def pytest_configure(config: pytest.Config) -> None:
    os.environ.setdefault("RACCORD_TESTING", "1")
