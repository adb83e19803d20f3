"""The Bridge Test: the operator's application credentials, then one authenticated call, then
the Bridge user's banks. A bank that needs its holder (consent expired, a new strong
authentication, login details refused) is a warning naming the bank and what the holder must
do: the Test still passes when the application's credentials work."""

from __future__ import annotations

from typing import TYPE_CHECKING

from raccord.core.i18n import Tr
from raccord.interfaces.bank.client import BridgeClient
from raccord.interfaces.bank.records import STATE_TEXTS, Item, ItemState
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

BANKS_STEP = Tr("Banques connectées par l'utilisateur Bridge", "Banks connected by the Bridge user")
HOLDER_TODO = Tr(
    "Le titulaire du compte doit s'authentifier de nouveau auprès de sa banque : page Banques "
    "(/bank), bouton « Réparer » à côté de la banque, qui l'envoie sur la page de Bridge. "
    "Ses transactions ne sont plus à jour d'ici là.",
    "The account holder must authenticate again with the bank: Banks page (/bank), 'Fix' "
    "button beside the bank, which sends the holder to Bridge's page. Its transactions are "
    "not up to date until then.")
FAILED_TODO = Tr(
    "Bridge réessaie de lui-même ; si cela dure plus d'un jour, signalez-le au support Bridge "
    "avec le numéro de la banque.",
    "Bridge tries again by itself; if it lasts more than a day, report it to Bridge's support "
    "with the bank's number.")


def bank_warning(item: Item, name: str) -> Tr | None:
    """What the Test says of a bank that is not simply connected, or None."""
    if item.needs_holder:
        todo = HOLDER_TODO
    elif item.state is ItemState.FAILED:
        todo = FAILED_TODO
    else:
        return None
    label = f"{name} ({item.id})" if name else str(item.id)
    return Tr(f"Banque {label} :", f"Bank {label}:") + STATE_TEXTS[item.state] + todo


def check_banks(check: Checker, client: BridgeClient, uuid: str) -> None:
    """The banks as Bridge has them now, each one that needs a person a warning."""
    with check.step(BANKS_STEP):
        items = client.items(client.user_token(uuid))
        troubled = [item for item in items if item.needs_holder
                    or item.state is ItemState.FAILED]
        names = client.provider_names() if troubled else {}
    for item in troubled:
        warning = bank_warning(item, names.get(item.provider_id or 0, ""))
        if warning is not None:
            check.report.warnings.append(warning)
    fine = len(items) - len(troubled)
    check.report.notes.append(Tr(
        f"Banques chez Bridge : {len(items)}, dont {fine} à jour.",
        f"Banks at Bridge: {len(items)}, {fine} of them up to date."))


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
            check_banks(check, client, str(values["bridge_user_uuid"]))
        else:
            check.report.notes.append(Tr(
                "Aucun utilisateur Bridge : créez-le pour connecter les banques.",
                "No Bridge user yet: create it to connect the banks."))

    return run_checks("bank", body)
