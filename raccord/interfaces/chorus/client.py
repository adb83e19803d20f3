"""CHORUS PRO through the PISTE gateway: OAuth client-credentials token, the `cpro-account`
header of the company's technical account, JSON POSTs checked on `codeRetour`, and every call
kept under `chorus.max_calls_per_second` and the daily quota of the portal's space."""

from __future__ import annotations

import base64
import hashlib
import threading
import time
import weakref
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

import httpx

from raccord.core.diagnosis import Diagnosis, Problem, ServiceError
from raccord.core.http import Outgoing, RetryPolicy
from raccord.core.i18n import Tr
from raccord.core.ratelimit import Ceiling, QuotaExhausted
from raccord.core.settings_store import company_scope
from raccord.interfaces.chorus.results import (
    Deposit,
    FlowReport,
    InvoiceSearch,
    PortalInvoice,
    Service,
    Structure,
    StructureRules,
)
from raccord.interfaces.chorus.settings import PARIS, QUOTAS, space_of

if TYPE_CHECKING:
    from raccord.core.hub import Hub

# A token is renewed this long before PISTE says it expires.
TOKEN_MARGIN_S = 60.0
OK_CODE = 0
NO_RESULT_CODE = 20000
PISTE_HELP = "https://piste.gouv.fr"


@dataclass(frozen=True)
class Credentials:
    """What one company needs to talk to the portal."""

    company: str
    auth_url: str
    api_url: str
    client_id: str
    client_secret: str
    login: str
    password: str

    @property
    def cpro_account(self) -> str:
        return base64.b64encode(f"{self.login}:{self.password}".encode()).decode()

    @property
    def token_key(self) -> tuple[str, str, str]:
        digest = hashlib.sha256(self.client_secret.encode()).hexdigest()
        return (self.auth_url, self.client_id, digest)


class ChorusRefusal(ServiceError):
    """The portal answered but refused: `codeRetour` ≠ 0 (on HTTP 200 or 400)."""

    def __init__(self, diagnosis: Diagnosis, code: int | None, libelle: str) -> None:
        super().__init__(diagnosis)
        self.code = code
        self.libelle = libelle


class QuotaPaused(ServiceError):
    """Today's quota of the portal's space is spent: transmission waits for `resumes_at`."""

    def __init__(self, exhausted: QuotaExhausted) -> None:
        wait = max(0.0, exhausted.resets_at - time.time())
        super().__init__(Diagnosis(Problem.RATE_LIMIT, exhausted.message, retry_after=wait))
        self.resumes_at = exhausted.resets_at


def config_error(message: Tr) -> ServiceError:
    return ServiceError(Diagnosis(Problem.CONFIG, message))


def credentials(hub: Hub, company: str | None = None,
                values: Mapping[str, Any] | None = None) -> Credentials:
    """The company's technical account and PISTE application (its own, else the shared one)."""
    values = values if values is not None else hub.values("chorus")
    code = company or values.get("company_code") or ""
    if not code:
        raise config_error(Tr(
            "Aucune société désignée : renseignez le code de la société de connexion.",
            "No company given: fill in the technical user's login company code."))
    if hub.accounts.company(code) is None:
        raise config_error(Tr(f"La société « {code} » n'existe pas : créez-la d'abord.",
                              f"The company '{code}' does not exist: create it first."))
    own = hub.values("chorus", scope=company_scope(code))
    missing_fr, missing_en = [], []
    if not own.get("cpro_login"):
        missing_fr.append("compte technique CHORUS PRO")
        missing_en.append("CHORUS PRO technical account")
    if not own.get("cpro_password"):
        missing_fr.append("mot de passe du compte technique")
        missing_en.append("technical account password")
    client_id = own.get("piste_client_id") or values.get("piste_client_id") or ""
    client_secret = own.get("piste_client_secret") or values.get("piste_client_secret") or ""
    if not client_id or not client_secret:
        missing_fr.append("Client ID et Client Secret de l'application PISTE")
        missing_en.append("PISTE application client ID and secret")
    if missing_fr:
        raise config_error(Tr(
            f"Société {code} : renseignez {', '.join(missing_fr)} (paramètres par société de "
            "l'interface CHORUS PRO ; l'application PISTE peut aussi être commune).",
            f"Company {code}: fill in {', '.join(missing_en)} (the CHORUS PRO interface's "
            "per-company settings; the PISTE application may also be shared)."))
    return Credentials(code, str(values.get("auth_url") or ""),
                       str(values.get("url") or "").rstrip("/"), client_id, client_secret,
                       own["cpro_login"], own["cpro_password"])


@dataclass
class _Token:
    value: str
    renew_at: float


_tokens: dict[tuple[str, str, str], _Token] = {}
_fetching: dict[tuple[str, str, str], threading.Lock] = {}
_tokens_lock = threading.Lock()


def forget_tokens() -> None:
    with _tokens_lock:
        _tokens.clear()


def ceilings_for(values: Mapping[str, Any], hub: Hub | None = None) -> list[Ceiling]:
    """The configured rate, paced (read when the client is made), and the daily quota of the
    portal's space, counted per Paris day."""
    rate = int(values.get("max_calls_per_second") or 1)
    per_day = QUOTAS[space_of(str(values.get("url") or ""))][1]
    used_today = (lambda: calls_today(hub)) if hub is not None else None
    return [Ceiling("calls_per_second", "second", lambda: rate, paced=True),
            Ceiling("calls_per_day", "day", lambda: per_day, blocking=False,
                    used_today=used_today)]


def calls_today(hub: Hub) -> int:
    """Calls made to the portal since midnight in Paris, from the call log (which every
    process and machine writes)."""
    from sqlalchemy import func, select

    from raccord.core.models import CallLog

    midnight = datetime.now(PARIS).replace(hour=0, minute=0, second=0, microsecond=0)
    with hub.db.session() as session:
        return int(session.scalar(select(func.count(CallLog.id)).where(
            CallLog.interface == "chorus", CallLog.at >= midnight.astimezone(UTC),
            CallLog.url.like("%/cpro/%") | CallLog.url.like("%oauth%"))) or 0)


_shared_lock = threading.Lock()
_shared: weakref.WeakKeyDictionary[Any, tuple[Any, float, httpx.Client]] = (
    weakref.WeakKeyDictionary())

def _shared_client(hub: Hub, http: Outgoing) -> httpx.Client:
    """One pooled httpx client per process and hub, shared by every thread (its idle
    connections stay warm), renewed when the trust store or the timeout change."""
    context = hub.trust.ssl_context()
    with _shared_lock:
        known = _shared.get(hub)
        if known is not None and known[0] is context and known[1] == http.timeout:
            return known[2]
        if known is not None:
            known[2].close()
        # Idle connections are dropped before servers usually close them (5 s and more), so
        # that a deposit is not written into a connection the portal is closing.
        fresh = http.client(limits=httpx.Limits(keepalive_expiry=2.0))
        _shared[hub] = (context, http.timeout, fresh)
        return fresh


def _body_of(response: httpx.Response) -> dict[str, Any]:
    try:
        body = response.json()
    except ValueError:
        return {}
    return body if isinstance(body, dict) else {}


# One try per call: what background work uses (it re-queues instead of waiting in a thread).
ONE_TRY = RetryPolicy()


@dataclass
class ChorusClient:
    """One company's door to the portal, for one operation (settings read when made)."""

    hub: Hub
    company: str | None = None
    values: dict[str, Any] = field(default_factory=dict)
    # Background jobs ask for one try per call (`RetryPolicy()`): they re-queue the work and
    # count its tries on the invoice. None: the configured tries, for a person waiting.
    retry: RetryPolicy | None = None

    def __post_init__(self) -> None:
        self.values = self.values or self.hub.values("chorus")
        self.creds = credentials(self.hub, self.company, self.values)
        self.http = self.hub.outgoing("chorus", timeout=float(self.values.get("timeout_s") or 30),
                                      ceilings=ceilings_for(self.values, self.hub))
        self._client: httpx.Client | None = None

    # -- plumbing ------------------------------------------------------------------------
    def __enter__(self) -> ChorusClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self._client = None  # the connection stays open for this thread's next operation

    @property
    def client(self) -> httpx.Client:
        """The process's kept-alive connections to the portal: a new TLS handshake per call
        would cost time and, worse, vary it, bunching calls up at the portal."""
        if self._client is None:
            self._client = _shared_client(self.hub, self.http)
        return self._client

    def retry_policy(self) -> RetryPolicy:
        if self.retry is not None:
            return self.retry
        return RetryPolicy(attempts=int(self.values.get("max_attempts") or 1),
                           delay_s=float(self.values.get("retry_delay_s") or 0), idempotent=True)

    def _send(self, method: str, url: str, retry: RetryPolicy, expect: tuple[int, ...] = (200,),
              detail: Any = None, **kwargs: Any) -> httpx.Response:
        try:
            return self.http.request(method, url, retry=retry, expect=expect,
                                     client=self.client, detail=detail, **kwargs)
        except QuotaExhausted as exhausted:
            raise QuotaPaused(exhausted) from None

    # -- PISTE OAuth ---------------------------------------------------------------------
    def token(self, fresh: bool = False) -> str:
        key = self.creds.token_key
        with _tokens_lock:
            cached = _tokens.get(key)
            fetching = _fetching.setdefault(key, threading.Lock())
        if cached is not None and not fresh and time.time() < cached.renew_at:
            return cached.value
        # One thread asks PISTE; the others wait for its token instead of asking too.
        with fetching:
            with _tokens_lock:
                latest = _tokens.get(key)
            if latest is not None and latest is not cached and time.time() < latest.renew_at:
                return latest.value
            return self._new_token(key)

    def _new_token(self, key: tuple[str, str, str]) -> str:
        try:
            response = self._send(
                "POST", self.creds.auth_url, self.retry_policy(),
                data={"grant_type": "client_credentials", "client_id": self.creds.client_id,
                      "client_secret": self.creds.client_secret, "scope": "openid"},
                headers={"Accept": "application/json"}, detail=_oauth_error)
        except ServiceError as error:
            raise ServiceError(oauth_refused(error)) from None
        body = _body_of(response)
        value = str(body.get("access_token") or "")
        if not value:
            raise ServiceError(Diagnosis(Problem.PROTOCOL, Tr(
                "PISTE a répondu sans jeton d'accès : vérifiez l'URL d'authentification.",
                "PISTE answered without an access token: check the authentication URL.")))
        lifetime = float(body.get("expires_in") or 3600)
        with _tokens_lock:
            _tokens[key] = _Token(value, time.time() + max(lifetime - TOKEN_MARGIN_S, 1.0))
        return value

    def drop_token(self) -> None:
        with _tokens_lock:
            _tokens.pop(self.creds.token_key, None)

    # -- CHORUS PRO calls ----------------------------------------------------------------
    def call(self, path: str, body: Mapping[str, Any], *, retry: RetryPolicy | None = None,
             accept_codes: tuple[int, ...] = (OK_CODE,)) -> dict[str, Any]:
        """POST `body` to `{url}/cpro/{path}`; a 401 renews the token and tries once more."""
        url = f"{self.creds.api_url}/cpro/{path.lstrip('/')}"
        policy = retry or self.retry_policy()
        seen: dict[str, Any] = {}

        def detail(response: httpx.Response) -> str:
            seen.update(_body_of(response))
            return _libelle(seen)

        for renewed in (False, True):
            headers = {"Authorization": f"Bearer {self.token(fresh=renewed)}",
                       "cpro-account": self.creds.cpro_account,
                       "Content-Type": "application/json;charset=utf-8",
                       "Accept": "application/json"}
            try:
                response = self._send("POST", url, policy, json=dict(body), headers=headers,
                                      detail=detail)
            except QuotaPaused:
                raise
            except ServiceError as error:
                if error.diagnosis.problem is Problem.AUTH and not renewed:
                    self.drop_token()
                    continue
                if "codeRetour" in seen and error.diagnosis.problem is Problem.REFUSED:
                    raise refusal(path, seen, error.diagnosis.status) from None
                raise ServiceError(api_refused(error, self.creds.company)) from None
            data = _body_of(response)
            code = data.get("codeRetour", OK_CODE)
            if code not in accept_codes:
                raise refusal(path, data, response.status_code)
            return data
        raise AssertionError("unreachable")  # pragma: no cover

    def active_supplier_structures(self) -> list[dict[str, Any]]:
        """Supplier structures the technical account may deposit for (the Test's call)."""
        data = self.call("transverses/v1/recuperer/structures/actives/fournisseur", {},
                         accept_codes=(OK_CODE, NO_RESULT_CODE))
        return list(data.get("listeStructures") or [])

    def deposit_flow(self, content: bytes, file_name: str, syntax: str) -> Deposit:
        """`deposerFluxFacture`: never retried here, since the portal has no idempotency key
        (the caller reconciles an unknown outcome before any new try)."""
        return Deposit.of(self.call("factures/v1/deposer/flux", {
            "fichierFlux": base64.b64encode(content).decode(), "nomFichier": file_name,
            "syntaxeFlux": syntax, "avecSignature": False},
            retry=RetryPolicy(attempts=1, idempotent=False)))

    def flow_report(self, flow_number: str) -> FlowReport:
        return FlowReport.of(self.call("transverses/v1/consulterCRDetaille",
                                       {"numeroFluxDepot": flow_number}))

    def search_invoices(self, search: InvoiceSearch, page: int = 1,
                        per_page: int = 100) -> tuple[list[PortalInvoice], int]:
        """`rechercher/fournisseur`: (invoices of that page, number of pages)."""
        body = {**search.criteria(), "rechercheFactureParFournisseur": {
            "nbResultatsParPage": per_page, "pageResultatDemandee": page,
            "triColonne": "IdentifiantFactureCPP", "triSens": "Croissant"}}
        data = self.call("factures/v1/rechercher/fournisseur", body,
                         accept_codes=(OK_CODE, NO_RESULT_CODE))
        pages = int((data.get("parametresRetour") or {}).get("pages") or 0)
        return [PortalInvoice.of(row) for row in data.get("listeFactures") or []], pages

    def find_structure(self, siret: str) -> Structure | None:
        data = self.call("structures/v1/rechercher", {
            "structure": {"identifiantStructure": siret, "typeIdentifiantStructure": "SIRET"},
            "restreindreStructuresPrivees": False},
            accept_codes=(OK_CODE, NO_RESULT_CODE))
        found = list(data.get("listeStructures") or [])
        if not found:
            return None
        structure_id = found[0].get("idStructureCPP")
        return Structure(int(structure_id) if structure_id is not None else None,
                         str(found[0].get("designationStructure") or ""))

    def structure_rules(self, structure_id: int) -> StructureRules:
        return StructureRules.of(self.call("structures/v1/consulter",
                                           {"idStructureCPP": structure_id, "codeLangue": "fr"}))

    def structure_services(self, structure_id: int) -> list[Service]:
        data = self.call("structures/v1/rechercher/services", {
            "idStructure": structure_id,
            "parametresRechercherServicesStructure": {"nbResultatsParPage": 10000}},
            accept_codes=(OK_CODE, NO_RESULT_CODE))
        return [Service.of(row) for row in data.get("listeServices") or []]

    def service_needs_engagement(self, structure_id: int, service_id: int) -> bool:
        """Whether invoices to this service must carry an engagement number."""
        data = self.call("structures/v1/consulter/service",
                         {"idStructure": structure_id, "idService": service_id,
                          "codeLangue": "fr"})
        return bool((data.get("parametres") or {}).get("numeroEngagement"))

def _oauth_error(response: httpx.Response) -> str:
    body = _body_of(response)
    return " ".join(str(body[k]) for k in ("error", "error_description") if body.get(k))


def _libelle(body: Mapping[str, Any]) -> str:
    code, libelle = body.get("codeRetour"), body.get("libelle")
    if code is None and not libelle:
        return ""
    return f"codeRetour {code} : {libelle}" if libelle else f"codeRetour {code}"


def refusal(path: str, body: Mapping[str, Any], status: int | None) -> ChorusRefusal:
    code = body.get("codeRetour")
    libelle = str(body.get("libelle") or "")
    operation = path.strip("/").split("?")[0]
    return ChorusRefusal(Diagnosis(Problem.REFUSED, Tr(
        f"CHORUS PRO a refusé l'appel {operation} (codeRetour {code}) : {libelle}",
        f"CHORUS PRO refused the call {operation} (codeRetour {code}): {libelle}"), status),
        code if isinstance(code, int) else None, libelle)


def oauth_refused(error: ServiceError) -> Diagnosis:
    """PISTE's token endpoint answers 400 invalid_client for an unknown id and a wrong secret."""
    d = error.diagnosis
    if d.problem is Problem.RATE_LIMIT:
        return api_refused(error, "")
    if d.status in (400, 401) and d.problem in (Problem.REFUSED, Problem.AUTH):
        return Diagnosis(Problem.AUTH, Tr(
            "Client ID ou Client Secret PISTE refusé (invalid_client) : recopiez-les depuis "
            "l'onglet OAuth de votre application sur https://piste.gouv.fr (l'application de "
            "production et celle du bac à sable sont distinctes).",
            "PISTE client id or secret refused (invalid_client): copy them again from your "
            "application's OAuth tab on https://piste.gouv.fr (the production and sandbox "
            "applications are distinct)."), d.status, link=PISTE_HELP)
    return d


def api_refused(error: ServiceError, company: str) -> Diagnosis:
    """CHORUS PRO words for the gateway's 401 / 403 / 429."""
    d = error.diagnosis
    if d.problem is Problem.AUTH:
        return Diagnosis(Problem.AUTH, Tr(
            f"Compte technique CHORUS PRO de la société {company} refusé (cpro-account, HTTP "
            "401) : vérifiez son login et son mot de passe (expiré ? un compte créé n'est "
            "actif qu'après une trentaine de minutes) et que le raccordement PISTE de la "
            "structure désigne bien cette application.",
            f"Company {company}'s CHORUS PRO technical account login/password refused "
            "(cpro-account, HTTP 401): check its login and password (expired? a new account "
            "only works after about thirty minutes) and that the structure's PISTE connection "
            "names this application."), 401)
    if d.problem is Problem.FORBIDDEN:
        return Diagnosis(Problem.FORBIDDEN, Tr(
            "L'application PISTE n'est pas abonnée aux API CHORUS PRO (HTTP 403) : sur "
            "https://piste.gouv.fr, abonnez-la aux API Factures, Structures, Transverses et "
            "Utilisateurs en acceptant leurs CGU (une fois pour le bac à sable, une fois pour la "
            "production).",
            "The PISTE application is not subscribed to the CHORUS PRO APIs (HTTP 403): on "
            "https://piste.gouv.fr, subscribe it to the Factures, Structures, Transverses and "
            "Utilisateurs APIs, accepting their terms (once for the sandbox, once for "
            "production)."), 403, link=PISTE_HELP)
    if d.problem is Problem.RATE_LIMIT:
        wait = f" {d.retry_after:g} s" if d.retry_after is not None else ""
        return Diagnosis(Problem.RATE_LIMIT, Tr(
            f"Quota du portail CHORUS PRO atteint (HTTP 429) : il demande d'attendre{wait}. "
            "Baissez le nombre d'appels maximum par seconde si cela se répète (test : 5/s et "
            "50 000/jour ; production : 20/s et 1 000 000/jour).",
            f"CHORUS PRO portal quota reached (HTTP 429): it asks to wait{wait}. Lower the "
            "maximum calls per second if it happens again (test: 5/s and 50,000/day; "
            "production: 20/s and 1,000,000/day)."), 429, retry_after=d.retry_after)
    return d
