"""INSEE SIRENE API 3.11 client: API key header, 30 calls a minute shared by every worker.

Calls wait for a slot of the shared ceiling (queued: no call is sent only to be refused). The
core's retry policy does the rest: a 429 pauses every caller of the same hub storage (memory,
or Redis when distributed) for the Retry-After the portal asked, then the call is tried again;
5xx and timeouts are tried again after a short delay."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import httpx

from raccord.core.diagnosis import Diagnosis, Problem, ServiceError
from raccord.core.http import RetryPolicy
from raccord.core.i18n import Tr
from raccord.core.ratelimit import Ceiling
from raccord.interfaces.sirene.mapping import Filled, from_establishment, from_unit

if TYPE_CHECKING:
    from raccord.core.hub import Hub

KEY_HEADER = "X-INSEE-Api-Key-Integration"
PORTAL = "https://portail-api.insee.fr/"


@dataclass
class RateWindow:
    """The portal's ceiling per key: `amount` calls in any `seconds`. Tests shorten it.

    raccord counts over `seconds + margin_s`: a call leaves when it gets its slot but reaches
    INSEE a few milliseconds later (connection, TLS), so two calls granted exactly one window
    apart could land inside the same window there. The margin absorbs that jitter; it costs
    under 2 % of the throughput at 30 calls a minute."""

    amount: int = 30
    seconds: int = 60
    margin_s: int = 1

    def ceiling(self) -> Ceiling:
        return Ceiling("calls", "second", lambda: self.amount,
                       multiples=self.seconds + self.margin_s)


RATE_WINDOW = RateWindow()
ATTEMPTS = 4
RETRY_DELAY_S = 2.0
# When a 429 carries no Retry-After (INSEE's gateway headers are not documented), wait this.
DEFAULT_429_WAIT_S = 10.0


def usage(hub: Hub) -> tuple[int, int, int]:
    """(calls in the current window, calls allowed, window in seconds)."""
    used, allowed = hub.limiter.usage("sirene", RATE_WINDOW.ceiling())
    return used, allowed, RATE_WINDOW.seconds


def _insee_message(response: httpx.Response) -> str:
    body = response.json()
    return str(body.get("header", {}).get("message", "")) if isinstance(body, dict) else ""


def _insee_404(response: httpx.Response) -> bool:
    """INSEE's own "no such number" answer, as opposed to a wrong URL's 404."""
    try:
        body = response.json()
    except ValueError:
        return False
    return isinstance(body, dict) and isinstance(body.get("header"), dict) \
        and body["header"].get("statut") == 404


class SireneClient:
    """One client per operation (a lookup, a bulk run): it reads the settings once and keeps
    one connection open; use it as a context manager or call `close()`."""

    def __init__(self, hub: Hub) -> None:
        self.hub = hub
        self.values = hub.values("sirene")
        self.http = hub.outgoing("sirene", ceilings=[RATE_WINDOW.ceiling()])
        self._client: httpx.Client | None = None

    def __enter__(self) -> SireneClient:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    def close(self) -> None:
        if self._client is not None:
            self._client.close()
            self._client = None

    @property
    def base(self) -> str:
        return str(self.values["url"]).rstrip("/")

    def ensure_usable(self) -> None:
        """Refuse before any call when the API is switched off or has no key."""
        if not self.values.get("enabled"):
            raise ServiceError(Diagnosis(Problem.DISABLED, Tr(
                "L'API SIRENE n'est pas activée : cochez « Utilisation de l'API SIRENE » dans "
                "Interfaces tierces > API Sirene (ou importez une copie locale de la base).",
                "The SIRENE API is not enabled: tick 'Use the SIRENE API' in Third-party "
                "interfaces > SIRENE API (or import a local copy of the base).")))
        if not self.values.get("token"):
            raise ServiceError(Diagnosis(Problem.CONFIG, Tr(
                f"Aucune clé d'API SIRENE n'est enregistrée : générez-la sur {PORTAL} puis "
                "saisissez-la dans Interfaces tierces > API Sirene.",
                f"No SIRENE API key is saved: generate one on {PORTAL} and enter it in "
                "Third-party interfaces > SIRENE API.")))

    def _get(self, path: str, params: dict[str, Any] | None = None) -> httpx.Response:
        token = self.values.get("token") or ""
        url = f"{self.base}{path}"
        if self._client is None:
            self._client = self.http.client()
        try:
            return self.http.request(
                "GET", url, params=params, client=self._client, expect=(200, 404),
                headers={KEY_HEADER: token, "Accept": "application/json"},
                retry=RetryPolicy(attempts=ATTEMPTS, delay_s=RETRY_DELAY_S,
                                  rate_limit_wait_s=DEFAULT_429_WAIT_S),
                detail=_insee_message)
        except ServiceError as error:
            raise ServiceError(explain(error.diagnosis)) from None

    def _json(self, path: str, params: dict[str, Any] | None = None) -> dict[str, Any] | None:
        response = self._get(path, params)
        if response.status_code == 404:
            if _insee_404(response):
                return None  # unknown number: a normal answer
            raise ServiceError(explain(Diagnosis(Problem.NOT_FOUND, Tr("", ""), 404)))
        data: dict[str, Any] = response.json()
        return data

    def informations(self) -> dict[str, Any]:
        """Service status and data dates: the harmless authenticated call of the Test."""
        data = self._json("/informations")
        if data is None:
            raise ServiceError(explain(Diagnosis(Problem.NOT_FOUND, Tr("", ""), 404)))
        return data

    def siret(self, siret: str) -> Filled | None:
        """The establishment, or None when INSEE does not know it."""
        data = self._json(f"/siret/{siret}")
        found = None if data is None else data.get("etablissement")
        return None if found is None else from_establishment(found)

    def siren(self, siren: str) -> Filled | None:
        """The legal unit alone (no address), or None."""
        data = self._json(f"/siren/{siren}")
        found = None if data is None else data.get("uniteLegale")
        return None if found is None else from_unit(found)

    def head_office(self, siren: str) -> Filled | None:
        """The head office establishment of a SIREN, in one call (a search on `/siret`)."""
        data = self._json("/siret", {"q": f"siren:{siren} AND etablissementSiege:true",
                                     "nombre": 1})
        found = (data or {}).get("etablissements") or []
        return from_establishment(found[0]) if found else None


def key_refused(error: ServiceError) -> Diagnosis:
    """SIRENE words for 401/403 (key refused, or not subscribed)."""
    return explain(error.diagnosis)


def explain(diagnosis: Diagnosis) -> Diagnosis:
    """The generic diagnosis, in SIRENE's own words where they help the user more."""
    problem = diagnosis.problem
    if problem is Problem.AUTH:
        return Diagnosis(Problem.AUTH, Tr(
            "Clé d'API SIRENE refusée (HTTP 401) : copiez à nouveau la clé de votre application "
            f"depuis {PORTAL}.",
            f"SIRENE API key refused (HTTP 401): copy your application's key again from "
            f"{PORTAL}."), 401)
    if problem is Problem.FORBIDDEN:
        return Diagnosis(Problem.FORBIDDEN, Tr(
            "Clé reconnue mais application non abonnée à l'API Sirene (HTTP 403) : abonnez-la "
            f"sur {PORTAL}.",
            "Key known but the application is not subscribed to the Sirene API (HTTP 403): "
            f"subscribe it on {PORTAL}."), 403)
    if problem is Problem.NOT_FOUND:
        return Diagnosis(Problem.NOT_FOUND, Tr(
            "L'adresse de l'API SIRENE ne répond pas comme l'API de l'INSEE (HTTP 404) : "
            "vérifiez l'URL avancée (https://api.insee.fr/api-sirene/3.11).",
            "The SIRENE API address does not answer like INSEE's API (HTTP 404): check the "
            "advanced URL (https://api.insee.fr/api-sirene/3.11)."), 404, link=None)
    if problem is Problem.SERVER:
        return Diagnosis(Problem.SERVER, Tr(
            f"L'API SIRENE de l'INSEE est en erreur (HTTP {diagnosis.status}) malgré "
            f"{ATTEMPTS} essais : réessayez plus tard ; l'état du service est affiché sur "
            f"{PORTAL}.",
            f"INSEE's SIRENE API is failing (HTTP {diagnosis.status}) after {ATTEMPTS} tries: "
            f"try again later; the service state is shown on {PORTAL}."), diagnosis.status,
            retry_after=diagnosis.retry_after)
    if problem is Problem.RATE_LIMIT:
        return Diagnosis(Problem.RATE_LIMIT, Tr(
            f"L'API SIRENE refuse encore les appels (HTTP 429, limite de {RATE_WINDOW.amount} "
            "appels par minute) : une autre application utilise peut-être la même clé. "
            "Réessayez dans une minute.",
            f"The SIRENE API still refuses calls (HTTP 429, limit of {RATE_WINDOW.amount} calls "
            "a minute): another application may be using the same key. Try again in a "
            "minute."), 429, retry_after=diagnosis.retry_after)
    if problem is Problem.TLS_UNKNOWN_CA and "Certigna" not in diagnosis.message.en:
        return Diagnosis(problem, diagnosis.message + Tr(
            "Pour api.insee.fr, c'est l'autorité Certigna (certigna.der, "
            "https://www.certigna.com/autorite-crl).",
            "For api.insee.fr, that is the Certigna authority (certigna.der, "
            "https://www.certigna.com/autorite-crl)."), diagnosis.status, link=diagnosis.link)
    return diagnosis
