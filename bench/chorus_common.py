"""Shared plumbing of the CHORUS PRO benchmarks: a sandbox server in its own process, a fresh
raccord home pointed at it, worker processes, Redis, and reading the simulator's record."""

from __future__ import annotations

import gc
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import httpx

from raccord.core.config import DeploymentMode, Environment
from raccord.core.roles import Role
from raccord.core.settings_store import SYSTEM, company_scope
from raccord.interfaces.demo import DEMO as DEMO_COMPANY
from raccord.sandbox.server import SandboxCA, free_port
from raccord.wiring import open_hub

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
DEMO = (DEMO_COMPANY.code, DEMO_COMPANY.name, DEMO_COMPANY.siret)
BUYERS = ("12345678200051", "12345678200069")


def _portal_priority() -> None:
    """The simulator stands for a remote portal with CPUs of its own: what it records must
    not wait behind the workers being measured, nor behind unrelated work on the machine
    (needs root; else nothing changes)."""
    with suppress(OSError):
        os.nice(-15)


def _worker_priority() -> None:
    """Ahead of unrelated work on the machine, behind the simulator."""
    with suppress(OSError):
        os.nice(-5)


def _serve_sandbox(port: int, ca_folder: str) -> None:
    import uvicorn

    from raccord.interfaces.chorus.simulator import make_simulator
    from raccord.sandbox.server import sandbox_app

    ca = SandboxCA(Path(ca_folder))
    app = sandbox_app([make_simulator()])
    # The simulator stands for a remote portal: its own garbage-collection pauses (up to
    # 100 ms measured, stalling its event loop) must not bunch calls up and be counted against
    # raccord. A run holds a few thousand flows: the memory of unreclaimed cycles is small.
    gc.freeze()
    gc.disable()
    sys.setswitchinterval(0.001)  # its handler threads must not hold up its event loop
    uvicorn.run(app, host="127.0.0.1", port=port, log_level="error",
                ssl_certfile=str(ca.cert_pem), ssl_keyfile=str(ca.key_pem))


@dataclass
class SandboxProcess:
    process: subprocess.Popen[bytes]
    url: str
    ca: SandboxCA

    @property
    def chorus(self) -> str:
        return f"{self.url}/chorus"

    def control(self) -> httpx.Client:
        return httpx.Client(base_url=f"{self.chorus}/_sim", verify=str(self.ca.ca_pem),
                            timeout=5)

    def ask(self, method: str, path: str, **kwargs: Any) -> Any:
        """A control call (exempt from faults and quotas), repeated while the simulator is
        still starting or busy."""
        for _ in range(30):
            try:
                with self.control() as http:
                    answer = http.request(method, path, **kwargs)
                if answer.status_code == 200:
                    return answer.json()
            except httpx.HTTPError:
                pass
            time.sleep(0.2)
        raise RuntimeError(f"the simulator does not answer {path}")

    def faults(self, **faults: Any) -> None:
        self.ask("POST", "/faults", json=faults)

    def reset(self, processing_s: float = 2.0) -> None:
        self.ask("POST", "/chorus/reset")
        self.ask("POST", "/chorus/config", json={"processing_s": processing_s})

    def record(self) -> dict[str, Any]:
        self.faults()
        calls = self.ask("GET", "/chorus/calls")
        state = self.ask("GET", "/chorus/state")
        stats = self.ask("GET", "/stats")
        return {"calls": calls["calls"], "deposit_times": calls["deposits"],
                "deposits": state["deposits"], "http_429": stats["http_429"]}


@contextmanager
def sandbox_process(folder: Path) -> Iterator[SandboxProcess]:
    """The CHORUS PRO simulator in a process of its own, so that its work does not share a
    Python interpreter lock with the workers being measured."""
    ca = SandboxCA(folder / "ca").ensure()
    port = free_port()
    code = (f"import sys; sys.path.insert(0, {str(BENCH)!r}); "
            "from chorus_common import _serve_sandbox; _serve_sandbox(int(sys.argv[1]), "
            "sys.argv[2])")
    process = subprocess.Popen([sys.executable, "-c", code, str(port), str(ca.folder)],
                               cwd=ROOT, preexec_fn=_portal_priority)
    box = SandboxProcess(process, f"https://127.0.0.1:{port}", ca)
    try:
        _wait_port(port)
        yield box
    finally:
        stop(process)


def stop(process: subprocess.Popen[bytes]) -> None:
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:  # uvicorn waiting on kept-alive connections
        process.kill()
        process.wait()


def _wait_port(port: int, timeout_s: float = 30.0) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        with socket.socket() as sock:
            if sock.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.1)
    raise RuntimeError(f"nothing listens on port {port}")


@contextmanager
def redis_server(folder: Path) -> Iterator[str]:
    binary = shutil.which("redis-server")
    if binary is None:
        raise RuntimeError("redis-server is not installed")
    port = free_port()
    process = subprocess.Popen([binary, "--port", str(port), "--save", "", "--appendonly", "no",
                                "--dir", str(folder)], stdout=subprocess.DEVNULL)
    try:
        _wait_port(port)
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        stop(process)


def make_home(base: Path, name: str, redis_url: str | None = None) -> Environment:
    home = base / name
    home.mkdir(parents=True, exist_ok=True)
    return Environment(home=home, database_url=f"sqlite:///{home / 'raccord.db'}",
                       redis_url=redis_url, secret_key=None, mode=DeploymentMode.ON_PREMISE)


def env_vars(env: Environment) -> dict[str, str]:
    values = dict(os.environ, RACCORD_HOME=str(env.home), RACCORD_DATABASE_URL=env.database_url,
                  PYTHONPATH=str(ROOT))
    values.pop("RACCORD_REDIS_URL", None)
    if env.redis_url:
        values["RACCORD_REDIS_URL"] = env.redis_url
    return values


def configure(hub: Any, box: SandboxProcess, ceiling: int, **settings: Any) -> None:
    """The DEMO company, the technical user, the sandbox CA and the CHORUS PRO values."""
    from raccord.interfaces.chorus import sandbox as chorus

    if hub.accounts.get("raccord-bot") is None:
        hub.accounts.add_user("raccord-bot", "sandbox-bot-password", Role.OPERATOR,
                              technical=True)
    if hub.accounts.company(DEMO[0]) is None:
        hub.accounts.add_company(*DEMO)
    hub.trust.add(box.ca.ca_pem.read_bytes(), SYSTEM.login)
    values = chorus.values(box.chorus)
    values.update(technical_user="raccord-bot", technical_password="sandbox-bot-password",
                  max_calls_per_second=ceiling, retry_delay_s=1, timeout_s=10,
                  reconcile_after_s=10, poll_interval_s=3600, startup_delay_s=3600)
    values.update(settings)
    hub.settings.set_many("chorus", values, SYSTEM)
    hub.settings.set_many("chorus", chorus.company_values(box.chorus), SYSTEM,
                          scope=company_scope(DEMO[0]))


def invoice_data(n: int, prefix: str) -> Any:
    from raccord.features.einvoicing.invoice import InvoiceData

    issued = date(2026, 11, 2) + timedelta(days=n % 20)
    return InvoiceData.model_validate({
        "number": f"{prefix}-{n:06d}", "issue_date": issued.isoformat(),
        "due_date": (issued + timedelta(days=30)).isoformat(),
        "seller": {"name": DEMO[1], "siret": DEMO[2], "vat_id": DEMO_COMPANY.vat_id,
                   "address": {"line1": "1 rue de la Paix",
                                                                  "postcode": "75002",
                                                                  "city": "Paris"}},
        "buyer": {"name": "Collectivité", "siret": BUYERS[n % 2],
                  "address": {"postcode": "69001", "city": "Lyon"}},
        "buyer_reference": "" if n % 2 == 0 else "MAIRIE",
        "lines": [{"id": "1", "name": f"Prestation {n}", "quantity": str(1 + n % 5),
                   "net_price": f"{100 + n % 97}.{n % 100:02d}", "vat_rate": "20"},
                  {"id": "2", "name": "Frais", "quantity": "1", "net_price": "12.50",
                   "vat_rate": "10"}],
        "payment": {"means_code": "30", "iban": "FR7630006000011234567890189",
                    "terms": "30 jours"}})


def hand_over(env: Environment, count: int, prefix: str, fmt: str = "facturx",
              processes: int = 2) -> float:
    """Validate and queue `count` invoices (several processes: producing PDFs is CPU work);
    returns the seconds it took."""
    started = time.monotonic()
    code = (f"import sys; sys.path.insert(0, {str(BENCH)!r}); "
            "from chorus_common import _hand_over_slice; _hand_over_slice(*sys.argv[1:])")
    children = [subprocess.Popen([sys.executable, "-c", code, str(index), str(processes),
                                  str(count), prefix, fmt], cwd=ROOT, env=env_vars(env))
                for index in range(processes)]
    for child in children:
        if child.wait() != 0:
            raise RuntimeError("handing invoices over failed")
    return time.monotonic() - started


def _hand_over_slice(index: str, processes: str, count: str, prefix: str, fmt: str) -> None:
    from raccord.features.einvoicing import intake
    from raccord.features.einvoicing.documents import Format

    hub = open_hub()
    for n in range(int(index), int(count), int(processes)):
        receipt = intake.receive(hub, DEMO[0], "bench", data=invoice_data(n, prefix),
                                 fmt=Format(fmt))
        if receipt.state != "queued":
            raise SystemExit(f"invoice {n} not queued: {receipt.state} {receipt.errors}")


@contextmanager
def workers(env: Environment, count: int, threads: int) -> Iterator[list[subprocess.Popen[bytes]]]:
    code = "from raccord.cli import main; main()"
    started = [subprocess.Popen([sys.executable, "-c", code, "worker", "--workers",
                                 str(threads), "--no-scheduler"], cwd=ROOT, env=env_vars(env),
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                preexec_fn=_worker_priority)
               for _ in range(count)]
    try:
        yield started
    finally:
        for process in started:
            if process.poll() is None:
                process.send_signal(signal.SIGINT)
        for process in started:
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()


def states(hub: Any) -> dict[str, int]:
    from raccord.features.einvoicing.views import counts_by_state

    return counts_by_state(hub)


def wait_for(hub: Any, done: set[str], total: int, timeout_s: float,
             follow: bool = False) -> dict[str, int]:
    from raccord.core.diagnosis import ServiceError
    from raccord.features.einvoicing import followup

    deadline = time.monotonic() + timeout_s
    while True:
        now = states(hub)
        if sum(now.get(s, 0) for s in done) >= total or time.monotonic() > deadline:
            return now
        if follow:
            # As the scheduled job: a round that meets an injected fault is recorded as
            # failed, and the next round asks again.
            with suppress(ServiceError):
                followup.follow_up(hub)
        time.sleep(1.0)


def max_window(times: list[float], width: float = 1.0) -> int:
    """The most events in any window of `width` seconds."""
    ordered = sorted(times)
    best, start = 0, 0
    for end, moment in enumerate(ordered):
        while moment - ordered[start] >= width:
            start += 1
        best = max(best, end - start + 1)
    return best


def rate(times: list[float]) -> float:
    ordered = sorted(times)
    if len(ordered) < 2:
        return 0.0
    return (len(ordered) - 1) / (ordered[-1] - ordered[0])


def scratch(prefix: str) -> Path:
    return Path(tempfile.mkdtemp(prefix=prefix))
