"""Telling the ERP: one signed JSON POST per change of an invoice's state or portal status,
retried `chorus.max_attempts` times `chorus.retry_delay_s` apart when the ERP is unreachable."""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
from typing import TYPE_CHECKING, Any

from sqlalchemy import select

from raccord.core.diagnosis import ServiceError
from raccord.core.models import Setting
from raccord.features.einvoicing import store
from raccord.features.einvoicing.dispatch import WEBHOOK_JOB, wake
from raccord.features.einvoicing.models import EInvoice, EInvoiceEvent

if TYPE_CHECKING:
    from raccord.core.hub import Hub

log = logging.getLogger("raccord.einvoicing")
EVENT = "einvoice.status_changed"


def on_event(hub: Hub, event_id: int) -> None:
    # Read on every state change: one plain row, not the whole (decrypted) settings.
    with hub.db.session() as session:
        url = session.scalar(select(Setting.value).where(
            Setting.interface == "chorus", Setting.key == "webhook_url", Setting.scope == ""))
    if url and json.loads(url):
        wake(hub, WEBHOOK_JOB, event_id=event_id)


def payload(invoice: EInvoice, event: EInvoiceEvent) -> dict[str, Any]:
    return {"event": EVENT, "event_id": event.id, "at": event.at.isoformat(),
            "message": event.message,
            "invoice": {"id": invoice.id, "company": invoice.company_code,
                        "number": invoice.number, "state": event.to_state,
                        "previous_state": event.from_state,
                        "portal_status": invoice.portal_status,
                        "flow_number": invoice.flow_number, "portal_id": invoice.portal_id,
                        "errors": invoice.errors}}


def sign(secret: str, body: bytes) -> str:
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def deliver(hub: Hub, event_id: int, attempt: int = 1) -> str:
    values = hub.values("chorus")
    url = values.get("webhook_url")
    if not url:
        return "no_webhook"
    with hub.db.session() as session:
        event = session.get(EInvoiceEvent, event_id)
        invoice = session.get(EInvoice, event.invoice_id) if event else None
    if event is None or invoice is None:
        return "gone"
    body = json.dumps(payload(invoice, event), ensure_ascii=False).encode()
    headers = {"Content-Type": "application/json", "X-Raccord-Event": EVENT,
               "X-Raccord-Delivery": str(event_id)}
    if values.get("webhook_secret"):
        headers["X-Raccord-Signature"] = sign(str(values["webhook_secret"]), body)
    try:
        hub.outgoing("chorus", timeout=float(values.get("timeout_s") or 30)).request(
            "POST", str(url), content=body, headers=headers, expect=(200, 201, 202, 204))
    except ServiceError as error:
        if error.diagnosis.transient and attempt < int(values.get("max_attempts") or 1):
            wake(hub, WEBHOOK_JOB, delay_s=float(values.get("retry_delay_s") or 0),
                 event_id=event_id, attempt=attempt + 1)
            return "retry"
        log.warning("webhook for invoice event %s not delivered: %s", event_id,
                    error.diagnosis.message.en)
        return "failed"
    return "delivered"


def install() -> None:
    if on_event not in store.listeners:
        store.listeners.append(on_event)
