"""INSEE SIRENE API 3.11 client: API key header, 30 calls a minute shared by every worker."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import httpx

from raccord.core.diagnosis import Diagnosis, Problem, ServiceError
from raccord.core.http import RetryPolicy
from raccord.core.i18n import Tr
from raccord.core.ratelimit import Ceiling

if TYPE_CHECKING:
    from raccord.core.hub import Hub

KEY_HEADER = "X-INSEE-Api-Key-Integration"
CALLS_PER_MINUTE = 30
RATE = Ceiling("calls_per_minute", "minute", lambda: CALLS_PER_MINUTE)


def _insee_message(response: httpx.Response) -> str:
    body = response.json()
    return str(body.get("header", {}).get("message", "")) if isinstance(body, dict) else ""


class SireneClient:
    def __init__(self, hub: Hub) -> None:
        self.hub = hub
        self.values = hub.values("sirene")
        self.http = hub.outgoing("sirene", ceilings=[RATE])

    @property
    def base(self) -> str:
        return str(self.values["url"]).rstrip("/")

    def _get(self, path: str, **params: Any) -> dict[str, Any]:
        token = self.values.get("token") or ""
        response = self.http.request(
            "GET", f"{self.base}{path}", params=params or None,
            headers={KEY_HEADER: token, "Accept": "application/json"},
            retry=RetryPolicy(attempts=3, delay_s=2.0), detail=_insee_message)
        data: dict[str, Any] = response.json()
        return data

    def informations(self) -> dict[str, Any]:
        """Service status and data dates: the harmless authenticated call of the Test."""
        return self._get("/informations")

    def siret(self, siret: str) -> dict[str, Any] | None:
        return self._lookup(f"/siret/{siret}")

    def siren(self, siren: str) -> dict[str, Any] | None:
        return self._lookup(f"/siren/{siren}")

    def _lookup(self, path: str) -> dict[str, Any] | None:
        try:
            return self._get(path)
        except ServiceError as error:
            if error.diagnosis.problem is Problem.NOT_FOUND:
                return None  # unknown number: a normal answer, not a wrong URL
            raise


def key_refused(error: ServiceError) -> Diagnosis:
    """SIRENE words for 401/403 (key refused, or not subscribed)."""
    if error.diagnosis.problem is Problem.AUTH:
        return Diagnosis(Problem.AUTH, Tr(
            "Clé d'API SIRENE refusée (HTTP 401) : copiez à nouveau la clé de votre application "
            "depuis https://portail-api.insee.fr/.",
            "SIRENE API key refused (HTTP 401): copy your application's key again from "
            "https://portail-api.insee.fr/."), 401)
    if error.diagnosis.problem is Problem.FORBIDDEN:
        return Diagnosis(Problem.FORBIDDEN, Tr(
            "Clé reconnue mais application non abonnée à l'API Sirene (HTTP 403) : abonnez-la "
            "sur https://portail-api.insee.fr/.",
            "Key known but the application is not subscribed to the Sirene API (HTTP 403): "
            "subscribe it on https://portail-api.insee.fr/."), 403)
    return error.diagnosis
