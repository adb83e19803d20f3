"""The SMTP Test: the saved values, then a real session (TLS, authentication, NOOP)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from raccord.core.i18n import Tr
from raccord.interfaces.base import CONFIG_STEP, Checker, TestReport, require, run_checks
from raccord.interfaces.smtp.client import SmtpClient
from raccord.interfaces.smtp.settings import SCHEMA

if TYPE_CHECKING:
    from raccord.core.hub import Hub


def run_test(hub: Hub) -> TestReport:
    def body(check: Checker) -> None:
        client = SmtpClient(hub)
        with check.step(CONFIG_STEP):
            require(client.values, SCHEMA, "host", "port", "sender")
        with check.step(Tr(f"Session SMTP avec {client.where}",
                           f"SMTP session with {client.where}")):
            greeting = client.probe()
        check.report.notes.append(Tr(f"Le serveur répond : {greeting}.",
                                     f"The server answers: {greeting}."))

    return run_checks("smtp", body)
