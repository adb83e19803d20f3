"""A Google service account key, and the OAuth JWT-bearer exchange (RFC 7523) for a token
acting as a Workspace user (domain-wide delegation).

google-auth reads the key and signs the assertion (its own claims: iss, scope, aud, iat,
exp, sub). The exchange itself goes through `hub.outgoing` rather than google-auth's requests
transport: one HTTP stack with the imported certificate authorities, the call log, redaction
(the `assertion` never reaches a log) and raccord's own diagnosis and retry policy, instead
of google-auth's silent back-off sleeps."""

from __future__ import annotations

import hashlib
import json
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any
from weakref import WeakKeyDictionary

import httpx
from google.auth import jwt
from google.oauth2 import service_account

from raccord.core.diagnosis import Diagnosis, Problem, ServiceError
from raccord.core.http import RetryPolicy
from raccord.core.i18n import Tr
from raccord.core.schema import SettingError
from raccord.interfaces.gmail.settings import SCHEMA, check_key_file

if TYPE_CHECKING:
    from raccord.core.hub import Hub

GMAIL_SEND = "https://www.googleapis.com/auth/gmail.send"
# Only to look a message up by its Message-ID when Gmail's answer to a send was lost.
GMAIL_READONLY = "https://www.googleapis.com/auth/gmail.readonly"
# google-auth signs every assertion for this audience, whatever the key's token_uri.
GOOGLE_TOKEN_AUDIENCE = "https://oauth2.googleapis.com/token"
DEFAULT_TOKEN_URL = "https://oauth2.googleapis.com/token"
JWT_BEARER = "urn:ietf:params:oauth:grant-type:jwt-bearer"
ASSERTION_LIFETIME_S = 3600
DELEGATION_PAGE = ("Admin console > Sécurité > Accès et contrôle des données > Commandes des "
                   "API > Délégation au niveau du domaine",
                   "Admin console > Security > Access and data control > API controls > "
                   "Manage Domain Wide Delegation")


@dataclass(frozen=True)
class ServiceAccountKey:
    path: str
    info: dict[str, Any]
    credentials: service_account.Credentials
    fingerprint: str

    @property
    def client_email(self) -> str:
        return str(self.info["client_email"])

    @property
    def client_id(self) -> str:
        return str(self.info.get("client_id") or "?")

    @property
    def project_id(self) -> str:
        return str(self.info.get("project_id") or "?")

    @property
    def token_uri(self) -> str:
        return str(self.info["token_uri"])


# Parsed keys by (path, content digest): the file is read and checked at every use, and its
# RSA key parsed again (a tenth of a second) only when its content changed.
_keys: dict[tuple[str, str], ServiceAccountKey] = {}
_cache_lock = threading.Lock()


def load_key(path: str) -> ServiceAccountKey:
    """Read and check the key file now (it may have changed since it was saved)."""
    problem = check_key_file(path) if path else Tr(
        "Aucune clé de connexion Gmail enregistrée.", "No Gmail connection key saved.")
    if problem is not None:
        raise ServiceError(Diagnosis(Problem.CONFIG, problem))
    raw = Path(path).read_bytes()
    fingerprint = hashlib.sha256(raw).hexdigest()
    with _cache_lock:
        known = _keys.get((path, fingerprint))
    if known is not None:
        return known
    info = json.loads(raw)
    try:
        credentials = service_account.Credentials.from_service_account_info(
            info, scopes=[GMAIL_SEND])
    except ValueError:  # google-auth's MalformedError is a ValueError
        raise ServiceError(Diagnosis(Problem.CONFIG, Tr(
            f"La clé privée du fichier « {path} » est illisible : téléchargez une nouvelle clé "
            "JSON du compte de service depuis la console Google Cloud.",
            f"The private key in '{path}' cannot be read: download a new JSON key for the "
            "service account from Google Cloud's console."))) from None
    key = ServiceAccountKey(path, info, credentials, fingerprint)
    with _cache_lock:
        _keys[(path, fingerprint)] = key
    return key


def token_endpoint(key: ServiceAccountKey, token_url: str) -> str:
    """The key's own `token_uri`, as google-auth uses it, unless the advanced setting points
    elsewhere on purpose."""
    if token_url and token_url.rstrip("/") != DEFAULT_TOKEN_URL:
        return token_url
    try:  # the signed assertion is worth an hour of sending: never over plain http
        return str(SCHEMA.field("token_url").parse(key.token_uri))
    except SettingError:
        raise ServiceError(Diagnosis(Problem.CONFIG, Tr(
            f"Le « token_uri » de la clé « {key.path} » n'est pas une adresse https:// : "
            "téléchargez à nouveau la clé depuis la console Google Cloud.",
            f"The 'token_uri' of the key '{key.path}' is not an https:// address: download "
            "the key again from Google Cloud's console."))) from None


def assertion(key: ServiceAccountKey, subject: str, scopes: list[str]) -> str:
    now = int(time.time())
    claims = {"iss": key.client_email, "scope": " ".join(scopes), "aud": GOOGLE_TOKEN_AUDIENCE,
              "iat": now, "exp": now + ASSERTION_LIFETIME_S, "sub": subject}
    signed: bytes = jwt.encode(key.credentials.signer, claims)
    return signed.decode()


def _explain(error: ServiceError, body: dict[str, Any], key: ServiceAccountKey,
             subject: str, scopes: list[str]) -> Diagnosis:
    # OAuth errors are {"error": "code", "error_description": ...}; a front end's failure
    # (5xx, 429) is a Google API error {"error": {...}}: leave those to the generic diagnosis.
    code = body.get("error") if isinstance(body.get("error"), str) else ""
    text = str(body.get("error_description") or "")
    status = error.diagnosis.status
    if code == "unauthorized_client":
        return Diagnosis(Problem.FORBIDDEN, Tr(
            f"Délégation à l'échelle du domaine absente pour « {subject} » : dans "
            f"{DELEGATION_PAGE[0]}, autorisez l'ID client {key.client_id} (et non l'adresse du "
            f"compte) avec le champ d'application {' '.join(scopes)}. La prise en compte peut "
            "prendre jusqu'à 24 h.",
            f"Domain-wide delegation missing for '{subject}': in {DELEGATION_PAGE[1]}, "
            f"authorise client ID {key.client_id} (not the account's address) with the scope "
            f"{' '.join(scopes)}. It can take up to 24 h to apply."), status)
    if code == "invalid_grant" and "signature" in text.lower():
        return Diagnosis(Problem.AUTH, Tr(
            f"Google refuse la signature de la clé « {key.path} » (Invalid JWT Signature) : "
            f"cette clé a été supprimée ou remplacée pour {key.client_email}. Créez une "
            "nouvelle clé JSON dans IAM > Comptes de service > Clés, puis enregistrez son "
            "chemin.",
            f"Google refuses the signature of the key '{key.path}' (Invalid JWT Signature): "
            f"this key was deleted or replaced for {key.client_email}. Create a new JSON key "
            "in IAM > Service accounts > Keys, then save its path."), status)
    if code == "invalid_grant" and "account not found" in text.lower():
        return Diagnosis(Problem.AUTH, Tr(
            f"Le compte de service {key.client_email} n'existe plus : créez-en un nouveau et "
            "sa clé JSON dans la console Google Cloud.",
            f"The service account {key.client_email} no longer exists: create a new one and "
            "its JSON key in Google Cloud's console."), status)
    if code == "invalid_grant" and ("email" in text.lower() or "user" in text.lower()):
        return Diagnosis(Problem.AUTH, Tr(
            f"« {subject} » n'est pas un utilisateur du domaine Google Workspace ({text}) : "
            "vérifiez l'adresse d'envoi.",
            f"'{subject}' is not a user of the Google Workspace domain ({text}): check the "
            "sending address."), status)
    if code == "invalid_grant":
        return Diagnosis(Problem.AUTH, Tr(
            f"Google refuse l'assertion signée ({text}) : vérifiez que l'horloge du serveur "
            "est à l'heure (NTP).",
            f"Google refuses the signed assertion ({text}): check that the server's clock is "
            "right (NTP)."), status)
    if code:
        return Diagnosis(error.diagnosis.problem, Tr(
            f"Jeton Google refusé ({code} : {text}).", f"Google token refused ({code}: {text})."),
            status)
    return error.diagnosis


@dataclass(frozen=True)
class AccessToken:
    value: str
    expires_at: float


# Per hub, so that two hubs in one process (tests, several tenants) never share a token.
_caches: WeakKeyDictionary[Hub, dict[tuple[str, ...], AccessToken]] = WeakKeyDictionary()


def access_token(hub: Hub, key: ServiceAccountKey, subject: str, scopes: list[str],
                 endpoint: str, fresh: bool = False,
                 retry: RetryPolicy | None = None) -> AccessToken:
    """A token acting as `subject`. Reused until a minute before it expires, keyed by the
    key file's content, so a new key or sender takes effect at once; `fresh` skips reuse."""
    cache_key = (key.fingerprint, endpoint, subject, *scopes)
    now = time.time()
    if not fresh:
        with _cache_lock:
            cached = _caches.get(hub, {}).get(cache_key)
        if cached is not None and cached.expires_at - 60 > now:
            return cached
    body: dict[str, Any] = {}

    def detail(response: httpx.Response) -> str:
        data = response.json()
        if isinstance(data, dict):
            body.update(data)
        error = body.get("error")
        if isinstance(error, dict):
            return str(error.get("message") or "")
        return f"{error or ''}: {body.get('error_description') or ''}".strip(": ")

    try:
        response = hub.outgoing("gmail").request(
            "POST", endpoint, detail=detail, retry=retry or RetryPolicy(attempts=2, delay_s=1.0),
            data={"grant_type": JWT_BEARER, "assertion": assertion(key, subject, scopes)},
            headers={"Accept": "application/json"})
    except ServiceError as error:
        raise ServiceError(_explain(error, body, key, subject, scopes)) from None
    try:
        data = response.json()
        token = AccessToken(str(data["access_token"]), now + float(data.get("expires_in", 3600)))
    except (ValueError, KeyError, TypeError):
        raise ServiceError(Diagnosis(Problem.PROTOCOL, Tr(
            f"Réponse sans « access_token » de {endpoint} : le « token_uri » de la clé mène-t-il "
            "au service de jetons de Google ?",
            f"Answer without 'access_token' from {endpoint}: does the key's 'token_uri' lead "
            "to Google's token service?"))) from None
    with _cache_lock:
        _caches.setdefault(hub, {})[cache_key] = token
    return token
