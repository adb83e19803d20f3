"""Universign's webhooks: a call whose detached JWS signature checks against Universign's
published keys wakes the follow-up of its request; any other is refused and logged. The
scheduled run stays the safety net for a webhook that never came."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from raccord.features.signatures import store
from raccord.features.signatures.dispatch import SYNC_JOB, wake
from raccord.features.signatures.sending import METADATA_KEY
from raccord.interfaces.signature.webhooks import WebhookRefused, verify

if TYPE_CHECKING:
    from raccord.core.hub import Hub

log = logging.getLogger("raccord.signatures")


def receive(hub: Hub, body: bytes, signature: str | None, source: str) -> str:
    """What became of the call: "queued", "ignored"; WebhookRefused when not Universign's."""
    try:
        event = verify(hub, body, signature)
    except WebhookRefused as refused:
        log.warning("Universign webhook from %s refused: %s", source, refused.message.en)
        hub.record_status("signature", False, "webhook", refused.message)
        raise
    tx = event.transaction
    if tx is None:
        return "ignored"
    request = store.by_transaction(hub, tx.id)
    if request is None and tx.metadata.get(METADATA_KEY):
        request = store.by_uid(hub, tx.metadata[METADATA_KEY])
    if request is None:
        return "ignored"  # another installation's transaction, or one not from raccord
    wake(hub, SYNC_JOB, request_id=request.id)
    return "queued"
