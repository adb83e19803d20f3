"""The life of an invoice handed over by the ERP, and the portal's own invoice statuses."""

from __future__ import annotations

from enum import StrEnum

from raccord.core.i18n import Tr


class State(StrEnum):
    RECEIVED = "received"
    INVALID = "invalid"
    VALID = "valid"
    QUEUED = "queued"
    DEPOSITING = "depositing"
    # The deposit's answer was lost: the portal is searched before any new try.
    UNCERTAIN = "uncertain"
    DEPOSITED = "deposited"
    INTEGRATED = "integrated"
    REJECTED = "rejected"
    FAILED = "failed"
    CANCELLED = "cancelled"


S = State
TRANSITIONS: dict[State, set[State]] = {
    S.RECEIVED: {S.VALID, S.INVALID},
    S.VALID: {S.QUEUED, S.INVALID},
    S.QUEUED: {S.DEPOSITING, S.INVALID, S.CANCELLED, S.FAILED, S.QUEUED},
    S.DEPOSITING: {S.DEPOSITED, S.QUEUED, S.FAILED, S.UNCERTAIN},
    S.UNCERTAIN: {S.DEPOSITED, S.QUEUED, S.FAILED, S.UNCERTAIN},
    S.DEPOSITED: {S.INTEGRATED, S.REJECTED, S.DEPOSITED},
    S.INTEGRATED: {S.INTEGRATED},
    # A corrected version starts again; a failed one may simply be tried again.
    S.INVALID: {S.RECEIVED},
    S.REJECTED: {S.RECEIVED},
    S.FAILED: {S.RECEIVED, S.QUEUED},
    S.CANCELLED: {S.RECEIVED},
}
# Before the portal has it: the ERP may still cancel it or send a corrected version.
BEFORE_DEPOSIT = {S.RECEIVED, S.INVALID, S.VALID, S.QUEUED, S.FAILED}
# The ERP may hand over a new version of the same invoice number.
REPLACEABLE = {S.INVALID, S.REJECTED, S.FAILED, S.CANCELLED}

LABELS = {
    S.RECEIVED: Tr("reçue", "received"), S.INVALID: Tr("invalide", "invalid"),
    S.VALID: Tr("valide", "valid"), S.QUEUED: Tr("en file d'attente", "queued"),
    S.DEPOSITING: Tr("dépôt en cours", "depositing"),
    S.UNCERTAIN: Tr("réponse perdue, vérification sur le portail",
                    "answer lost, checking with the portal"),
    S.DEPOSITED: Tr("déposée", "deposited"), S.INTEGRATED: Tr("intégrée", "integrated"),
    S.REJECTED: Tr("rejetée par le portail", "rejected by the portal"),
    S.FAILED: Tr("échec de transmission", "transmission failed"),
    S.CANCELLED: Tr("annulée", "cancelled"),
}

# Statuses of an integrated invoice on the portal (`statut`, `statutCourantCode`).
PORTAL_STATUSES = {
    "DEPOSEE": Tr("déposée", "deposited"),
    "EN_COURS_ACHEMINEMENT": Tr("en cours d'acheminement", "being routed"),
    "MISE_A_DISPOSITION": Tr("mise à disposition", "made available"),
    "PRISE_EN_COMPTE_DESTINATAIRE": Tr("prise en compte par le destinataire",
                                       "taken into account by the buyer"),
    "A_RECYCLER": Tr("à recycler", "to be recycled"),
    "SUSPENDUE": Tr("suspendue", "suspended"),
    "COMPLETEE": Tr("complétée", "completed"),
    "REJETEE": Tr("rejetée par le destinataire", "rejected by the buyer"),
    "SERVICE_FAIT": Tr("service fait", "service done"),
    "MANDATEE": Tr("mandatée", "mandated"),
    "MISE_EN_PAIEMENT": Tr("mise en paiement", "payment made"),
    "COMPTABILISEE": Tr("comptabilisée", "booked"),
    "MISE_A_DISPOSITION_COMPTABLE": Tr("mise à disposition comptable",
                                       "made available to accounting"),
    "ABANDONNEE": Tr("abandonnée", "abandoned"),
    "SUPPRIMEE": Tr("supprimée", "deleted"),
}
# No further status is followed after these (OCA stops at MANDATEE / MISE_EN_PAIEMENT).
FINAL_PORTAL_STATUSES = {"MANDATEE", "MISE_EN_PAIEMENT", "COMPTABILISEE",
                         "MISE_A_DISPOSITION_COMPTABLE", "REJETEE", "ABANDONNEE", "SUPPRIMEE"}
FINAL_FLOW_STATES = {"IN_INTEGRE", "IN_INTEGRE_PARTIEL", "IN_REJETE", "IN_INCIDENTE"}
REJECTED_FLOW_STATES = {"IN_REJETE", "IN_INCIDENTE"}


def label(state: str) -> Tr:
    try:
        return LABELS[State(state)]
    except ValueError:
        return Tr(state, state)


def portal_label(status: str | None) -> Tr:
    if not status:
        return Tr("", "")
    return PORTAL_STATUSES.get(status, Tr(status, status))
