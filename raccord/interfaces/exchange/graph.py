"""Microsoft Graph v1.0 with an app-only token: `/users/{id}/...` (there is no `/me`)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any
from urllib.parse import quote

import httpx

from raccord.core.diagnosis import Diagnosis, Problem, ServiceError
from raccord.core.http import RetryPolicy
from raccord.core.i18n import Tr
from raccord.interfaces.exchange.entra import ENTRA_PORTAL, GRAPH_SCOPE, app_token

if TYPE_CHECKING:
    from raccord.core.http import Outgoing

# Exchange-backed Graph endpoints answer an unknown or mailbox-less user with these codes.
NO_MAILBOX_CODES = {"ErrorItemNotFound", "ResourceNotFound", "ErrorInvalidUser",
                    "MailboxNotEnabledForRESTAPI", "ErrorNonExistentMailbox"}


def graph_error(response: httpx.Response) -> dict[str, Any]:
    try:
        body = response.json()
    except ValueError:
        return {}
    error = body.get("error") if isinstance(body, dict) else None
    return error if isinstance(error, dict) else {}


class GraphClient:
    def __init__(self, http: Outgoing, values: dict[str, Any]) -> None:
        self.http = http
        self.values = values
        self._token: str | None = None
        self.last_error: dict[str, Any] = {}

    @property
    def base(self) -> str:
        return str(self.values["graph_url"]).rstrip("/")

    def token(self) -> str:
        if self._token is None:
            v = self.values
            self._token = app_token(self.http, v["login_url"], v["tenant_id"], v["client_id"],
                                    v["client_secret"], GRAPH_SCOPE).value
        return self._token

    def _detail(self, response: httpx.Response) -> str:
        self.last_error = graph_error(response)
        error = self.last_error
        return f"{error.get('code', '')}: {error.get('message', '')}" if error else ""

    def get(self, path: str, **params: Any) -> dict[str, Any]:
        self.last_error = {}
        response = self.http.request(
            "GET", f"{self.base}{path}", params=params or None,
            headers={"Authorization": f"Bearer {self.token()}", "Accept": "application/json"},
            retry=RetryPolicy(attempts=2, delay_s=0.5), detail=self._detail)
        data: dict[str, Any] = response.json()
        return data

    def calendar(self, mailbox: str) -> dict[str, Any]:
        """The mailbox's default calendar (needs Calendars.Read or Calendars.ReadWrite)."""
        try:
            return self.get(f"/users/{quote(mailbox, safe='@')}/calendar")
        except ServiceError as error:
            code = str(self.last_error.get("code", ""))
            raise ServiceError(calendar_refusal(error.diagnosis, code, mailbox)) from None


def calendar_refusal(diagnosis: Diagnosis, code: str, mailbox: str) -> Diagnosis:
    """Graph's refusals in the words of what to fix in Entra ID or Exchange."""
    if diagnosis.problem is Problem.AUTH:
        return Diagnosis(Problem.AUTH, Tr(
            "Microsoft Graph refuse le jeton d'accès (HTTP 401, InvalidAuthenticationToken) : "
            "vérifiez que le Tenant ID est celui du locataire des boîtes et que l'URL de "
            "Microsoft Graph est https://graph.microsoft.com/v1.0.",
            "Microsoft Graph refuses the access token (HTTP 401, InvalidAuthenticationToken): "
            "check that the tenant ID is the mailboxes' tenant and that the Microsoft Graph "
            "URL is https://graph.microsoft.com/v1.0."), 401)
    if diagnosis.problem is Problem.FORBIDDEN:
        return Diagnosis(Problem.FORBIDDEN, Tr(
            "Accès refusé à l'agenda (HTTP 403, ErrorAccessDenied) : dans Entra ID, ajoutez à "
            "l'application la permission d'application Microsoft Graph Calendars.ReadWrite "
            "puis cliquez sur « Accorder un consentement d'administrateur ». Si c'est fait, "
            f"une stratégie d'accès d'application exclut peut-être la boîte {mailbox}.",
            "Access to the calendar denied (HTTP 403, ErrorAccessDenied): in Entra ID, give "
            "the application the Microsoft Graph application permission Calendars.ReadWrite, "
            "then click 'Grant admin consent'. If that is done, an application access policy "
            f"may exclude the mailbox {mailbox}."), 403, link=ENTRA_PORTAL)
    if diagnosis.problem is Problem.NOT_FOUND and code in NO_MAILBOX_CODES:
        return Diagnosis(Problem.NOT_FOUND, Tr(
            f"La boîte « {mailbox} » est introuvable dans Exchange Online (utilisateur inconnu "
            "ou sans boîte aux lettres) : corrigez l'Utilisateur à tester.",
            f"The mailbox '{mailbox}' cannot be found in Exchange Online (unknown user or no "
            "mailbox): correct the User to test."), 404)
    if diagnosis.problem is Problem.NOT_FOUND:
        return Diagnosis(Problem.NOT_FOUND, diagnosis.message + Tr(
            "Vérifiez l'URL de Microsoft Graph (https://graph.microsoft.com/v1.0).",
            "Check the Microsoft Graph URL (https://graph.microsoft.com/v1.0)."), 404)
    return diagnosis
