"""`raccord serve --sandbox`: start every simulator and point every interface at it."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from raccord.core.roles import Role
from raccord.core.schema import SettingError
from raccord.core.settings_store import SYSTEM, company_scope
from raccord.core.simulator import Simulator
from raccord.interfaces.demo import DEMO
from raccord.interfaces.hub import InterfaceHub
from raccord.sandbox.cast import add_demo_employee
from raccord.sandbox.server import SandboxCA, ThreadedServer, sandbox_app

DEMO_COMPANY = (DEMO.code, DEMO.name, DEMO.siret)
TECHNICAL_LOGIN = "raccord-bot"
TECHNICAL_PASSWORD = "sandbox-bot-password"


@dataclass
class Sandbox:
    server: ThreadedServer
    ca: SandboxCA
    simulators: dict[str, Simulator] = field(default_factory=dict)

    def url(self, name: str) -> str:
        return f"{self.server.url}/{name}"

    def stop(self) -> None:
        self.server.stop()


def start_sandbox(hub: InterfaceHub, port: int = 0, ca_folder: Path | None = None) -> Sandbox:
    ca = SandboxCA(ca_folder or hub.env.home / "sandbox").ensure()
    simulators = {}
    for spec in hub.interfaces.values():
        module = spec.sandbox_module()
        if module is None:
            continue
        simulators[spec.name] = module.make_simulator()
        if hasattr(module, "use_ca"):  # a simulator that issues certificates under the CA
            module.use_ca(simulators[spec.name], ca.ca_pem.read_bytes(),
                          ca.ca_key_pem.read_bytes())
    server = ThreadedServer(sandbox_app(simulators.values()), port=port, ca=ca).start()
    return Sandbox(server, ca, simulators)


def point_at_sandbox(hub: InterfaceHub, sandbox: Sandbox, import_ca: bool = True) -> None:
    """Demo company, technical user, the sandbox CA, and every interface's sandbox values."""
    if hub.accounts.get(TECHNICAL_LOGIN) is None:
        hub.accounts.add_user(TECHNICAL_LOGIN, TECHNICAL_PASSWORD, Role.OPERATOR, technical=True)
    code, name, siret = DEMO_COMPANY
    if hub.accounts.company(code) is None:
        hub.accounts.add_company(code, name, siret)
    add_demo_employee(hub)
    if import_ca:
        hub.trust.add(sandbox.ca.ca_pem.read_bytes(), SYSTEM.login)
    for spec in hub.interfaces.values():
        module = spec.sandbox_module()
        if module is None:
            continue
        base = sandbox.url(spec.name)
        values = module.values(base)
        if hasattr(module, "home_values"):
            values.update(module.home_values(base, hub.env.home))
        if "technical_user" in {f.key for f in spec.schema.fields}:
            values.setdefault("technical_user", TECHNICAL_LOGIN)
            values.setdefault("technical_password", TECHNICAL_PASSWORD)
        try:
            hub.settings.set_many(spec.name, values, SYSTEM)
        except SettingError as error:
            raise RuntimeError(f"sandbox values of {spec.name}: {error.message.en}") from None
        if hasattr(module, "company_values"):
            hub.settings.set_many(spec.name, module.company_values(base), SYSTEM,
                                  scope=company_scope(code))


def connect_webhooks(hub: InterfaceHub, sandbox: Sandbox, console_url: str) -> list[str]:
    """Point each simulator's webhooks at the running console (`console_url`, as the
    simulators reach it), each side holding what a real installation holds: the webhook
    declared at the service, its signing secret saved in raccord's settings. Returns the
    interfaces so connected."""
    connected = []
    for spec in hub.interfaces.values():
        module = spec.sandbox_module()
        sim = sandbox.simulators.get(spec.name)
        if module is None or sim is None or not hasattr(module, "webhook_values"):
            continue
        try:
            hub.settings.set_many(spec.name, module.webhook_values(sim, console_url), SYSTEM)
        except SettingError as error:
            raise RuntimeError(f"sandbox webhooks of {spec.name}: {error.message.en}") from None
        connected.append(spec.name)
    return connected


def reachable(host: str, port: int) -> str:
    """The console's URL for a simulator in this process (a wildcard address is not one)."""
    if host in ("", "0.0.0.0"):
        host = "127.0.0.1"
    elif host == "::":
        host = "[::1]"
    elif ":" in host and not host.startswith("["):
        host = f"[{host}]"
    return f"http://{host}:{port}"
