"""Process-wide configuration read from the environment (never from the settings store)."""

from __future__ import annotations

import os
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path


class DeploymentMode(StrEnum):
    ON_PREMISE = "on-premise"
    SAAS = "saas"


@dataclass(frozen=True)
class Environment:
    home: Path
    database_url: str
    redis_url: str | None
    secret_key: str | None
    mode: DeploymentMode
    # Reverse proxies whose X-Forwarded-For / X-Forwarded-Proto are believed (addresses or
    # networks): the client's address for throttling, HTTPS for Secure cookies.
    trusted_proxies: tuple[str, ...] = ()

    @property
    def key_file(self) -> Path:
        return self.home / "secret.key"

    @property
    def job_store(self) -> Path:
        return self.home / "jobs.db"


def load_environment() -> Environment:
    home = Path(os.environ.get("RACCORD_HOME", "var")).resolve()
    home.mkdir(parents=True, exist_ok=True)
    database_url = os.environ.get("RACCORD_DATABASE_URL") or f"sqlite:///{home / 'raccord.db'}"
    mode_text = os.environ.get("RACCORD_MODE", DeploymentMode.ON_PREMISE.value)
    try:
        mode = DeploymentMode(mode_text)
    except ValueError:
        raise SystemExit(
            f"RACCORD_MODE={mode_text!r} is not a deployment mode: use 'on-premise' or 'saas'."
        ) from None
    return Environment(
        home=home,
        database_url=database_url,
        redis_url=os.environ.get("RACCORD_REDIS_URL") or None,
        secret_key=os.environ.get("RACCORD_SECRET_KEY") or None,
        mode=mode,
        trusted_proxies=tuple(p.strip() for p in os.environ.get(
            "RACCORD_TRUSTED_PROXIES", "").split(",") if p.strip()),
    )
