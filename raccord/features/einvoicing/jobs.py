"""Background work of the CHORUS PRO transmission (run by `raccord worker`)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from raccord.core.jobs import job, scheduled
from raccord.features.einvoicing import followup, transmit, webhooks
from raccord.features.einvoicing.dispatch import (
    DEPOSIT_JOB,
    FOLLOW_UP_JOB,
    RECONCILE_JOB,
    WEBHOOK_JOB,
)

if TYPE_CHECKING:
    from raccord.core.hub import Hub


@job(DEPOSIT_JOB)
def deposit(hub: Hub, invoice_id: int) -> dict[str, int]:
    return {transmit.deposit(hub, invoice_id): 1}


@job(RECONCILE_JOB)
def reconcile(hub: Hub, invoice_id: int) -> dict[str, int]:
    return {transmit.reconcile(hub, invoice_id): 1}


@job(WEBHOOK_JOB)
def webhook(hub: Hub, event_id: int, attempt: int = 1) -> dict[str, int]:
    return {webhooks.deliver(hub, event_id, attempt): 1}


@scheduled(FOLLOW_UP_JOB, interface="chorus", interval_key="poll_interval_s",
           startup_key="startup_delay_s")
def follow_up(hub: Hub) -> dict[str, int]:
    counts = transmit.sweep(hub)
    counts.update(followup.follow_up(hub))
    return dict(counts)
