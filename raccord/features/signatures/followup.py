"""Following the transactions on Universign: what a transaction says is applied to its request
(signers who signed, a refusal, expiry, cancellation, completion), and once completed the
signed document and the attestation are downloaded, checked and kept.

The scheduled run asks only about requests still followed: one status call per request
without webhooks; with Universign's webhooks configured, one listing of the transactions
changed since the last run (pages of 100), so that its calls grow with what changed."""

from __future__ import annotations

import logging
from collections import Counter
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from sqlalchemy import select

from raccord.core.diagnosis import ServiceError
from raccord.core.i18n import Tr
from raccord.core.models import aware, utcnow
from raccord.features.signatures import sending, store
from raccord.features.signatures.models import SignatureCursor, SignatureRequest
from raccord.features.signatures.states import FOLLOWED, State
from raccord.features.signatures.verify import SignedDocumentRefused, check_signed
from raccord.interfaces.signature.client import ONE_TRY, Transaction, UniversignClient

if TYPE_CHECKING:
    from raccord.core.hub import Hub

log = logging.getLogger("raccord.signatures")
# The listing starts a little before the previous run: clocks and in-flight changes.
LISTING_OVERLAP_S = 60.0


def apply(hub: Hub, request: SignatureRequest, tx: Transaction, client: UniversignClient,
          actor: str) -> str:
    """Bring `request` to what `tx` says; what happened, for the run's counts."""
    if tx.state != request.universign_state:
        store.note(hub, request.id, checked_at=utcnow(), universign_state=tx.state)
    state = State(request.state)
    if state not in FOLLOWED:
        return "final"
    if state is State.SIGNED:
        if tx.state == "archived":
            store.move(hub, request, State.ARCHIVED, actor,
                       Tr("Archivée par Universign.", "Archived by Universign."))
            return "archived"
        return "unchanged"
    if tx.state in ("completed", "archived"):
        return _complete(hub, request, tx, client, actor)
    if tx.state == "expired":
        store.move(hub, request, State.EXPIRED, actor, Tr(
            "Expirée : tous les signataires n'ont pas signé à temps.",
            "Expired: not every signer signed in time."))
        return "expired"
    if tx.state == "cancelled":
        store.move(hub, request, State.CANCELLED, actor, Tr(
            "Annulée sur Universign.", "Cancelled on Universign."))
        return "cancelled"
    refusal = tx.refusal
    if refusal is not None:
        name = next((s["name"] for s in request.signers if s["email"] == refusal.participant),
                    refusal.participant)
        moved = store.move(hub, request, State.REFUSED, actor, Tr(
            f"Refusée par {name} : {refusal.comment or 'sans motif'}.",
            f"Refused by {name}: {refusal.comment or 'no reason given'}."),
            refusal={"signer": refusal.participant, "name": name, "reason": refusal.comment},
            signed_by=sorted(tx.signed_by))
        if moved:
            try:  # the others must not sign a refused document
                client.cancel(tx.id)
            except ServiceError as error:
                log.info("transaction %s not cancelled after refusal: %s", tx.id,
                         error.diagnosis.message.en)
        return "refused"
    signed = tx.signed_by
    if signed and signed != set(request.signed_by or []):
        names = ", ".join(s["name"] for s in request.signers if s["email"] in signed)
        store.move(hub, request, State.PARTLY_SIGNED, actor,
                   Tr(f"Signée par {names}.", f"Signed by {names}."),
                   signed_by=sorted(signed))
        return "partly_signed"
    return "unchanged"


def _complete(hub: Hub, request: SignatureRequest, tx: Transaction, client: UniversignClient,
              actor: str) -> str:
    archived = tx.state == "archived"
    document = tx.document(request.file_name) or (tx.documents[0] if tx.documents else None)
    if document is None:
        store.move(hub, request, State.FAILED, actor, Tr(
            "Transaction terminée sans document.", "Transaction completed without a document."))
        return "failed"
    if not store.claim(hub, request, sending.lease_s(client.values)):
        return "unchanged"  # another worker is fetching it
    signed = client.download_document(tx.id, document.id, archived)
    try:
        names = check_signed(hub, request.content, signed, len(request.signers))
    except SignedDocumentRefused as refused:
        why = Tr("Document signé refusé :", "Signed document refused:") + refused.message
        store.move(hub, request, State.FAILED, actor, why, reason=store.tr_json(why))
        return "refused_document"
    attestation = client.attestation(tx.id, finished=True, language=request.language)
    moved = store.move(hub, request, State.SIGNED, actor, Tr(
        "Signée par tous : document signé vérifié et conservé, attestation conservée.",
        "Signed by all: signed document checked and kept, attestation kept."),
        signed_content=signed, attestation=attestation, signed_at=utcnow(),
        signed_by=sorted(s["email"] for s in request.signers),
        details={"certificates": names})
    if moved and archived:
        fresh = store.get(hub, request.id)
        if fresh is not None:
            store.move(hub, fresh, State.ARCHIVED, actor,
                       Tr("Archivée par Universign.", "Archived by Universign."))
    return "signed" if moved else "unchanged"


def sync(hub: Hub, request_id: int, client: UniversignClient | None = None) -> str:
    """Read one request's transaction and apply it (a webhook's wake-up, a manual refresh)."""
    request = store.get(hub, request_id)
    if request is None or State(request.state) not in FOLLOWED or not request.transaction_id:
        return "skipped"
    with client or UniversignClient(hub, retry=ONE_TRY) as reader:
        tx = reader.transaction(request.transaction_id)
        if tx is None:
            return "unknown"
        return apply(hub, request, tx, reader, hub.technical_actor("signature").login)


def _cursor(hub: Hub) -> SignatureCursor:
    with hub.db.session() as session:
        row = session.get(SignatureCursor, "listing")
        if row is None:
            row = SignatureCursor(name="listing", listed_at=None)
            session.add(row)
        return row


def _set_cursor(hub: Hub, at: object) -> None:
    with hub.db.session() as session:
        row = session.get(SignatureCursor, "listing")
        if row is None:
            session.add(SignatureCursor(name="listing", listed_at=at))
        else:
            row.listed_at = at  # type: ignore[assignment]


def follow_up(hub: Hub) -> dict[str, int]:
    """The scheduled run."""
    counts: Counter[str] = Counter(sending.sweep(hub))
    values = hub.values("signature")
    with UniversignClient(hub, values, ONE_TRY) as client:
        _run(hub, client, values, counts)
    counts.pop("unchanged", None)
    return dict(counts)


def _run(hub: Hub, client: UniversignClient, values: dict[str, Any], counts: Counter[str]
         ) -> None:
    actor = hub.technical_actor("signature").login
    started = utcnow()
    followed = store.in_states(hub, FOLLOWED)
    counts["open"] = len(followed)
    cursor = _cursor(hub).listed_at
    if values.get("universign_webhooks") and cursor is not None:
        by_tx = {r.transaction_id: r for r in followed if r.transaction_id}
        since = (aware(cursor) - timedelta(seconds=LISTING_OVERLAP_S)).strftime(
            "%Y-%m-%dT%H:%M:%S.%fZ")
        for tx in client.transactions(updated_since=since):
            request = by_tx.pop(tx.id, None)
            if request is not None:
                counts[_safely(hub, request, tx, client, actor)] += 1
    else:
        for request in followed:
            if not request.transaction_id:
                continue
            try:
                found = client.transaction(request.transaction_id)
            except ServiceError as error:
                counts["unreachable"] += 1
                if not error.diagnosis.transient:
                    raise
                continue
            if found is None:
                counts["unknown"] += 1
                continue
            counts[_safely(hub, request, found, client, actor)] += 1
    _set_cursor(hub, started)


def _safely(hub: Hub, request: SignatureRequest, tx: Transaction, client: UniversignClient,
            actor: str) -> str:
    try:
        return apply(hub, request, tx, client, actor)
    except ServiceError as error:  # a download that failed is tried again next run
        log.info("signature request %s: %s", request.id, error.diagnosis.message.en)
        return "retry_next_run"


def open_count(hub: Hub) -> int:
    return store.count_in(hub, FOLLOWED)


def last_listed(hub: Hub) -> object:
    with hub.db.session() as session:
        return session.scalar(select(SignatureCursor.listed_at)
                              .where(SignatureCursor.name == "listing"))
