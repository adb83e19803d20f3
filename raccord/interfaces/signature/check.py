"""The Universign Test: the saved URL and credentials, then one authenticated read."""

from __future__ import annotations

from typing import TYPE_CHECKING

from raccord.core.i18n import Tr
from raccord.interfaces.base import (
    CONFIG_STEP,
    TECHNICAL_STEP,
    Checker,
    CheckFailed,
    TestReport,
    check_technical_user,
    require,
    run_checks,
)
from raccord.interfaces.signature.client import UniversignClient
from raccord.interfaces.signature.settings import SCHEMA

if TYPE_CHECKING:
    from raccord.core.hub import Hub

LEGACY_HINTS = ("/sign/rpc", "ws.universign.eu", "cryptolog.com")


def run_test(hub: Hub) -> TestReport:
    def body(check: Checker) -> None:
        client = UniversignClient(hub)
        values = client.values
        with check.step(CONFIG_STEP):
            require(values, SCHEMA, "url", "user")
            if any(hint in str(values["url"]) for hint in LEGACY_HINTS):
                raise CheckFailed(Tr(
                    "Cette URL est celle de l'ancienne API XML-RPC d'Universign ; raccord "
                    "utilise l'API REST : https://api.universign.com (préproduction : "
                    "https://api.alpha.universign.com).",
                    "This URL is Universign's former XML-RPC API; raccord uses the REST API: "
                    "https://api.universign.com (pre-production: "
                    "https://api.alpha.universign.com)."))
        with check.step(TECHNICAL_STEP):
            check_technical_user(hub, values)
        with check.step(Tr("Appel authentifié à Universign (GET /v1/transactions)",
                           "Authenticated call to Universign (GET /v1/transactions)")):
            client.first_page()
        if not values.get("enabled"):
            check.report.notes.append(Tr(
                "La signature électronique n'est pas activée : cochez « Activer la signature "
                "électronique » pour l'utiliser.",
                "Electronic signature is not enabled: tick 'Enable electronic signature' to use "
                "it."))

    return run_checks("signature", body)
