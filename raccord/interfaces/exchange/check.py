"""The Exchange Test: connects and opens `test_user`'s calendar, through Graph or EWS."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from raccord.core.i18n import Tr
from raccord.interfaces.base import CONFIG_STEP, Checker, TestReport, require, run_checks
from raccord.interfaces.exchange.client import ExchangeClient
from raccord.interfaces.exchange.settings import SCHEMA

if TYPE_CHECKING:
    from raccord.core.hub import Hub

ENTRA_KEYS = ("tenant_id", "client_id", "client_secret")
TOKEN_STEP = Tr("Jeton d'application Microsoft Entra ID", "Microsoft Entra ID application token")


def _required(values: dict[str, Any]) -> tuple[str, ...]:
    if values.get("graph"):
        return ("test_user", *ENTRA_KEYS, "graph_url", "login_url")
    if values.get("oauth"):
        return ("test_user", "ews_url", *ENTRA_KEYS, "login_url")
    return ("test_user", "ews_url", "delegate_user", "password")


def _calendar_step(mailbox: str) -> Tr:
    return Tr(f"Ouverture de l'agenda de {mailbox}", f"Opening the calendar of {mailbox}")


def run_test(hub: Hub) -> TestReport:
    def body(check: Checker) -> None:
        client = ExchangeClient(hub)
        values = client.values
        with check.step(CONFIG_STEP):
            require(values, SCHEMA, *_required(values))
        mailbox = str(values["test_user"])
        if client.uses_graph:
            graph = client.graph()
            with check.step(TOKEN_STEP):
                graph.token()
            with check.step(_calendar_step(mailbox) + Tr("(Microsoft Graph)",
                                                          "(Microsoft Graph)")):
                calendar = graph.calendar(mailbox)
            name = calendar.get("name") or "Calendar"
        else:
            ews = client.ews()
            with check.step(Tr("Connexion au serveur EWS", "Connection to the EWS server")):
                auth = ews.reach()
            check.report.notes.append(Tr(f"Authentification EWS : {auth}",
                                         f"EWS authentication: {auth}"))
            if client.values.get("oauth"):
                with check.step(TOKEN_STEP):
                    ews.credentials()
            with check.step(_calendar_step(mailbox) + Tr("(EWS)", "(EWS)")):
                name = ews.open_calendar(mailbox).name
        check.report.notes.append(Tr(f"Agenda ouvert : « {name} » de {mailbox}",
                                     f"Calendar opened: '{name}' of {mailbox}"))

    return run_checks("exchange", body)
