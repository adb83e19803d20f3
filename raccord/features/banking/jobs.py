"""Background work of the bank connection: the scheduled fetch (the screen's interval and
startup delay, read live) and the fetch Bridge's webhook asks for."""

from __future__ import annotations

from typing import TYPE_CHECKING

from raccord.core.i18n import Tr
from raccord.core.jobs import job, scheduled
from raccord.core.words import count_words, task_words
from raccord.features.banking import runs

if TYPE_CHECKING:
    from raccord.core.hub import Hub

FETCH_JOB = "bank.fetch"
WEBHOOK_FETCH_JOB = "bank.fetch_item"

task_words({
    FETCH_JOB: Tr("Relevé des comptes bancaires", "Bank accounts fetch"),
    WEBHOOK_FETCH_JOB: Tr("Relevé d'une banque à sa demande", "Fetch asked by a bank"),
})
count_words({
    "banks_needing_holder": Tr("banques à reconnecter par leur titulaire",
                               "banks to be reconnected by their holder"),
    "accounts_paused": Tr("comptes en pause", "accounts paused"),
    "accounts_unassigned": Tr("comptes sans société ni journal",
                              "accounts with no company or journal"),
    "accounts_busy": Tr("comptes déjà en cours ailleurs", "accounts busy elsewhere"),
    "accounts_fetched": Tr("comptes relevés", "accounts fetched"),
    "accounts_gone": Tr("comptes disparus chez Bridge", "accounts gone from Bridge"),
    "accounts_new": Tr("nouveaux comptes", "new accounts"),
    "banks_gone": Tr("banques disparues chez Bridge", "banks gone from Bridge"),
    "banks_repaired": Tr("banques réparées", "banks repaired"),
    "calls": Tr("appels", "calls"), "added": Tr("opérations ajoutées", "transactions added"),
    "updated": Tr("modifiées", "updated"), "deleted": Tr("supprimées", "deleted"),
    "booked": Tr("comptabilisées", "booked"), "unchanged": Tr("inchangées", "unchanged"),
    "pages": Tr("pages lues", "pages read"),
    "statements": Tr("relevés produits", "statements made"),
})


@scheduled(FETCH_JOB, interface="bank", interval_key="poll_interval_s",
           startup_key="startup_delay_s")
def scheduled_fetch(hub: Hub) -> dict[str, int]:
    return dict(runs.run(hub, "schedule").counts)


@job(WEBHOOK_FETCH_JOB, interface="bank")
def item_fetch(hub: Hub, item_id: int) -> dict[str, int]:
    return dict(runs.run(hub, "webhook", item_id=item_id).counts)
