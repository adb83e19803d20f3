"""Plain-words diagnosis of what went wrong talking to an outside service."""

from __future__ import annotations

import socket
import ssl
from dataclasses import dataclass
from enum import StrEnum
from urllib.parse import urlsplit

import httpx

from raccord.core.i18n import Tr

CERTIFICATES_PAGE = "/certificates"


class Problem(StrEnum):
    CONFIG = "config"
    DNS = "dns"
    CONNECT = "connect"
    TLS_UNKNOWN_CA = "tls_unknown_ca"
    TLS_HOSTNAME = "tls_hostname"
    TLS_EXPIRED = "tls_expired"
    TLS_OTHER = "tls"
    TIMEOUT = "timeout"
    AUTH = "auth"
    FORBIDDEN = "forbidden"
    NOT_FOUND = "not_found"
    RATE_LIMIT = "rate_limit"
    SERVER = "server"
    REFUSED = "refused"
    PROTOCOL = "protocol"
    OUTCOME_UNKNOWN = "outcome_unknown"
    DISABLED = "disabled"


TRANSIENT = {Problem.TIMEOUT, Problem.RATE_LIMIT, Problem.SERVER, Problem.CONNECT,
             Problem.OUTCOME_UNKNOWN}


@dataclass(frozen=True)
class Diagnosis:
    problem: Problem
    message: Tr
    status: int | None = None
    retry_after: float | None = None
    link: str | None = None

    @property
    def transient(self) -> bool:
        return self.problem in TRANSIENT


class ServiceError(Exception):
    """A call failed; `diagnosis` says why and what to do. Never carries a secret."""

    def __init__(self, diagnosis: Diagnosis) -> None:
        super().__init__(diagnosis.message.en)
        self.diagnosis = diagnosis


def _chain(exc: BaseException) -> list[BaseException]:
    seen: list[BaseException] = []
    current: BaseException | None = exc
    while current is not None and current not in seen:
        seen.append(current)
        current = current.__cause__ or current.__context__
    return seen


def diagnose_exception(exc: BaseException, url: str, timeout: float | None = None) -> Diagnosis:
    parts = urlsplit(url)
    host = parts.hostname or url
    where = f"{host}:{parts.port}" if parts.port else host
    chain = _chain(exc)
    text = " ".join(str(e) for e in chain)
    if isinstance(exc, httpx.TimeoutException):
        after = f" {timeout:g} s" if timeout else ""
        return Diagnosis(Problem.TIMEOUT, Tr(
            f"Pas de réponse de {where} dans le délai{after} : le service est lent ou "
            "injoignable. Réessayez plus tard ou vérifiez le réseau.",
            f"No answer from {where} within the time limit{after}: the service is slow or "
            "unreachable. Try again later or check the network."))
    verify = next((e for e in chain if isinstance(e, ssl.SSLCertVerificationError)), None)
    if verify is not None or "CERTIFICATE_VERIFY_FAILED" in text:
        reason = (getattr(verify, "verify_message", "") or text).lower()
        if "hostname" in reason or "ip address mismatch" in reason:
            return Diagnosis(Problem.TLS_HOSTNAME, Tr(
                f"Le certificat présenté par {host} est établi pour un autre nom : vérifiez "
                "l'URL (nom d'hôte exact).",
                f"The certificate presented by {host} is for another name: check the URL's "
                "exact host name."))
        if "expired" in reason:
            return Diagnosis(Problem.TLS_EXPIRED, Tr(
                f"Le certificat de {host} a expiré : le service doit le renouveler.",
                f"The certificate of {host} has expired: the service must renew it."))
        return Diagnosis(Problem.TLS_UNKNOWN_CA, Tr(
            f"Le certificat de {host} est signé par une autorité de certification inconnue de "
            "raccord. Importez le certificat racine de cette autorité dans la page "
            "Certificats, puis relancez le test.",
            f"The certificate of {host} is signed by a certificate authority raccord does not "
            "know. Import that authority's root certificate on the Certificates page, then "
            "run the test again."), link=CERTIFICATES_PAGE)
    if any(isinstance(e, ssl.SSLError) for e in chain):
        return Diagnosis(Problem.TLS_OTHER, Tr(
            f"La négociation TLS avec {where} a échoué : le serveur parle-t-il bien HTTPS sur "
            "ce port ?",
            f"The TLS handshake with {where} failed: does the server speak HTTPS on this "
            "port?"))
    if any(isinstance(e, socket.gaierror) for e in chain) or "Name or service not known" in text \
            or "Temporary failure in name resolution" in text or "nodename nor servname" in text:
        return Diagnosis(Problem.DNS, Tr(
            f"Le nom « {host} » est introuvable (DNS) : vérifiez l'orthographe de l'URL et "
            "l'accès du serveur au DNS.",
            f"The name '{host}' cannot be resolved (DNS): check the URL's spelling and the "
            "server's DNS access."))
    if isinstance(exc, httpx.ConnectError) or any(
            isinstance(e, ConnectionRefusedError | ConnectionResetError) for e in chain):
        return Diagnosis(Problem.CONNECT, Tr(
            f"Connexion impossible à {where} : le service est arrêté, le port est faux ou un "
            "pare-feu bloque la connexion.",
            f"Cannot connect to {where}: the service is down, the port is wrong or a firewall "
            "blocks the connection."))
    if isinstance(exc, httpx.UnsupportedProtocol | httpx.InvalidURL):
        return Diagnosis(Problem.CONFIG, Tr(
            f"L'URL « {url} » est invalide : vérifiez-la.",
            f"The URL '{url}' is not valid: check it."))
    return Diagnosis(Problem.PROTOCOL, Tr(
        f"Échange interrompu avec {where} ({type(exc).__name__}) : réessayez ; si cela "
        "persiste, consultez le journal des appels.",
        f"The exchange with {where} broke off ({type(exc).__name__}): try again; if it "
        "persists, read the call log."))


def parse_retry_after(value: str | None) -> float | None:
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        from email.utils import parsedate_to_datetime

        try:
            when = parsedate_to_datetime(value)
        except (TypeError, ValueError):
            return None
        from datetime import UTC, datetime

        return max(0.0, (when - datetime.now(UTC)).total_seconds())


def diagnose_response(response: httpx.Response, detail: str = "") -> Diagnosis:
    status = response.status_code
    path = response.request.url.path if response.request else ""
    extra_fr = f" ({detail})" if detail else ""
    if status == 401:
        return Diagnosis(Problem.AUTH, Tr(
            f"Authentification refusée (HTTP 401){extra_fr} : vérifiez l'identifiant et le mot "
            "de passe, le jeton ou la clé enregistrés.",
            f"Authentication refused (HTTP 401){extra_fr}: check the saved login and password, "
            "token or key."), status)
    if status == 403:
        return Diagnosis(Problem.FORBIDDEN, Tr(
            f"Accès refusé (HTTP 403){extra_fr} : le compte est reconnu mais n'a pas le droit "
            "d'utiliser ce service (abonnement, permission ou consentement manquant).",
            f"Access denied (HTTP 403){extra_fr}: the account is known but may not use this "
            "service (missing subscription, permission or consent)."), status)
    if status == 404:
        return Diagnosis(Problem.NOT_FOUND, Tr(
            f"Adresse introuvable (HTTP 404{extra_fr}) pour le chemin {path} : l'URL "
            "enregistrée est probablement fausse (chemin ou version de l'API).",
            f"Address not found (HTTP 404{extra_fr}) for path {path}: the saved URL is probably "
            "wrong (path or API version)."), status)
    if status == 429:
        retry_after = parse_retry_after(response.headers.get("Retry-After"))
        wait = f" {retry_after:g} s" if retry_after is not None else ""
        return Diagnosis(Problem.RATE_LIMIT, Tr(
            f"Quota ou limite de débit atteint (HTTP 429) : le service demande d'attendre{wait}"
            " avant de réessayer. Réduisez le nombre d'appels par seconde si cela se répète.",
            f"Quota or rate limit reached (HTTP 429): the service asks to wait{wait} before "
            "trying again. Lower the calls per second if it happens again."), status,
            retry_after=retry_after)
    if status >= 500:
        return Diagnosis(Problem.SERVER, Tr(
            f"Le service est en erreur (HTTP {status}){extra_fr} : réessayez plus tard.",
            f"The service is failing (HTTP {status}){extra_fr}: try again later."), status,
            retry_after=parse_retry_after(response.headers.get("Retry-After")))
    return Diagnosis(Problem.REFUSED, Tr(
        f"Requête refusée par le service (HTTP {status}){extra_fr}.",
        f"Request refused by the service (HTTP {status}){extra_fr}."), status)
