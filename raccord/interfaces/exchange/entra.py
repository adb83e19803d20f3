"""App-only tokens from Microsoft Entra ID (OAuth2 client credentials), through msal.

msal does the tenant discovery and the token request; its HTTP goes through `hub.outgoing`
(trust store, call log, redaction) by handing msal a small `http_client`. Entra's own error
codes (AADSTS...) are turned into plain words here."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import httpx
import msal

from raccord.core.diagnosis import Diagnosis, Problem, ServiceError
from raccord.core.http import RetryPolicy
from raccord.core.i18n import Tr

if TYPE_CHECKING:
    from raccord.core.http import Outgoing

GRAPH_SCOPE = "https://graph.microsoft.com/.default"
EWS_SCOPE = "https://outlook.office365.com/.default"
ENTRA_PORTAL = "https://entra.microsoft.com"
RETRY = RetryPolicy(attempts=2, delay_s=0.5)


@dataclass(frozen=True)
class AccessToken:
    value: str
    expires_in: int


class _MsalHttp:
    """msal's `http_client` (get/post returning responses) over `Outgoing.request`.

    Non-2xx answers raise ServiceError from inside msal (msal does not catch it); the Entra
    error body of the last refusal is kept so that `token()` can name the exact cause."""

    def __init__(self, http: Outgoing) -> None:
        self.http = http
        self.client = http.client()
        self.refusal: dict[str, Any] = {}

    def _detail(self, response: httpx.Response) -> str:
        try:
            body = response.json()
        except (ValueError, json.JSONDecodeError):
            return ""
        if isinstance(body, dict) and isinstance(body.get("error"), str):
            self.refusal = body
            return _first_line(str(body.get("error_description") or body["error"]))
        return ""

    def get(self, url: str, **kwargs: Any) -> httpx.Response:
        return self.http.request("GET", url, client=self.client, detail=self._detail,
                                 retry=RETRY, **_httpx_kwargs(kwargs))

    def post(self, url: str, **kwargs: Any) -> httpx.Response:
        # A client-credentials grant changes nothing: retrying it is safe.
        return self.http.request("POST", url, client=self.client, detail=self._detail,
                                 retry=RETRY, **_httpx_kwargs(kwargs))

    def close(self) -> None:
        self.client.close()


def _httpx_kwargs(kwargs: dict[str, Any]) -> dict[str, Any]:
    # msal speaks the `requests` dialect: same names for params/data/headers; drop the rest.
    return {k: v for k, v in kwargs.items() if k in ("params", "data", "headers") and v}


def _first_line(text: str) -> str:
    """Entra descriptions end with trace and correlation ids: keep the sentence only."""
    return text.replace("\r", "").split("\n", 1)[0].strip()


def app_token(http: Outgoing, login_url: str, tenant: str, client_id: str, secret: str,
              scope: str) -> AccessToken:
    """An access token for the application itself (no signed-in user)."""
    transport = _MsalHttp(http)
    try:
        app = msal.ConfidentialClientApplication(
            client_id, client_credential=secret, authority=f"{login_url.rstrip('/')}/{tenant}",
            http_client=transport,
            # Entra's instance discovery lives on login.microsoftonline.com only; the login
            # URL is a setting, so its tenant discovery document is trusted as the authority.
            instance_discovery=False)
        result = app.acquire_token_for_client(scopes=[scope])
    except ServiceError as error:
        raise ServiceError(_entra_refusal(error.diagnosis, transport.refusal, tenant,
                                          client_id)) from None
    except ValueError as error:  # msal: discovery document unusable
        raise ServiceError(Diagnosis(Problem.PROTOCOL, Tr(
            f"Réponse inattendue de l'URL d'authentification Microsoft ({error}) : vérifiez "
            "l'URL d'authentification et le Tenant ID.",
            f"Unexpected answer from the Microsoft login URL ({error}): check the login URL "
            "and the tenant ID."))) from None
    finally:
        transport.close()
    token = result.get("access_token") if isinstance(result, dict) else None
    if not token:
        refusal = result if isinstance(result, dict) else {}
        raise ServiceError(_entra_refusal(Diagnosis(Problem.AUTH, Tr(
            "Jeton refusé par Microsoft Entra ID.", "Token refused by Microsoft Entra ID.")),
            refusal, tenant, client_id))
    return AccessToken(str(token), int(result.get("expires_in") or 3599))


def _entra_refusal(diagnosis: Diagnosis, body: dict[str, Any], tenant: str,
                   client_id: str) -> Diagnosis:
    error = str(body.get("error") or "")
    codes = {int(c) for c in body.get("error_codes") or [] if str(c).isdigit()}
    text = _first_line(str(body.get("error_description") or ""))
    if error == "invalid_client" or codes & {7000215, 7000222, 7000216}:
        return Diagnosis(Problem.AUTH, Tr(
            "Microsoft Entra ID refuse le Client Secret : il est faux ou expiré. Créez-en un "
            "nouveau dans Entra ID (Inscriptions d'applications > Certificats & secrets > "
            "Nouveau secret client), copiez sa Valeur (pas son ID) et enregistrez-la dans "
            f"Client Secret. ({text})",
            "Microsoft Entra ID refuses the client secret: the client secret is wrong or "
            "expired: create a new one in Entra ID (App registrations > Certificates & "
            "secrets > New client secret), copy its Value (not its ID) and save it as Client "
            f"secret. ({text})"), diagnosis.status, link=ENTRA_PORTAL)
    if codes & {700016} or error == "unauthorized_client":
        return Diagnosis(Problem.AUTH, Tr(
            f"Aucune application d'ID « {client_id} » dans le locataire « {tenant} » : copiez "
            "l'ID d'application (client) depuis la page de l'application dans Entra ID, et "
            "vérifiez le Tenant ID.",
            f"No application with ID '{client_id}' in tenant '{tenant}': copy the application "
            "(client) ID from the application's page in Entra ID, and check the tenant ID."),
            diagnosis.status, link=ENTRA_PORTAL)
    if codes & {90002} or error == "invalid_tenant":
        return Diagnosis(Problem.CONFIG, Tr(
            f"Locataire « {tenant} » inconnu de Microsoft : copiez l'ID de l'annuaire "
            "(locataire) depuis la page de l'application dans Entra ID.",
            f"Tenant '{tenant}' unknown to Microsoft: copy the directory (tenant) ID from the "
            "application's page in Entra ID."), diagnosis.status, link=ENTRA_PORTAL)
    if diagnosis.problem is Problem.NOT_FOUND:
        return Diagnosis(Problem.NOT_FOUND, diagnosis.message + Tr(
            "Vérifiez l'URL d'authentification Microsoft (https://login.microsoftonline.com) "
            "et le Tenant ID.",
            "Check the Microsoft login URL (https://login.microsoftonline.com) and the tenant "
            "ID."), diagnosis.status)
    if error:
        return Diagnosis(Problem.AUTH, Tr(
            f"Microsoft Entra ID refuse le jeton ({error} : {text}).",
            f"Microsoft Entra ID refuses the token ({error}: {text})."), diagnosis.status)
    return diagnosis
