"""A real SMTP server for the tests (aiosmtpd) on loopback: STARTTLS or direct TLS with the
sandbox's certificate, optional authentication, every message kept."""

from __future__ import annotations

import socket
import ssl
from dataclasses import dataclass, field
from typing import Any

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

from raccord.sandbox.server import SandboxCA

USER, PASSWORD = "raccord@smtp.test", "smtp-pass-7f3e9a"


@dataclass
class Catcher:
    messages: list[dict[str, Any]] = field(default_factory=list)
    # The next DATA is answered with this code (e.g. 451) instead of 250.
    fail_data: int | None = None

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        if self.fail_data is not None:
            code, self.fail_data = self.fail_data, None
            return f"{code} Requested action aborted: local error in processing"
        self.messages.append({"from": envelope.mail_from, "rcpt": list(envelope.rcpt_tos),
                              "data": envelope.content})
        return "250 2.0.0 Ok: queued as 4FQ2X1"


def _authenticate(server: Any, session: Any, envelope: Any, mechanism: str,
                  auth_data: Any) -> AuthResult:
    ok = isinstance(auth_data, LoginPassword) and (
        auth_data.login.decode(), auth_data.password.decode()) == (USER, PASSWORD)
    return AuthResult(success=ok, handled=False)


def start_smtp(ca: SandboxCA, mode: str, auth: bool = True) -> tuple[Controller, Catcher]:
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(str(ca.cert_pem), str(ca.key_pem))
    catcher = Catcher()
    options: dict[str, Any] = {"authenticator": _authenticate if auth else None,
                               # aiosmtpd counts only STARTTLS as TLS (direct TLS is too)
                               "auth_require_tls": mode == "starttls", "auth_required": auth}
    if mode == "tls":
        options["ssl_context"] = context
    elif mode == "starttls":
        options["tls_context"] = context
        options["require_starttls"] = True
    with socket.socket() as probe:  # aiosmtpd's readiness check needs the port beforehand
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    controller = Controller(catcher, hostname="127.0.0.1", port=port, **options)
    controller.start()
    return controller, catcher
