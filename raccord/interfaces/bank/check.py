"""The Bridge Test: the operator's application credentials, then one authenticated call."""

from __future__ import annotations

from typing import TYPE_CHECKING

from raccord.core.i18n import Tr
from raccord.interfaces.bank.client import BridgeClient
from raccord.interfaces.bank.settings import SCHEMA
from raccord.interfaces.base import (
    CONFIG_STEP,
    TECHNICAL_STEP,
    Checker,
    TestReport,
    check_technical_user,
    require,
    run_checks,
)

if TYPE_CHECKING:
    from raccord.core.hub import Hub


def run_test(hub: Hub) -> TestReport:
    def body(check: Checker) -> None:
        client = BridgeClient(hub)
        values = client.values
        with check.step(CONFIG_STEP):
            require(values, SCHEMA, "url", "client_id", "client_secret")
        with check.step(TECHNICAL_STEP):
            check_technical_user(hub, values)
        with check.step(Tr("Authentification de l'application auprès de Bridge",
                           "Application authentication with Bridge")):
            client.check_credentials()
        if not values.get("enabled"):
            check.report.notes.append(Tr(
                "La connexion bancaire n'est pas activée : cochez « Activer la connexion "
                "bancaire » pour récupérer les transactions.",
                "The bank connection is not enabled: tick 'Enable the bank connection' to fetch "
                "the transactions."))
        if values.get("bridge_user_uuid"):
            check.report.notes.append(Tr(
                f"Utilisateur Bridge : {values.get('bridge_user_name')} "
                f"({values['bridge_user_uuid']})",
                f"Bridge user: {values.get('bridge_user_name')} ({values['bridge_user_uuid']})"))
        else:
            check.report.notes.append(Tr(
                "Aucun utilisateur Bridge : créez-le pour connecter les banques.",
                "No Bridge user yet: create it to connect the banks."))

    return run_checks("bank", body)
