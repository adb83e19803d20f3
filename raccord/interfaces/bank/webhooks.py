"""Bridge's webhooks: `BridgeApi-Signature` carries one or more `v1=<HMAC-SHA256>` of the raw
body with the webhook's secret (only scheme v1 counts; up to two secrets are active during a
rotation). The event, once checked, is handed over typed."""

from __future__ import annotations

import hashlib
import hmac
import json
from dataclasses import dataclass
from typing import Any

SIGNATURE_HEADER = "BridgeApi-Signature"
# The events that say an item's data changed: fetch its accounts again.
REFRESH_EVENTS = {"item.refreshed", "item.account.updated", "item.account.created",
                  "ITEM_REFRESHED", "ACCOUNT_UPDATED"}


@dataclass(frozen=True)
class WebhookEvent:
    type: str
    item_id: int | None
    user_uuid: str
    timestamp: int
    content: dict[str, Any]

    @property
    def refresh(self) -> bool:
        return self.type in REFRESH_EVENTS


def sign(secret: str, body: bytes) -> str:
    return hmac.new(secret.encode(), body, hashlib.sha256).hexdigest().upper()


def signature_valid(secrets: list[str], body: bytes, header: str) -> bool:
    """True when one `v1=` signature of the header matches one of the secrets."""
    given = [part.strip()[3:].strip().lower() for part in header.split(",")
             if part.strip().lower().startswith("v1=")]
    for secret in secrets:
        if not secret:
            continue
        expected = sign(secret, body).lower()
        if any(hmac.compare_digest(expected, value) for value in given):
            return True
    return False


def parse_event(body: bytes) -> WebhookEvent:
    raw = json.loads(body)
    content = raw.get("content") or {}
    item = content.get("item_id")
    return WebhookEvent(str(raw.get("type") or ""), int(item) if item is not None else None,
                        str(content.get("user_uuid") or ""), int(raw.get("timestamp") or 0),
                        content)
