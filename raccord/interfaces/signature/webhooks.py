"""Universign webhooks received: the `x-jws-signature` header is a detached JWS (RFC 7515
appendix F: `<header>..<signature>`) over the raw body, checked against the keys Universign
publishes at `{url}/v1/webhooks/jwks.json` (fetched through the trust store, cached, fetched
again for an unknown `kid`)."""

from __future__ import annotations

import base64
import json
import threading
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import jwt

from raccord.core.diagnosis import ServiceError
from raccord.core.i18n import Tr
from raccord.interfaces.signature.client import Transaction, UniversignClient, transaction_of

if TYPE_CHECKING:
    from raccord.core.hub import Hub

SIGNATURE_HEADER = "x-jws-signature"
ALGORITHMS = ["PS256", "RS256", "ES256"]
KEYS_TTL_S = 3600.0
_keys: dict[str, tuple[float, dict[str, Any]]] = {}  # base URL -> (fetched at, JWKS)
_lock = threading.Lock()


class WebhookRefused(Exception):
    def __init__(self, message: Tr) -> None:
        super().__init__(message.en)
        self.message = message


@dataclass(frozen=True)
class WebhookEvent:
    id: str
    type: str
    transaction: Transaction | None


def _jwks(hub: Hub, client: UniversignClient, fresh: bool) -> dict[str, Any]:
    with _lock:
        cached = _keys.get(client.base)
        if cached and not fresh and time.monotonic() - cached[0] < KEYS_TTL_S:
            return cached[1]
    keys = client.jwks()
    with _lock:
        _keys[client.base] = (time.monotonic(), keys)
    return keys


def _key_for(hub: Hub, client: UniversignClient, kid: str | None) -> Any:
    for fresh in (False, True):
        keys = _jwks(hub, client, fresh).get("keys") or []
        for entry in keys:
            if kid is None or entry.get("kid") == kid:
                return jwt.PyJWK(entry).key
    raise WebhookRefused(Tr(f"Clé de signature « {kid} » inconnue des clés publiées par "
                            "Universign.",
                            f"Signing key '{kid}' is not among the keys Universign publishes."))


def verify(hub: Hub, body: bytes, signature: str | None) -> WebhookEvent:
    """The event, once its signature is checked; WebhookRefused otherwise."""
    if not signature:
        raise WebhookRefused(Tr("Appel sans en-tête x-jws-signature : refusé.",
                                "Call without an x-jws-signature header: refused."))
    header_b64, dot, rest = signature.partition(".")
    middle, dot2, signature_b64 = rest.partition(".")
    if not (dot and dot2) or middle:
        raise WebhookRefused(Tr("En-tête x-jws-signature mal formé (JWS détaché attendu).",
                                "Malformed x-jws-signature header (detached JWS expected)."))
    try:
        header = jwt.get_unverified_header(f"{header_b64}.e30.{signature_b64}")
    except jwt.PyJWTError:
        raise WebhookRefused(Tr("En-tête JWS illisible.", "Unreadable JWS header.")) from None
    try:
        with UniversignClient(hub) as client:
            key = _key_for(hub, client, header.get("kid"))
    except ServiceError as error:
        raise WebhookRefused(Tr("Clés publiques d'Universign indisponibles :",
                                "Universign's public keys unavailable:")
                             + error.diagnosis.message) from None
    payload = base64.urlsafe_b64encode(body).rstrip(b"=").decode()
    try:
        jwt.api_jws.decode_complete(f"{header_b64}.{payload}.{signature_b64}", key,
                                    algorithms=ALGORITHMS)
    except jwt.PyJWTError:
        raise WebhookRefused(Tr("Signature JWS fausse : l'appel ne vient pas d'Universign ou "
                                "son contenu a été modifié.",
                                "Wrong JWS signature: the call does not come from Universign "
                                "or its content was changed.")) from None
    try:
        event = json.loads(body)
        obj = (event.get("payload") or {}).get("object") or {}
        tx = transaction_of(obj) if obj.get("object") == "transaction" else None
        return WebhookEvent(str(event.get("id") or ""), str(event.get("type") or ""), tx)
    except (ValueError, KeyError, AttributeError):
        raise WebhookRefused(Tr("Corps d'événement illisible.",
                                "Unreadable event body.")) from None
