"""exchangelib's exceptions (EWS response codes, SOAP faults, HTTP) in plain words."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from exchangelib import errors as ews

from raccord.core.diagnosis import Diagnosis, Problem, diagnose_exception
from raccord.core.i18n import Tr

NO_MAILBOX = (ews.ErrorNonExistentMailbox, ews.ErrorFolderNotFound, ews.ErrorItemNotFound,
              ews.ErrorInvalidSmtpAddress, ews.ErrorMailboxStoreUnavailable)
TRANSIENT = (ews.ErrorServerBusy, ews.ErrorInternalServerTransientError,
             ews.ErrorInternalServerError, ews.ErrorMailboxMoveInProgress,
             ews.ErrorConnectionFailedTransientError)


def http_status(error: BaseException) -> int | None:
    """exchangelib reports an unexpected answer as text ('Code: 503 headers: ...')."""
    found = re.search(r"Code: (\d{3})", str(error))
    return int(found.group(1)) if found else None


def ews_refusal(error: ews.EWSError, values: Mapping[str, Any], mailbox: str) -> Diagnosis:
    user = values.get("delegate_user") or "?"
    oauth = bool(values.get("oauth"))
    name = type(error).__name__
    if isinstance(error, ews.UnauthorizedError):
        if oauth:
            return Diagnosis(Problem.AUTH, Tr(
                "Exchange refuse le jeton OAuth (HTTP 401) : dans Entra ID, donnez à "
                "l'application la permission d'application « Office 365 Exchange Online » "
                "full_access_as_app puis accordez le consentement d'administrateur.",
                "Exchange refuses the OAuth token (HTTP 401): in Entra ID, give the application "
                "the 'Office 365 Exchange Online' application permission full_access_as_app, "
                "then grant admin consent."), 401)
        return Diagnosis(Problem.AUTH, Tr(
            f"Exchange refuse la connexion de « {user} » (HTTP 401) : vérifiez l'Utilisateur "
            "délégué et son Mot de passe. Exchange Online n'accepte plus les mots de passe : "
            "cochez OAuth.",
            f"Exchange refuses the login of '{user}' (HTTP 401): check the Delegate user and "
            "its password. Exchange Online no longer accepts passwords: tick OAuth."), 401)
    if isinstance(error, ews.ErrorImpersonateUserDenied | ews.ErrorImpersonationDenied):
        return Diagnosis(Problem.FORBIDDEN, Tr(
            f"« {user} » n'a pas le droit d'impersonation sur « {mailbox} » : attribuez-lui le "
            "rôle ApplicationImpersonation (Exchange sur site), ou décochez l'impersonation et "
            "donnez-lui un accès total à la boîte.",
            f"'{user}' may not impersonate '{mailbox}': give it the ApplicationImpersonation "
            "role (on-premises Exchange), or untick impersonation and give it full access to "
            "the mailbox."), 403)
    if isinstance(error, ews.ErrorInvalidExchangeImpersonationHeaderData):
        return Diagnosis(Problem.CONFIG, Tr(
            "Exchange exige l'impersonation avec un jeton d'application OAuth : cochez "
            "« Utiliser l'impersonation ».",
            "Exchange requires impersonation with an OAuth application token: tick 'Use "
            "impersonation'."))
    if isinstance(error, ews.ErrorAccessDenied):
        return Diagnosis(Problem.FORBIDDEN, Tr(
            f"« {user} » n'a pas accès à l'agenda de « {mailbox} » : donnez-lui une délégation "
            "d'accès total à cette boîte, ou utilisez l'impersonation.",
            f"'{user}' has no access to the calendar of '{mailbox}': give it full access "
            "delegation on that mailbox, or use impersonation."), 403)
    if isinstance(error, NO_MAILBOX):
        return Diagnosis(Problem.NOT_FOUND, Tr(
            f"Aucune boîte aux lettres « {mailbox} » sur ce serveur Exchange : corrigez "
            "l'Utilisateur à tester.",
            f"No mailbox '{mailbox}' on this Exchange server: correct the User to test."), 404)
    if isinstance(error, ews.ErrorInvalidSchemaVersionForMailboxVersion
                  | ews.ErrorInvalidServerVersion | ews.ErrorIncorrectSchemaVersion):
        return Diagnosis(Problem.CONFIG, Tr(
            "Le serveur refuse la version d'Exchange choisie : sélectionnez la version réelle "
            "du serveur dans « Version du serveur Exchange ».",
            "The server refuses the chosen Exchange version: select the server's real version "
            "in 'Exchange server version'."))
    if isinstance(error, ews.ErrorTimeoutExpired):
        return diagnose_exception(error, str(values.get("ews_url") or ""))
    if isinstance(error, TRANSIENT):
        return Diagnosis(Problem.SERVER, Tr(
            f"Exchange est indisponible ou surchargé ({name}) : réessayez plus tard.",
            f"Exchange is unavailable or overloaded ({name}): try again later."))
    status = http_status(error)
    if status == 404:
        return Diagnosis(Problem.NOT_FOUND, Tr(
            "Adresse introuvable (HTTP 404) : vérifiez l'URL du service EWS (elle finit par "
            "/EWS/Exchange.asmx).",
            "Address not found (HTTP 404): check the EWS service URL (it ends with "
            "/EWS/Exchange.asmx)."), 404)
    if status is not None and status >= 500:
        return Diagnosis(Problem.SERVER, Tr(
            f"Exchange est en erreur (HTTP {status}) : réessayez plus tard.",
            f"Exchange is failing (HTTP {status}): try again later."), status)
    if isinstance(error, ews.TransportError) and not isinstance(error, ews.ResponseMessageError):
        return diagnose_exception(error, str(values.get("ews_url") or ""))
    return Diagnosis(Problem.PROTOCOL, Tr(
        f"Exchange a répondu {name} en ouvrant l'agenda de « {mailbox} » ({error}).",
        f"Exchange answered {name} while opening the calendar of '{mailbox}' ({error})."))
