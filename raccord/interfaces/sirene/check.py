"""The SIRENE Test: the saved key, then one authenticated call."""

from __future__ import annotations

from typing import TYPE_CHECKING

from raccord.core.i18n import Tr
from raccord.interfaces.base import CONFIG_STEP, Checker, TestReport, require, run_checks
from raccord.interfaces.sirene.client import SireneClient
from raccord.interfaces.sirene.settings import SCHEMA

if TYPE_CHECKING:
    from raccord.core.hub import Hub


def run_test(hub: Hub) -> TestReport:
    def body(check: Checker) -> None:
        with check.step(CONFIG_STEP):
            require(hub.values("sirene"), SCHEMA, "token", "url")
        client = SireneClient(hub)
        with check.step(Tr("Appel authentifié à l'API (/informations)",
                           "Authenticated API call (/informations)")):
            with client:
                info = client.informations()
            state = info.get("etatService", "?")
            check.report.notes.append(Tr(f"État du service : {state}",
                                         f"Service state: {state}"))

    return run_checks("sirene", body)
