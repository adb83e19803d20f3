"""The Gmail Test: the seed's preconditions, the saved values, the key file, a token acting
as the sending mailbox (delegation), then the mailbox reached through the Gmail API."""

from __future__ import annotations

from typing import TYPE_CHECKING

from raccord.core.http import RetryPolicy
from raccord.core.i18n import Tr
from raccord.interfaces.base import (
    CONFIG_STEP,
    Checker,
    CheckFailed,
    TestReport,
    require,
    run_checks,
)
from raccord.interfaces.gmail.client import GmailClient, preconditions_missing
from raccord.interfaces.gmail.settings import SCHEMA

if TYPE_CHECKING:
    from raccord.core.hub import Hub

ONCE = RetryPolicy(attempts=1)


def run_test(hub: Hub) -> TestReport:
    def body(check: Checker) -> None:
        client = GmailClient(hub)
        with check.step(Tr("Préalables (règle GOOGLE_MAIL, application de messagerie)",
                           "Preconditions (GOOGLE_MAIL rule, mail application)")):
            missing = preconditions_missing(client.values)
            if missing is not None:
                raise CheckFailed(missing)
        with check.step(CONFIG_STEP):
            require(client.values, SCHEMA, "key_path", "sender", "api_url")
        with check.step(Tr("Clé du compte de service", "Service account key")):
            key = client.key()
        check.report.notes.append(Tr(
            f"Compte de service {key.client_email} (ID client {key.client_id}, projet "
            f"{key.project_id}).",
            f"Service account {key.client_email} (client ID {key.client_id}, project "
            f"{key.project_id})."))
        scopes = " ".join(client.scopes)
        with check.step(Tr(f"Jeton Google pour {client.sender} (délégation, {scopes})",
                           f"Google token for {client.sender} (delegation, {scopes})")):
            token = client.token(key, fresh=True, retry=ONCE)
        with check.step(Tr("Boîte d'envoi jointe par l'API Gmail",
                           "Sending mailbox reached through the Gmail API")):
            probe = client.probe_mailbox(token, key, retry=ONCE)
        if probe.profile is None:
            check.report.notes.append(Tr(
                f"Gmail a accepté le jeton pour {probe.address} ; il est limité à l'envoi "
                "(gmail.send), comme voulu, et ne lit donc pas le profil de la boîte.",
                f"Gmail accepted the token for {probe.address}; it is limited to sending "
                "(gmail.send), as intended, so it does not read the mailbox's profile."))
        else:
            check.report.notes.append(Tr(
                f"Boîte {probe.profile.get('emailAddress')} : "
                f"{probe.profile.get('messagesTotal')} messages.",
                f"Mailbox {probe.profile.get('emailAddress')}: "
                f"{probe.profile.get('messagesTotal')} messages."))

    return run_checks("gmail", body)
