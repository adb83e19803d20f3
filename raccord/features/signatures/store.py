"""Signature request rows and their history. A state change is a compare-and-set on (state,
attempts): two workers holding the same request cannot both move it, so a job delivered twice
does its work once. Every change is told to the ERP (raccord.core.webhooks.notify)."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any, cast

from sqlalchemy import func, or_, select, update
from sqlalchemy.engine import CursorResult

from raccord.core.i18n import Tr
from raccord.core.models import utcnow
from raccord.core.webhooks import notify
from raccord.features.signatures.models import SignatureEvent, SignatureRequest
from raccord.features.signatures.states import TRANSITIONS, State

if TYPE_CHECKING:
    from raccord.core.hub import Hub

log = logging.getLogger("raccord.signatures")
EVENT = "signature.state_changed"
# Internal steps the ERP is not told about.
QUIET = {State.SENDING, State.RECEIVED}


def tr_json(message: Tr | None) -> dict[str, str] | None:
    return None if message is None else {"fr": message.fr, "en": message.en}


def get(hub: Hub, request_id: int) -> SignatureRequest | None:
    with hub.db.session() as session:
        return session.get(SignatureRequest, request_id)


def by_uid(hub: Hub, uid: str) -> SignatureRequest | None:
    with hub.db.session() as session:
        return session.scalar(select(SignatureRequest).where(SignatureRequest.uid == uid))


def by_transaction(hub: Hub, transaction_id: str) -> SignatureRequest | None:
    with hub.db.session() as session:
        return session.scalar(select(SignatureRequest)
                              .where(SignatureRequest.transaction_id == transaction_id))


def move(hub: Hub, request: SignatureRequest, to: State, actor: str,
         message: Tr | None = None, *, details: dict[str, Any] | None = None,
         **values: Any) -> bool:
    """Move `request` (as last read) to `to`, with an event; False when someone else moved it
    first."""
    frm = State(request.state)
    if to not in TRANSITIONS[frm]:
        raise ValueError(f"signature request {request.id}: no transition {frm} -> {to}")
    now = utcnow()
    with hub.db.session() as session:
        result = cast(CursorResult[Any], session.execute(
            update(SignatureRequest)
            .where(SignatureRequest.id == request.id, SignatureRequest.state == frm.value,
                   SignatureRequest.attempts == request.attempts)
            .values(state=to.value, updated_at=now, **values)))
        if result.rowcount != 1:
            return False
        session.add(SignatureEvent(request_id=request.id, at=now, actor=actor,
                                   from_state=frm.value, to_state=to.value,
                                   message=tr_json(message), details=details))
    if to not in QUIET:
        try:
            fresh = get(hub, request.id)
            if fresh is not None:
                notify(hub, "signature", EVENT, {"request": public(fresh),
                                                 "previous_state": frm.value,
                                                 "message": tr_json(message)})
        except Exception as error:  # telling the ERP must never undo a step
            log.warning("notification of signature request %s failed: %s", request.id, error)
    return True


def note(hub: Hub, request_id: int, **values: Any) -> None:
    """Bookkeeping columns (transaction id, heartbeat, reason) without a state change."""
    with hub.db.session() as session:
        session.execute(update(SignatureRequest).where(SignatureRequest.id == request_id)
                        .values(updated_at=utcnow(), **values))


def add_event(hub: Hub, request: SignatureRequest, actor: str, message: Tr,
              details: dict[str, Any] | None = None) -> None:
    """A history line without a state change (a reminder sent)."""
    with hub.db.session() as session:
        session.add(SignatureEvent(request_id=request.id, actor=actor, from_state=request.state,
                                   to_state=request.state, message=tr_json(message),
                                   details=details))


def claim(hub: Hub, request: SignatureRequest, lease_s: float) -> bool:
    """Hold `request` for one piece of work (fetching its signed copy) for `lease_s`: two
    workers woken for the same change do it once."""
    now = utcnow()
    with hub.db.session() as session:
        result = cast(CursorResult[Any], session.execute(
            update(SignatureRequest)
            .where(SignatureRequest.id == request.id, SignatureRequest.state == request.state,
                   or_(SignatureRequest.attempt_started_at.is_(None),
                       SignatureRequest.attempt_started_at < now - timedelta(seconds=lease_s)))
            .values(attempt_started_at=now)))
        return result.rowcount == 1


def events(hub: Hub, request_id: int) -> list[SignatureEvent]:
    with hub.db.session() as session:
        return list(session.scalars(select(SignatureEvent)
                                    .where(SignatureEvent.request_id == request_id)
                                    .order_by(SignatureEvent.id)))


def in_states(hub: Hub, states: set[State], *, started_before: datetime | None = None,
              due_before: datetime | None = None, limit: int = 100_000
              ) -> list[SignatureRequest]:
    query = select(SignatureRequest).where(SignatureRequest.state.in_([s.value for s in states]))
    if started_before is not None:
        query = query.where(SignatureRequest.attempt_started_at <= started_before)
    if due_before is not None:
        query = query.where(SignatureRequest.next_attempt_at <= due_before)
    with hub.db.session() as session:
        return list(session.scalars(query.order_by(SignatureRequest.id).limit(limit)))


def count_in(hub: Hub, states: set[State]) -> int:
    with hub.db.session() as session:
        return int(session.scalar(select(func.count(SignatureRequest.id)).where(
            SignatureRequest.state.in_([s.value for s in states]))) or 0)


def listing(hub: Hub, *, company: str | None = None, state: str | None = None,
            reference: str | None = None, limit: int = 200) -> list[SignatureRequest]:
    query = select(SignatureRequest)
    if company:
        query = query.where(SignatureRequest.company_code == company)
    if state:
        query = query.where(SignatureRequest.state == state)
    if reference:
        query = query.where(SignatureRequest.reference == reference)
    with hub.db.session() as session:
        return list(session.scalars(query.order_by(SignatureRequest.id.desc()).limit(limit)))


def public(request: SignatureRequest) -> dict[str, Any]:
    """What the ERP reads of a request (API, webhooks, `raccord signature status --json`)."""
    signed = set(request.signed_by or [])
    return {
        "id": request.id, "company": request.company_code, "kind": request.kind,
        "reference": request.reference, "state": request.state,
        "file_name": request.file_name, "level": request.level, "ordered": request.ordered,
        "language": request.language,
        "expires_at": request.expires_at.isoformat() if request.expires_at else None,
        "transaction_id": request.transaction_id,
        "signers": [{"name": s["name"], "email": s["email"], "phone": s.get("phone"),
                     "signed": s["email"] in signed,
                     "refused": bool(request.refusal
                                     and request.refusal.get("signer") == s["email"])}
                    for s in request.signers],
        "refusal": request.refusal, "reason": request.reason,
        "signed_at": request.signed_at.isoformat() if request.signed_at else None,
        "has_signed_document": request.signed_content is not None,
        "has_attestation": request.attestation is not None,
        "reminders": request.reminders,
        "created_at": request.created_at.isoformat() if request.created_at else None,
        "updated_at": request.updated_at.isoformat() if request.updated_at else None,
    }
