"""Invoice rows and their history. A state change is a compare-and-set on (state, attempts):
two workers holding the same invoice cannot both move it, so a job delivered twice by the
queue does its work once."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING, Any, cast

from sqlalchemy import select, update
from sqlalchemy.engine import CursorResult

from raccord.core.i18n import Tr
from raccord.core.models import utcnow
from raccord.features.einvoicing.models import EInvoice, EInvoiceEvent
from raccord.features.einvoicing.states import TRANSITIONS, State

if TYPE_CHECKING:
    from raccord.core.hub import Hub

log = logging.getLogger("raccord.einvoicing")
# Called with each committed event's id (webhooks).
listeners: list[Callable[[Hub, int], None]] = []


QUOTA_KIND = "quota"


def tr_json(message: Tr | None, kind: str | None = None) -> dict[str, str] | None:
    if message is None:
        return None
    return {"fr": message.fr, "en": message.en, **({"kind": kind} if kind else {})}


def get(hub: Hub, invoice_id: int) -> EInvoice | None:
    with hub.db.session() as session:
        return session.get(EInvoice, invoice_id)


def move(hub: Hub, invoice: EInvoice, to: State, actor: str, message: Tr | None = None, *,
         details: dict[str, Any] | None = None, portal_status: str | None = None,
         **values: Any) -> bool:
    """Move `invoice` (as last read) to `to`, with an event; False when someone else moved it
    first (its state or attempts changed since it was read)."""
    frm = State(invoice.state)
    if portal_status is not None:
        values["portal_status"] = portal_status
    if to not in TRANSITIONS[frm]:
        raise ValueError(f"invoice {invoice.id}: no transition {frm} -> {to}")
    now = utcnow()
    with hub.db.session() as session:
        result = cast(CursorResult[Any], session.execute(
            update(EInvoice)
            .where(EInvoice.id == invoice.id, EInvoice.state == frm.value,
                   EInvoice.attempts == invoice.attempts)
            .values(state=to.value, updated_at=now, **values)))
        if result.rowcount != 1:
            return False
        event = EInvoiceEvent(invoice_id=invoice.id, at=now, actor=actor,
                              from_state=frm.value, to_state=to.value,
                              portal_status=portal_status, message=tr_json(message),
                              details=details)
        session.add(event)
        session.flush()
        event_id = event.id
    for listener in listeners:
        try:
            listener(hub, event_id)
        except Exception as error:  # a notification must never undo a transmission step
            log.warning("listener failed for invoice %s: %s", invoice.id, error)
    return True


def note(hub: Hub, invoice_id: int, **values: Any) -> None:
    """Update bookkeeping columns (waiting reason, flow state) without a state change."""
    with hub.db.session() as session:
        session.execute(update(EInvoice).where(EInvoice.id == invoice_id)
                        .values(updated_at=utcnow(), **values))


def events(hub: Hub, invoice_id: int) -> list[EInvoiceEvent]:
    with hub.db.session() as session:
        return list(session.scalars(select(EInvoiceEvent)
                                    .where(EInvoiceEvent.invoice_id == invoice_id)
                                    .order_by(EInvoiceEvent.id)))


def find(hub: Hub, company: str, number: str) -> EInvoice | None:
    with hub.db.session() as session:
        return session.scalar(select(EInvoice).where(EInvoice.company_code == company,
                                                     EInvoice.number == number))


def in_states(hub: Hub, states: set[State], *, company: str | None = None,
              before: datetime | None = None, started_before: datetime | None = None,
              limit: int = 10_000) -> list[EInvoice]:
    query = select(EInvoice).where(EInvoice.state.in_([s.value for s in states]))
    if company is not None:
        query = query.where(EInvoice.company_code == company)
    if before is not None:
        query = query.where(EInvoice.next_attempt_at <= before)
    if started_before is not None:
        query = query.where(EInvoice.attempt_started_at <= started_before)
    with hub.db.session() as session:
        return list(session.scalars(query.order_by(EInvoice.id).limit(limit)))
