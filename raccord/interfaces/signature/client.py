"""Universign REST API v1: HTTP Basic with the API key as user name and an empty password (or
an account login and password), form-encoded requests, JSON answers."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import httpx

from raccord.core.diagnosis import Diagnosis, Problem, ServiceError
from raccord.core.http import RetryPolicy
from raccord.core.i18n import Tr

if TYPE_CHECKING:
    from raccord.core.hub import Hub

READ = RetryPolicy(attempts=2, delay_s=0.5)
# Creating a transaction has no idempotency key: never resend once it may have arrived.
WRITE = RetryPolicy(attempts=2, delay_s=0.5, idempotent=False)


def _message(response: httpx.Response) -> str:
    try:
        body = response.json()
    except ValueError:
        return ""
    if not isinstance(body, dict):
        return ""
    text = body.get("error_description") or body.get("message") or body.get("error") or ""
    return str(text)


class UniversignClient:
    def __init__(self, hub: Hub) -> None:
        self.values = hub.values("signature")
        self.http = hub.outgoing("signature")
        self.last_error = ""

    @property
    def base(self) -> str:
        return str(self.values["url"]).rstrip("/")

    def _detail(self, response: httpx.Response) -> str:
        self.last_error = _message(response)
        return self.last_error

    def _call(self, method: str, path: str, retry: RetryPolicy, **kwargs: Any) -> Any:
        auth = (str(self.values.get("user") or ""), str(self.values.get("password") or ""))
        self.last_error = ""
        try:
            response = self.http.request(method, f"{self.base}{path}", auth=auth, retry=retry,
                                         headers={"Accept": "application/json"},
                                         detail=self._detail, **kwargs)
        except ServiceError as error:
            raise ServiceError(universign_refusal(error.diagnosis)) from None
        return response.json()

    def transactions(self) -> dict[str, Any]:
        """The workspace's transactions: the Test's harmless authenticated call."""
        data: dict[str, Any] = self._call("GET", "/v1/transactions", READ)
        return data

    def create_transaction(self, name: str, language: str = "fr",
                           **options: str | int) -> dict[str, Any]:
        """A draft transaction (documents, fields and participants are added to it next)."""
        form = {"name": name, "language": language, **{k: str(v) for k, v in options.items()}}
        data: dict[str, Any] = self._call("POST", "/v1/transactions", WRITE, data=form)
        return data

    def transaction(self, transaction_id: str) -> dict[str, Any] | None:
        """The transaction, or None when Universign does not know it."""
        try:
            data: dict[str, Any] = self._call("GET", f"/v1/transactions/{transaction_id}", READ)
        except ServiceError as error:
            if error.diagnosis.problem is Problem.NOT_FOUND and self.last_error:
                return None  # Universign's own "not found", not a wrong URL
            raise
        return data


def universign_refusal(diagnosis: Diagnosis) -> Diagnosis:
    if diagnosis.problem is Problem.AUTH:
        return Diagnosis(Problem.AUTH, Tr(
            "Universign refuse l'authentification (HTTP 401) : vérifiez l'Utilisateur "
            "universign (la clé d'API, créée dans l'application Universign, menu Développeur > "
            "Clés d'API) et laissez le Mot de passe vide avec une clé d'API.",
            "Universign refuses the authentication (HTTP 401): check the Universign user (the "
            "API key, created in the Universign web app, Developer menu > API keys) and leave "
            "the password empty with an API key."), 401)
    if diagnosis.problem is Problem.FORBIDDEN:
        return Diagnosis(Problem.FORBIDDEN, Tr(
            "Clé d'API Universign reconnue mais sans droit sur les transactions (HTTP 403) : "
            "créez la clé avec un compte administrateur ou intégrateur de l'espace de travail.",
            "Universign API key known but without rights on transactions (HTTP 403): create "
            "the key with an administrator or integrator account of the workspace."), 403)
    if diagnosis.problem is Problem.NOT_FOUND:
        return Diagnosis(Problem.NOT_FOUND, diagnosis.message + Tr(
            "L'URL Universign est https://api.universign.com (préproduction : "
            "https://api.alpha.universign.com), sans /v1.",
            "The Universign URL is https://api.universign.com (pre-production: "
            "https://api.alpha.universign.com), without /v1."), 404)
    return diagnosis
