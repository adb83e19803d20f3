"""The words of background work, in both languages: what a job run ended with, and what its
counters count. A job returns machine keys (`{"deposited": 1}`); every face shows them with
these words (`déposée : 1`). A feature whose jobs count something of its own adds its words
with `count_words` next to its jobs."""

from __future__ import annotations

from collections.abc import Mapping

from raccord.core.formats import number
from raccord.core.i18n import Tr

OUTCOMES: dict[str, Tr] = {
    "success": Tr("réussie", "succeeded"),
    "failure": Tr("en échec", "failed"),
    "running": Tr("en cours", "running"),
    "": Tr("en cours", "running"),
}

COUNTERS: dict[str, Tr] = {
    # housekeeping and webhooks (the core's own jobs)
    "call_log_deleted": Tr("appels effacés du journal", "calls removed from the log"),
    "runs_deleted": Tr("exécutions effacées", "runs removed"),
    "warnings": Tr("avertissements", "warnings"),
    "done": Tr("livrée", "delivered"),
    "delivered": Tr("livrée", "delivered"),
    "retry": Tr("nouvel essai prévu", "retry planned"),
    "failed": Tr("en échec", "failed"),
    "gone": Tr("disparue", "gone"),
    "no_webhook": Tr("pas de webhook configuré", "no webhook set"),
    # probes
    "up": Tr("fonctionne", "working"),
    "down": Tr("en échec", "failing"),
    "changed": Tr("changement d'état", "status changes"),
    "tested": Tr("interfaces testées", "interfaces tested"),
}

TASKS: dict[str, Tr] = {
    "core.purge_history": Tr("Purge des journaux anciens", "Removal of old logs"),
    "core.expiry_warnings": Tr("Échéances à surveiller", "Due dates to watch"),
    "core.webhook": Tr("Notification à l'ERP", "Notification to the ERP"),
    "core.probe": Tr("Test automatique des interfaces", "Automatic interface test"),
}

# What a call in the call log ended with (`Problem` values, and "ok").
CALL_OUTCOMES: dict[str, Tr] = {
    "ok": Tr("réussi", "ok"), "config": Tr("configuration", "configuration"),
    "dns": Tr("nom introuvable (DNS)", "name not found (DNS)"),
    "connect": Tr("connexion impossible", "cannot connect"),
    "tls_unknown_ca": Tr("certificat d'autorité inconnue", "unknown certificate authority"),
    "tls_hostname": Tr("certificat d'un autre nom", "certificate for another name"),
    "tls_expired": Tr("certificat expiré", "certificate expired"),
    "tls": Tr("erreur TLS", "TLS error"), "timeout": Tr("délai dépassé", "timed out"),
    "auth": Tr("authentification refusée", "authentication refused"),
    "forbidden": Tr("accès refusé", "forbidden"), "not_found": Tr("introuvable", "not found"),
    "rate_limit": Tr("trop d'appels", "too many calls"),
    "server": Tr("erreur du service", "service error"), "refused": Tr("refusé", "refused"),
    "protocol": Tr("réponse inattendue", "unexpected answer"),
    "outcome_unknown": Tr("issue inconnue", "outcome unknown"),
    "disabled": Tr("désactivée", "disabled"),
}


def call_outcome(outcome: str | None) -> Tr:
    return CALL_OUTCOMES.get(outcome or "", Tr(outcome or "", outcome or ""))


def status_source(source: str) -> Tr:
    """Where an interface's status comes from: a Test, the probe, or a job."""
    if source == "test":
        return Tr("test", "test")
    if source == "probe":
        return Tr("test automatique", "automatic test")
    if source.startswith("job:"):
        return task_label(source[4:])
    return Tr(source, source)


def count_words(words: Mapping[str, Tr]) -> None:
    """Declare the words of a feature's counters (keys already known keep their words)."""
    for key, text in words.items():
        COUNTERS.setdefault(key, text)


def outcome_label(outcome: str | None) -> Tr:
    return OUTCOMES.get(outcome or "", Tr(outcome or "", outcome or ""))


def counter_label(key: str) -> Tr:
    return COUNTERS.get(key, Tr(key.replace("_", " "), key.replace("_", " ")))


def counts_text(counts: Mapping[str, int] | None, lang: str) -> str:
    """`déposée : 1 ; intégrée : 2` / `deposited: 1; integrated: 2` (nothing for no counts)."""
    if not counts:
        return ""
    colon, separator = (" : ", " ; ") if lang == "fr" else (": ", "; ")
    return separator.join(f"{counter_label(k)(lang)}{colon}{number(v, lang)}"
                          for k, v in counts.items())


def counts_tr(counts: Mapping[str, int] | None) -> Tr:
    return Tr(counts_text(counts, "fr"), counts_text(counts, "en"))


def task_label(name: str) -> Tr:
    return TASKS.get(name, Tr(name, name))


def task_words(words: Mapping[str, Tr]) -> None:
    """Declare what a feature's jobs are called on screen."""
    for key, text in words.items():
        TASKS.setdefault(key, text)
