"""The life of a signature request."""

from __future__ import annotations

from enum import StrEnum

from raccord.core.i18n import Tr


class State(StrEnum):
    RECEIVED = "received"
    SENDING = "sending"
    SENT = "sent"
    PARTLY_SIGNED = "partly_signed"
    SIGNED = "signed"
    ARCHIVED = "archived"
    REFUSED = "refused"
    EXPIRED = "expired"
    CANCELLED = "cancelled"
    FAILED = "failed"


S = State
TRANSITIONS: dict[State, set[State]] = {
    S.RECEIVED: {S.SENDING, S.CANCELLED, S.FAILED},
    # Back to RECEIVED to try again: the transaction is then looked for before any creation.
    S.SENDING: {S.SENT, S.RECEIVED, S.FAILED, S.CANCELLED},
    S.SENT: {S.PARTLY_SIGNED, S.SIGNED, S.REFUSED, S.EXPIRED, S.CANCELLED, S.FAILED},
    S.PARTLY_SIGNED: {S.PARTLY_SIGNED, S.SIGNED, S.REFUSED, S.EXPIRED, S.CANCELLED, S.FAILED},
    S.SIGNED: {S.ARCHIVED},
    S.ARCHIVED: set(),
    S.REFUSED: set(),
    S.EXPIRED: set(),
    S.CANCELLED: set(),
    S.FAILED: set(),
}
# Followed on Universign by the scheduled task (signed: until Universign archives it).
FOLLOWED = {S.SENT, S.PARTLY_SIGNED, S.SIGNED}
# Waiting for signers: the ERP may cancel or send a reminder.
PENDING = {S.SENT, S.PARTLY_SIGNED}
CANCELLABLE = {S.RECEIVED, S.SENT, S.PARTLY_SIGNED}
FINAL = {S.ARCHIVED, S.REFUSED, S.EXPIRED, S.CANCELLED, S.FAILED}

LABELS = {
    S.RECEIVED: Tr("reçue", "received"), S.SENDING: Tr("envoi en cours", "sending"),
    S.SENT: Tr("envoyée aux signataires", "sent to the signers"),
    S.PARTLY_SIGNED: Tr("signée en partie", "partly signed"),
    S.SIGNED: Tr("signée", "signed"), S.ARCHIVED: Tr("signée et archivée", "signed and archived"),
    S.REFUSED: Tr("refusée", "refused"), S.EXPIRED: Tr("expirée", "expired"),
    S.CANCELLED: Tr("annulée", "cancelled"), S.FAILED: Tr("échec", "failed"),
}
KINDS = {"quote": Tr("Devis", "Quote"),
         "delivery_note": Tr("Bon de livraison", "Delivery note")}
LEVELS = ("level0", "level1", "level2", "level3", "level4")


def label(state: str) -> Tr:
    try:
        return LABELS[State(state)]
    except ValueError:
        return Tr(state, state)
