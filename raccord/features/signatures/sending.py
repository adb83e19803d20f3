"""Sending a request to Universign exactly once.

Universign's creation call has no idempotency key, so the transaction carries the request's
`uid` in its metadata. Each try first looks for the transaction it may already have made (by
its id when known, else by that metadata), resumes a draft where it stopped (every step is
checked against the transaction object: document by name, fields by name, participants,
signature assignments), and starts it. The request is SENDING while a try runs, with a
heartbeat after each step; a try whose worker vanished is taken up again once the heartbeat
is older than the lease. A request given up cancels its draft: none is left behind."""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING, Any

from raccord.core.diagnosis import Diagnosis, Problem, ServiceError
from raccord.core.i18n import Tr
from raccord.core.models import aware, utcnow
from raccord.features.signatures import store
from raccord.features.signatures.dispatch import SEND_JOB, wake
from raccord.features.signatures.models import SignatureRequest
from raccord.features.signatures.states import State
from raccord.interfaces.signature.client import ONE_TRY, Transaction, UniversignClient

if TYPE_CHECKING:
    from raccord.core.hub import Hub

METADATA_KEY = "raccord_id"
LEASE_MARGIN_S = 5.0
DISABLED = Tr("En attente : la signature électronique est désactivée (cochez « Activer la "
              "signature électronique »).",
              "Waiting: electronic signature is disabled (tick 'Enable electronic "
              "signature').")


def lease_s(values: dict[str, Any]) -> float:
    """How long a try may go without a heartbeat (two timeouts: one call and its retry)."""
    return 2 * float(values.get("timeout_s") or 30) + LEASE_MARGIN_S


def field_name(index: int) -> str:
    return f"raccord-signer-{index + 1}"


class Sender:
    def __init__(self, hub: Hub, request: SignatureRequest) -> None:
        self.hub = hub
        self.request = request
        self.values = hub.values("signature")
        self.actor = hub.technical_actor("signature").login
        self.client = UniversignClient(hub, self.values, ONE_TRY)

    def beat(self, **values: Any) -> None:
        store.note(self.hub, self.request.id, attempt_started_at=utcnow(), **values)

    def locate(self) -> Transaction | None:
        """The transaction an earlier try made, if any (extra drafts are cancelled)."""
        if self.request.transaction_id:
            found = self.client.transaction(self.request.transaction_id)
            if found is not None and found.state != "cancelled":
                return found
        candidates = [t for t in self.client.transactions(
            metadata={METADATA_KEY: self.request.uid}) if t.state != "cancelled"]
        if not candidates:
            return None
        rank = {"completed": 0, "archived": 0, "started": 1, "paused": 1, "draft": 2}
        candidates.sort(key=lambda t: (rank.get(t.state, 3), t.id))
        keep, extra = candidates[0], candidates[1:]
        for other in extra:
            if other.state == "draft":
                self.client.cancel(other.id)
        return keep

    def create(self) -> Transaction:
        request = self.request
        expires = request.expires_at.strftime("%Y-%m-%dT%H:%M:%SZ") if request.expires_at \
            else None
        kind = "Devis" if request.kind == "quote" else "Bon de livraison"
        return self.client.create_transaction(
            f"{kind} {request.reference}", language=request.language, expires_at=expires,
            metadata={METADATA_KEY: request.uid, "reference": request.reference,
                      "company": request.company_code, "kind": request.kind})

    def build(self, tx: Transaction) -> None:
        """Add what the draft lacks, step by step."""
        request, client = self.request, self.client
        document = tx.document(request.file_name)
        if document is None:
            file_id = client.upload_file(request.file_name, request.content)
            self.beat()
            document = client.add_document(tx.id, file_id, request.file_name)
            self.beat()
        for index, signer in enumerate(request.signers):
            name = field_name(index)
            field_id = document.field(name)
            if field_id is None:
                field_id = client.add_field(tx.id, document.id, name, page=signer.get("page"),
                                            x=signer.get("x"), y=signer.get("y"),
                                            anchor=signer.get("anchor"))
                self.beat()
            if signer["email"] not in tx.participants:
                client.add_participant(tx.id, signer["email"], signer["name"],
                                       signer.get("phone"), request.level)
                self.beat()
            if (signer["email"], field_id) not in tx.signatures:
                client.add_signature(tx.id, signer["email"], field_id)
                self.beat()
        client.set_sequencing(tx.id, request.ordered)

    def cancel_draft(self) -> None:
        """Never leave a half-built draft behind a request given up."""
        try:
            tx = self.locate()
            if tx is not None and tx.state == "draft":
                self.client.cancel(tx.id)
        except ServiceError:
            pass  # Universign deletes drafts after 7 days; the reason says what happened

    def fail(self, why: Tr) -> str:
        self.cancel_draft()
        store.move(self.hub, self.request, State.FAILED, self.actor, why,
                   reason=store.tr_json(why))
        return "failed"

    def retry_or_fail(self, diagnosis: Diagnosis) -> str:
        tries = self.request.attempts
        if tries >= int(self.values.get("max_attempts") or 1):
            return self.fail(Tr(f"Abandon après {tries} essai(s) :",
                                f"Gave up after {tries} tr{'y' if tries == 1 else 'ies'}:")
                             + diagnosis.message)
        wait = max(float(self.values.get("retry_delay_s") or 0), diagnosis.retry_after or 0.0)
        store.move(self.hub, self.request, State.RECEIVED, self.actor,
                   Tr(f"Essai {tries} interrompu, nouvel essai dans {wait:g} s (la transaction "
                      "éventuellement créée sera reprise) :",
                      f"Try {tries} interrupted, next try in {wait:g} s (a transaction already "
                      "created will be taken up):") + diagnosis.message,
                   next_attempt_at=utcnow() + timedelta(seconds=wait),
                   reason=store.tr_json(diagnosis.message))
        wake(self.hub, SEND_JOB, delay_s=wait, request_id=self.request.id)
        return "retry"


def send(hub: Hub, request_id: int) -> str:
    """Send one received request (a no-op in any other state: safe to run twice)."""
    request = store.get(hub, request_id)
    if request is None or request.state != State.RECEIVED.value:
        return "skipped"
    if request.next_attempt_at is not None and aware(request.next_attempt_at) > utcnow():
        return "early"  # a doubled wake-up; the delayed one comes
    values = hub.values("signature")
    if not values.get("enabled"):
        store.note(hub, request_id, reason=store.tr_json(DISABLED))
        return "disabled"
    tries = request.attempts + 1
    if not store.move(hub, request, State.SENDING, hub.technical_actor("signature").login,
                      Tr(f"Envoi à Universign (essai {tries}).",
                         f"Sending to Universign (try {tries})."),
                      attempts=tries, attempt_started_at=utcnow(), reason=None):
        return "skipped"
    fresh = store.get(hub, request_id)
    assert fresh is not None
    sender = Sender(hub, fresh)
    with sender.client:
        return _send(hub, fresh, sender)


def _send(hub: Hub, fresh: SignatureRequest, sender: Sender) -> str:
    try:
        tx = sender.locate()
        if tx is None:
            tx = sender.create()
            sender.beat(transaction_id=tx.id)
        elif fresh.transaction_id != tx.id:
            sender.beat(transaction_id=tx.id)
        if tx.state == "draft":
            sender.build(tx)
            tx = sender.client.start(tx.id)
        elif tx.state in ("expired", "cancelled"):
            return sender.fail(Tr(f"La transaction {tx.id} est {tx.state} sur Universign.",
                                  f"Transaction {tx.id} is {tx.state} on Universign."))
    except ServiceError as error:
        if not error.diagnosis.transient:
            return sender.fail(error.diagnosis.message)
        return sender.retry_or_fail(error.diagnosis)
    store.move(hub, fresh, State.SENT, sender.actor,
               Tr(f"Envoyée aux signataires (transaction {tx.id}).",
                  f"Sent to the signers (transaction {tx.id})."),
               transaction_id=tx.id, universign_state=tx.state, reason=None,
               attempt_started_at=None, details={"transaction_id": tx.id})
    return "sent"


def sweep(hub: Hub) -> dict[str, int]:
    """Tries left in flight by a stopped worker are taken up again; requests due for a while
    get a new wake-up (duplicates are no-ops)."""
    values = hub.values("signature")
    now = utcnow()
    counts = {"interrupted": 0, "requeued": 0}
    for request in store.in_states(hub, {State.SENDING},
                                   started_before=now - timedelta(seconds=lease_s(values))):
        why = Diagnosis(Problem.OUTCOME_UNKNOWN, Tr(
            "l'envoi a été interrompu (arrêt du processus).",
            "the sending was interrupted (process stopped)."))
        sender = Sender(hub, request)
        with sender.client:
            if sender.retry_or_fail(why) == "retry":
                counts["interrupted"] += 1
    for request in store.in_states(hub, {State.RECEIVED},
                                   due_before=now - timedelta(seconds=60)):
        wake(hub, SEND_JOB, request_id=request.id)
        counts["requeued"] += 1
    return counts
