"""Telling the ERP that something changed: one signed JSON POST per event, to the URL saved in
the interface's `webhook_url` (secret `webhook_secret`), kept as a row until it is delivered.

Each try is one call (the core's retry policy: transient failures are retried once in
Outgoing); when the ERP stays unreachable the delivery is tried again later by re-queueing, up
to the interface's `max_attempts` tries in all (5 when it has none), `retry_delay_s` apart."""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
from typing import TYPE_CHECKING, Any

from raccord.core.diagnosis import ServiceError
from raccord.core.jobs import job
from raccord.core.models import WebhookDelivery, utcnow

if TYPE_CHECKING:
    from raccord.core.hub import Hub

log = logging.getLogger("raccord.webhooks")
DELIVER_JOB = "core.webhook"
DEFAULT_ATTEMPTS = 5
DEFAULT_DELAY_S = 60.0


def sign(secret: str, body: bytes) -> str:
    """`X-Raccord-Signature`: HMAC-SHA256 of the raw body, hex, prefixed `sha256=`."""
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def notify(hub: Hub, interface: str, event: str, data: dict[str, Any]) -> int | None:
    """Queue a notification; None when the interface has no webhook URL saved."""
    if not hub.values(interface).get("webhook_url"):
        return None
    with hub.db.session() as session:
        row = WebhookDelivery(interface=interface, event=event, payload=data)
        session.add(row)
        session.flush()
        delivery_id = row.id
    hub.jobs.enqueue(DELIVER_JOB, delivery_id=delivery_id)
    return delivery_id


@job(DELIVER_JOB)
def deliver_job(hub: Hub, delivery_id: int) -> dict[str, int]:
    return {deliver(hub, delivery_id): 1}


def deliver(hub: Hub, delivery_id: int) -> str:
    with hub.db.session() as session:
        row = session.get(WebhookDelivery, delivery_id)
        if row is None or row.state != "pending":
            return "done"
        row.attempts += 1
        attempt, interface = row.attempts, row.interface
        body = json.dumps({"event": row.event, "delivery_id": row.id,
                           "at": row.created_at.isoformat(), **row.payload},
                          ensure_ascii=False).encode()
        event = row.event
    values = hub.values(interface)
    url = values.get("webhook_url")
    if not url:
        return _close(hub, delivery_id, "failed", "no webhook URL saved any more")
    headers = {"Content-Type": "application/json", "X-Raccord-Event": event,
               "X-Raccord-Delivery": str(delivery_id)}
    if values.get("webhook_secret"):
        headers["X-Raccord-Signature"] = sign(str(values["webhook_secret"]), body)
    try:
        hub.outgoing(interface, timeout=float(values.get("timeout_s") or 30)).request(
            "POST", str(url), content=body, headers=headers, expect=(200, 201, 202, 204))
    except ServiceError as error:
        reason = error.diagnosis.message.en
        attempts = int(values.get("max_attempts") or DEFAULT_ATTEMPTS)
        if error.diagnosis.transient and attempt < attempts:
            with hub.db.session() as session:
                pending = session.get(WebhookDelivery, delivery_id)
                if pending is not None:
                    pending.last_error = reason
            delay = float(values.get("retry_delay_s") or DEFAULT_DELAY_S)
            hub.jobs.enqueue(DELIVER_JOB, delay_s=delay, delivery_id=delivery_id)
            return "retry"
        log.warning("webhook %s (%s) not delivered: %s", delivery_id, event, reason)
        return _close(hub, delivery_id, "failed", reason)
    return _close(hub, delivery_id, "delivered", None)


def _close(hub: Hub, delivery_id: int, state: str, reason: str | None) -> str:
    with hub.db.session() as session:
        row = session.get(WebhookDelivery, delivery_id)
        if row is not None:
            row.state, row.last_error = state, reason
            if state == "delivered":
                row.delivered_at = utcnow()
    return state
