"""Serving the simulators over HTTPS with a throw-away certificate authority."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import trustme
import uvicorn
from fastapi import FastAPI
from starlette.routing import Mount

from raccord.core.simulator import Simulator


@dataclass(frozen=True)
class SandboxCA:
    """A CA and a server certificate for 127.0.0.1/localhost, kept in a folder so that a CA
    imported once stays valid across restarts."""

    folder: Path

    @property
    def ca_pem(self) -> Path:
        return self.folder / "sandbox-ca.pem"

    @property
    def ca_key_pem(self) -> Path:
        """The CA's key: simulators issue their own certificates under it (the signature
        simulator's document-signing certificate)."""
        return self.folder / "sandbox-ca-key.pem"

    @property
    def cert_pem(self) -> Path:
        return self.folder / "server-chain.pem"

    @property
    def key_pem(self) -> Path:
        return self.folder / "server-key.pem"

    def ensure(self) -> SandboxCA:
        if not all(p.exists() for p in (self.ca_pem, self.ca_key_pem, self.cert_pem,
                                         self.key_pem)):
            self.folder.mkdir(parents=True, exist_ok=True)
            ca = trustme.CA(organization_name="raccord sandbox")
            leaf = ca.issue_cert("127.0.0.1", "localhost", "::1")
            ca.cert_pem.write_to_path(str(self.ca_pem))
            ca.private_key_pem.write_to_path(str(self.ca_key_pem))
            self.ca_key_pem.chmod(0o600)
            leaf.private_key_pem.write_to_path(str(self.key_pem))
            self.key_pem.chmod(0o600)
            with self.cert_pem.open("wb") as handle:
                for blob in leaf.cert_chain_pems:
                    handle.write(blob.bytes())
        return self


def sandbox_app(simulators: Iterable[Simulator]) -> FastAPI:
    sims = list(simulators)
    app = FastAPI(title="raccord sandbox", routes=[
        Mount(f"/{sim.name}", app=sim.app) for sim in sims if sim.app is not None])

    @app.get("/")
    def index() -> dict[str, Any]:
        return {"simulators": [sim.name for sim in sims]}

    return app


def free_port(host: str = "127.0.0.1") -> int:
    with socket.socket() as sock:
        sock.bind((host, 0))
        return int(sock.getsockname()[1])


class ThreadedServer:
    """A uvicorn server in a background thread (the simulators, or the console in tests)."""

    def __init__(self, app: Any, host: str = "127.0.0.1", port: int = 0,
                 ca: SandboxCA | None = None) -> None:
        self.host = host
        self.port = port or free_port(host)
        options: dict[str, Any] = {}
        if ca is not None:
            options = {"ssl_certfile": str(ca.cert_pem), "ssl_keyfile": str(ca.key_pem)}
        config = uvicorn.Config(app, host=host, port=self.port, log_level="warning",
                                lifespan="off", timeout_graceful_shutdown=1, **options)
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, daemon=True,
                                       name=f"server-{self.port}")
        self.scheme = "https" if ca is not None else "http"

    @property
    def url(self) -> str:
        return f"{self.scheme}://{self.host}:{self.port}"

    def start(self) -> ThreadedServer:
        self.thread.start()
        deadline = time.monotonic() + 15
        while not self.server.started:
            if time.monotonic() > deadline or not self.thread.is_alive():
                raise RuntimeError(f"the server on port {self.port} did not start")
            time.sleep(0.02)
        return self

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=10)
