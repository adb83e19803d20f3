"""Background work of electronic signature (run by `raccord worker`)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from raccord.core.i18n import Tr
from raccord.core.jobs import job, scheduled
from raccord.core.words import count_words, task_words
from raccord.features.signatures import followup, sending
from raccord.features.signatures.dispatch import FOLLOW_UP_JOB, SEND_JOB, SYNC_JOB

if TYPE_CHECKING:
    from raccord.core.hub import Hub

task_words({
    SEND_JOB: Tr("Envoi d'une demande de signature", "Signature request sending"),
    SYNC_JOB: Tr("Mise à jour d'une demande de signature", "Signature request update"),
    FOLLOW_UP_JOB: Tr("Suivi des demandes de signature", "Follow-up of signature requests"),
})
count_words({
    "sent": Tr("envoyées", "sent"), "early": Tr("réveil en avance", "early wake-up"),
    "final": Tr("déjà terminées", "already finished"), "archived": Tr("archivées", "archived"),
    "unchanged": Tr("inchangées", "unchanged"), "expired": Tr("expirées", "expired"),
    "cancelled": Tr("annulées", "cancelled"), "refused": Tr("refusées", "refused"),
    "partly_signed": Tr("signées en partie", "partly signed"),
    "refused_document": Tr("document signé refusé", "signed document refused"),
    "signed": Tr("signées", "signed"), "unknown": Tr("inconnues", "unknown"),
    "open": Tr("en cours", "open"), "unreachable": Tr("injoignables", "unreachable"),
    "retry_next_run": Tr("reprises au prochain passage", "retried next run"),
})


@job(SEND_JOB, interface="signature")
def send(hub: Hub, request_id: int) -> dict[str, int]:
    return {sending.send(hub, request_id): 1}


@job(SYNC_JOB, interface="signature")
def sync(hub: Hub, request_id: int) -> dict[str, int]:
    return {followup.sync(hub, request_id): 1}


@scheduled(FOLLOW_UP_JOB, interface="signature", interval_key="poll_interval_s",
           startup_key="startup_delay_s")
def follow_up(hub: Hub) -> dict[str, int]:
    return followup.follow_up(hub)
