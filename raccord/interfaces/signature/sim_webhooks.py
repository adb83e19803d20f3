"""Webhooks as Universign sends them: a JSON event POSTed with `x-jws-signature`, a detached JWS
(PS256, `kid` in the header) over the raw body, its public key published at
`/v1/webhooks/jwks.json`. Every event is kept (tests read them back); when an endpoint is set
(`/_sim/webhook-endpoint`) each is delivered to it from a background thread."""

from __future__ import annotations

import json
import logging
import queue
import secrets
import threading
import time
from dataclasses import dataclass, field
from typing import Any

import httpx
import jwt
from cryptography.hazmat.primitives.asymmetric import rsa
from jwt.algorithms import RSAAlgorithm

log = logging.getLogger("raccord.sandbox.signature")
SIGNATURE_HEADER = "x-jws-signature"


@dataclass
class WebhookSender:
    kid: str = field(default_factory=lambda: "scd_" + secrets.token_hex(6))
    key: rsa.RSAPrivateKey = field(
        default_factory=lambda: rsa.generate_private_key(public_exponent=65537, key_size=2048))
    endpoint: str | None = None
    sent: list[dict[str, Any]] = field(default_factory=list)
    _queue: queue.Queue[tuple[bytes, str]] = field(default_factory=queue.Queue)
    _thread: threading.Thread | None = None

    def jwks(self) -> dict[str, Any]:
        public = json.loads(RSAAlgorithm.to_jwk(self.key.public_key()))
        return {"keys": [{**public, "kid": self.kid, "use": "sig", "alg": "PS256"}]}

    def sign(self, body: bytes) -> str:
        token = jwt.api_jws.encode(body, self.key, algorithm="PS256",
                                   headers={"kid": self.kid})
        header, _, signature = token.split(".")
        return f"{header}..{signature}"

    def emit(self, event_type: str, tx: dict[str, Any], extra: dict[str, Any] | None = None
             ) -> None:
        event = {"object": "event", "id": "evt_" + secrets.token_hex(8), "type": event_type,
                 "created_at": int(time.time()),
                 "payload": {"object": json.loads(json.dumps(tx)), **(extra or {})}}
        body = json.dumps(event).encode()
        signature = self.sign(body)
        self.sent.append({"type": event_type, "body": body.decode(), "signature": signature,
                          "transaction": tx["id"]})
        if self.endpoint:
            self._queue.put((body, signature))
            self._ensure_thread()

    def _ensure_thread(self) -> None:
        if self._thread is None or not self._thread.is_alive():
            self._thread = threading.Thread(target=self._deliver_loop, daemon=True,
                                            name="universign-webhooks")
            self._thread.start()

    def _deliver_loop(self) -> None:
        while True:
            try:
                body, signature = self._queue.get(timeout=30)
            except queue.Empty:
                return
            endpoint = self.endpoint
            if not endpoint:
                continue
            try:
                httpx.post(endpoint, content=body, timeout=10,
                           headers={"Content-Type": "application/json",
                                    SIGNATURE_HEADER: signature})
            except httpx.HTTPError as error:  # Universign retries later; the poll catches up
                log.info("webhook to %s not delivered: %s", endpoint, error)
