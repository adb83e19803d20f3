"""The mail feature's background work: the send job (woken by `queue_mail`), and a sweep
every 30 s that reconciles interrupted sends, wakes waiting ones and mails the alerts."""

from __future__ import annotations

from typing import TYPE_CHECKING

from raccord.core.i18n import Tr
from raccord.core.jobs import job, scheduled
from raccord.core.outbox import SEND_JOB
from raccord.core.words import count_words, task_words
from raccord.features.mail.alertmail import notify_alerts
from raccord.features.mail.keywatch import watch_gmail_key
from raccord.features.mail.send import send_message, sweep

if TYPE_CHECKING:
    from raccord.core.hub import Hub

SWEEP_JOB = "mail.sweep"
task_words({
    SEND_JOB: Tr("Envoi d'un courriel", "Mail sending"),
    SWEEP_JOB: Tr("Reprise des courriels et alertes par courriel",
                  "Mail and mailed alerts follow-up"),
})
count_words({
    "sent": Tr("envoyés", "sent"), "queued": Tr("en file", "queued"),
    "held": Tr("retenus", "held"), "sending": Tr("en cours d'envoi", "being sent"),
    "unknown": Tr("inconnues", "unknown"), "gone": Tr("disparus", "gone"),
    "skipped": Tr("ignorés", "skipped"), "reconciled": Tr("vérifiés", "reconciled"),
    "woken": Tr("relancés", "woken"), "alerts_resent": Tr("alertes renvoyées", "alerts resent"),
    "start": Tr("alertes commencées", "alerts started"),
    "reminder": Tr("rappels d'alerte", "alert reminders"),
    "end": Tr("alertes terminées", "alerts over"),
    "key_checked": Tr("clé Gmail vérifiée", "Gmail key checked"),
    "key_broken": Tr("clé Gmail en échec", "Gmail key failing"),
})


@job(SEND_JOB, quiet=True)  # each message keeps its own history
def send_job(hub: Hub, message_id: int) -> dict[str, int]:
    return {send_message(hub, message_id): 1}


@scheduled(SWEEP_JOB, interface=None, interval_key=None, startup_key=None, every_s=30)
def sweep_job(hub: Hub) -> dict[str, int]:
    counts = sweep(hub)
    counts.update(notify_alerts(hub))
    counts.update(watch_gmail_key(hub))
    return counts
