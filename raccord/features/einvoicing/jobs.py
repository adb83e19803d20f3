"""Background work of the CHORUS PRO transmission (run by `raccord worker`)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from raccord.core.i18n import Tr
from raccord.core.jobs import job, scheduled
from raccord.core.words import count_words, task_words
from raccord.features.einvoicing import followup, soon, transmit, webhooks
from raccord.features.einvoicing.dispatch import (
    DEPOSIT_JOB,
    FOLLOW_SOON_JOB,
    FOLLOW_UP_JOB,
    RECONCILE_JOB,
    WEBHOOK_JOB,
)

if TYPE_CHECKING:
    from raccord.core.hub import Hub

task_words({
    DEPOSIT_JOB: Tr("Dépôt d'une facture sur CHORUS PRO", "Invoice deposit on CHORUS PRO"),
    RECONCILE_JOB: Tr("Vérification d'un dépôt sans réponse", "Check of an unanswered deposit"),
    WEBHOOK_JOB: Tr("Notification de facture à l'ERP", "Invoice notification to the ERP"),
    FOLLOW_UP_JOB: Tr("Suivi des factures déposées", "Follow-up of deposited invoices"),
    FOLLOW_SOON_JOB: Tr("Suivi rapproché après un dépôt", "Close follow-up after a deposit"),
})
count_words({
    "deposited": Tr("déposées", "deposited"), "invalid": Tr("invalides", "invalid"),
    "paused": Tr("en pause (quota)", "paused (quota)"), "skipped": Tr("ignorées", "skipped"),
    "disabled": Tr("interface désactivée", "interface disabled"),
    "uncertain": Tr("réponse perdue", "answer lost"),
    "found": Tr("retrouvées sur le portail", "found on the portal"),
    "waiting": Tr("en attente", "waiting"),
    "interrupted": Tr("dépôts interrompus repris", "interrupted deposits resumed"),
    "requeued": Tr("remises en file", "queued again"),
    "reconciling": Tr("en vérification", "being checked"),
    "integrated": Tr("intégrées", "integrated"), "rejected": Tr("rejetées", "rejected"),
    "processing": Tr("en traitement sur le portail", "being processed by the portal"),
    "status_changes": Tr("changements de statut", "status changes"),
    "companies_failed": Tr("sociétés en échec", "companies failing"),
    "stale": Tr("relayé par un suivi plus récent", "taken over by a newer follow-up"),
})


@job(DEPOSIT_JOB)
def deposit(hub: Hub, invoice_id: int) -> dict[str, int]:
    outcome = transmit.deposit(hub, invoice_id)
    if outcome == "deposited":
        soon.after_deposit(hub)
    return {outcome: 1}


@job(FOLLOW_SOON_JOB, interface="chorus")
def follow_soon(hub: Hub, generation: int, step_s: float) -> dict[str, int]:
    """A step of the quicker follow-up after a deposit (see `soon`)."""
    return dict(soon.step(hub, generation, step_s))


@job(RECONCILE_JOB)
def reconcile(hub: Hub, invoice_id: int) -> dict[str, int]:
    outcome = transmit.reconcile(hub, invoice_id)
    if outcome == "found":
        soon.after_deposit(hub)
    return {outcome: 1}


@job(WEBHOOK_JOB)
def webhook(hub: Hub, event_id: int, attempt: int = 1) -> dict[str, int]:
    return {webhooks.deliver(hub, event_id, attempt): 1}


@scheduled(FOLLOW_UP_JOB, interface="chorus", interval_key="poll_interval_s",
           startup_key="startup_delay_s")
def follow_up(hub: Hub) -> dict[str, int]:
    counts = transmit.sweep(hub)
    counts.update(followup.follow_up(hub))
    return dict(counts)
