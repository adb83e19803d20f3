"""Depositing an invoice exactly once.

`deposerFluxFacture` has no idempotency key, so the invoice is marked DEPOSITING (committed)
just before the call, and whatever happens next is decided from what is known:
- an answer with a flow number: DEPOSITED;
- a refusal (codeRetour, authentication, subscription): FAILED at once with the portal's words;
- a failure that proves nothing was received (connection refused, 429, 503, our own daily
  quota): queued again, within `chorus.max_attempts` tries `chorus.retry_delay_s` apart (a spent
  quota does not use a try, it pauses until the quota resumes);
- anything else (timeout, lost answer, other 5xx, a worker killed mid-call): UNCERTAIN, and the
  portal is searched for the invoice before any new try, for up to `chorus.reconcile_after_s`
  (the time the portal takes to process a flow)."""

from __future__ import annotations

import time
from collections import Counter
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from raccord.core.diagnosis import Diagnosis, Problem, ServiceError
from raccord.core.formats import counted
from raccord.core.i18n import Tr
from raccord.core.models import aware, utcnow
from raccord.features.einvoicing import store
from raccord.features.einvoicing.dispatch import DEPOSIT_JOB, RECONCILE_JOB, wake
from raccord.features.einvoicing.followup import integrate
from raccord.features.einvoicing.invoice import InvoiceData
from raccord.features.einvoicing.models import EInvoice
from raccord.features.einvoicing.recipients import recipient_problems
from raccord.features.einvoicing.states import State
from raccord.interfaces.chorus.client import ONE_TRY, ChorusClient, ChorusRefusal, QuotaPaused
from raccord.interfaces.chorus.results import InvoiceSearch, PortalInvoice
from raccord.interfaces.chorus.settings import PARIS

if TYPE_CHECKING:
    from raccord.core.hub import Hub

# Beyond two timeouts (token then deposit), a deposit may wait for a new slot behind others.
LEASE_MARGIN_S = 5.0
STALE_WAKEUP_S = 300.0
DISABLED = Tr("En attente : l'interface CHORUS PRO est désactivée (cochez « Chorus Actif »).",
              "Waiting: the CHORUS PRO interface is disabled (tick 'CHORUS PRO enabled').")


def _not_received(d: Diagnosis) -> bool:
    """Failures that prove the portal did not take the deposit in."""
    return d.problem in (Problem.CONNECT, Problem.RATE_LIMIT) or (
        d.problem is Problem.SERVER and d.status == 503)


class Attempt:
    """One try at one invoice, with the settings read when it starts."""

    def __init__(self, hub: Hub, invoice: EInvoice) -> None:
        self.hub = hub
        self.invoice = invoice
        self.values = hub.values("chorus")
        self.actor = str(self.values.get("technical_user") or "system")  # as technical_actor
        self.max_attempts = int(self.values.get("max_attempts") or 1)
        self.retry_delay = float(self.values.get("retry_delay_s") or 0)

    def refresh(self) -> EInvoice:
        found = store.get(self.hub, self.invoice.id)
        assert found is not None
        self.invoice = found
        return found

    def fail(self, why: Tr, errors: list[dict[str, str]] | None = None,
             **columns: Any) -> str:
        store.move(self.hub, self.invoice, State.FAILED, self.actor, why,
                   errors=errors or [{"field": "transmission", "rule": "CHORUS PRO",
                                      "fr": why.fr, "en": why.en}], waiting_reason=None,
                   **columns)
        return "failed"

    def retry_or_fail(self, d: Diagnosis, to: State = State.QUEUED, count: bool = False) -> str:
        tries = self.invoice.attempts + (1 if count else 0)
        if tries >= self.max_attempts:
            made = counted(tries, Tr("essai", "try"), Tr("essais", "tries"))
            return self.fail(Tr(f"Abandon après {made.fr} : ", f"Gave up after {made.en}: ")
                             + d.message, attempts=tries)
        wait = max(self.retry_delay, d.retry_after or 0.0)
        extra: dict[str, Any] = {"attempts": tries} if count else {}
        store.move(self.hub, self.invoice, to, self.actor,
                   Tr(f"Essai {tries} échoué, nouvel essai dans {wait:g} s : ",
                      f"Try {tries} failed, next try in {wait:g} s: ") + d.message,
                   next_attempt_at=utcnow() + timedelta(seconds=wait),
                   waiting_reason=store.tr_json(d.message), **extra)
        wake(self.hub, DEPOSIT_JOB, delay_s=wait, invoice_id=self.invoice.id)
        return "retry"

    def pause(self, paused: QuotaPaused, frm: State) -> str:
        """The daily quota is spent: wait for it without using a try."""
        wait = max(0.0, paused.resumes_at - time.time())
        values: dict[str, Any] = {"next_attempt_at": utcnow() + timedelta(seconds=wait),
                                  "waiting_reason": store.tr_json(paused.diagnosis.message,
                                                                  store.QUOTA_KIND)}
        if frm is State.DEPOSITING:
            values["attempts"] = self.invoice.attempts - 1
            store.move(self.hub, self.invoice, State.QUEUED, self.actor,
                       paused.diagnosis.message, **values)
        else:
            store.note(self.hub, self.invoice.id, **values)
        wake(self.hub, DEPOSIT_JOB, delay_s=wait + 0.5, invoice_id=self.invoice.id)
        return "paused"


def deposit(hub: Hub, invoice_id: int) -> str:
    """Deposit one queued invoice (a no-op for any other state: safe to run twice)."""
    invoice = store.get(hub, invoice_id)
    if invoice is None or invoice.state != State.QUEUED.value:
        return "skipped"
    attempt = Attempt(hub, invoice)
    if not attempt.values.get("enabled"):
        store.note(hub, invoice_id, waiting_reason=store.tr_json(DISABLED))
        return "disabled"
    try:
        client = ChorusClient(hub, invoice.company_code, attempt.values, ONE_TRY)
    except ServiceError as error:
        return attempt.fail(error.diagnosis.message)
    with client:
        try:
            problems = recipient_problems(hub, client, InvoiceData.model_validate(invoice.data))
            # The token before the slot, so that fetching it does not make the slot missed.
            client.token()
        except QuotaPaused as paused:
            return attempt.pause(paused, State.QUEUED)
        except ServiceError as error:
            if not error.diagnosis.transient:
                return attempt.fail(error.diagnosis.message)
            return attempt.retry_or_fail(error.diagnosis, count=True)
        if problems:
            errors = [p.as_dict() for p in problems]
            store.move(hub, invoice, State.INVALID, attempt.actor, Tr(
                "Invalide pour la structure de l'acheteur : la facture ne sera pas envoyée.",
                "Invalid for the buyer's structure: the invoice will not be sent."),
                errors=errors, waiting_reason=None)
            return "invalid"
        tries = invoice.attempts + 1
        if not store.move(hub, invoice, State.DEPOSITING, attempt.actor,
                          Tr(f"Dépôt sur CHORUS PRO (essai {tries}).",
                             f"Depositing on CHORUS PRO (try {tries})."), attempts=tries,
                          attempt_started_at=utcnow(),
                          waiting_reason=None):
            return "skipped"
        invoice = attempt.refresh()
        try:
            # The portal's ceiling is waited for inside, once the request is ready to go.
            answer = client.deposit_flow(invoice.content, invoice.file_name, invoice.syntax)
        except QuotaPaused as paused:
            return attempt.pause(paused, State.DEPOSITING)
        except ChorusRefusal as refusal:
            return attempt.fail(refusal.diagnosis.message, [{
                "field": "deposer/flux", "rule": f"codeRetour {refusal.code}",
                "fr": refusal.diagnosis.message.fr, "en": refusal.diagnosis.message.en}])
        except ServiceError as error:
            return _after_failure(attempt, error.diagnosis)
    flow = answer.flow_number
    if not flow:
        return _uncertain(attempt, Tr("Réponse sans numéro de flux.",
                                      "Answer without a flow number."))
    store.move(hub, invoice, State.DEPOSITED, attempt.actor,
               Tr(f"Déposée : flux {flow}.", f"Deposited: flow {flow}."),
               details={"numeroFluxDepot": flow, "dateDepot": answer.deposited_on},
               flow_number=flow, deposited_on=answer.deposited_on,
               flow_state=None)
    return "deposited"


def _after_failure(attempt: Attempt, d: Diagnosis) -> str:
    if not d.transient:
        return attempt.fail(d.message)
    if _not_received(d):
        return attempt.retry_or_fail(d)
    return _uncertain(attempt, d.message)


def _uncertain(attempt: Attempt, why: Tr) -> str:
    grace = float(attempt.values.get("reconcile_after_s") or 0)
    store.move(attempt.hub, attempt.invoice, State.UNCERTAIN, attempt.actor, why + Tr(
        "Le portail sera interrogé avant tout nouvel essai.",
        "The portal will be searched before any new try."),
        waiting_reason=store.tr_json(why))
    wake(attempt.hub, RECONCILE_JOB, delay_s=min(grace, 30.0), invoice_id=attempt.invoice.id)
    return "uncertain"


def reconcile(hub: Hub, invoice_id: int) -> str:
    """Decide an uncertain deposit: found on the portal, or surely absent and tried again."""
    invoice = store.get(hub, invoice_id)
    if invoice is None or invoice.state != State.UNCERTAIN.value:
        return "skipped"
    attempt = Attempt(hub, invoice)
    grace = float(attempt.values.get("reconcile_after_s") or 0)
    try:
        with ChorusClient(hub, invoice.company_code, attempt.values, ONE_TRY) as client:
            found = find_on_portal(client, invoice)
    except QuotaPaused as paused:
        return _wait_reconcile(hub, invoice, paused.diagnosis.message,
                               paused.resumes_at - time.time())
    except ServiceError as error:
        wait = max(attempt.retry_delay, error.diagnosis.retry_after or 0.0, 1.0)
        return _wait_reconcile(hub, invoice, error.diagnosis.message, wait)
    if found is not None:
        flow = found.flow_number
        store.move(hub, invoice, State.DEPOSITED, attempt.actor,
                   Tr(f"Retrouvée sur le portail : le dépôt avait abouti (flux {flow}).",
                      f"Found on the portal: the deposit had gone through (flow {flow})."),
                   flow_number=flow, deposited_on=found.deposited_on,
                   flow_state="IN_INTEGRE", waiting_reason=None)
        integrate(hub, attempt.refresh(), found, attempt.actor)
        return "found"
    started = aware(invoice.attempt_started_at or utcnow())
    left = grace - (utcnow() - started).total_seconds()
    if left > 0:
        return _wait_reconcile(hub, invoice, Tr(
            "Pas encore sur le portail (traitement des flux en cours) : nouvelle recherche "
            "avant tout nouvel essai.",
            "Not on the portal yet (flows being processed): searching again before any new "
            "try."), left + 0.5)
    why = Diagnosis(Problem.OUTCOME_UNKNOWN, Tr(
        f"absente du portail {grace:g} s après l'essai : le dépôt n'avait pas abouti.",
        f"not on the portal {grace:g} s after the try: the deposit had not gone through."))
    return attempt.retry_or_fail(why)


def _wait_reconcile(hub: Hub, invoice: EInvoice, why: Tr, wait: float) -> str:
    store.note(hub, invoice.id, waiting_reason=store.tr_json(why))
    wake(hub, RECONCILE_JOB, delay_s=max(wait, 0.5), invoice_id=invoice.id)
    return "waiting"


def find_on_portal(client: ChorusClient, invoice: EInvoice) -> PortalInvoice | None:
    """The integrated invoice with this number deposited since the try, if any."""
    started = aware(invoice.attempt_started_at or utcnow()).astimezone(PARIS)
    since = (started - timedelta(days=1)).date().isoformat()
    rows, _ = client.search_invoices(InvoiceSearch(invoice_number=invoice.number,
                                                   deposited_since=since), per_page=50)
    for row in rows:
        if row.number == invoice.number and (
                not row.supplier_id or row.supplier_id == invoice.seller_siret):
            return row
    return None


def sweep(hub: Hub, stale_s: float = STALE_WAKEUP_S) -> Counter[str]:
    """Work left in flight by a crash: deposits whose worker vanished are reconciled, and
    invoices due for a while get a new wake-up (duplicates are no-ops)."""
    counts: Counter[str] = Counter()
    values = hub.values("chorus")
    actor = hub.technical_actor("chorus").login
    now = utcnow()
    lease = 2 * float(values.get("timeout_s") or 30) + LEASE_MARGIN_S
    for invoice in store.in_states(hub, {State.DEPOSITING},
                                   started_before=now - timedelta(seconds=lease)):
        if store.move(hub, invoice, State.UNCERTAIN, actor, Tr(
                "Le dépôt a été interrompu (arrêt du processus) : le portail sera interrogé "
                "avant tout nouvel essai.",
                "The deposit was interrupted (process stopped): the portal will be searched "
                "before any new try.")):
            wake(hub, RECONCILE_JOB, invoice_id=invoice.id)
            counts["interrupted"] += 1
    stale = now - timedelta(seconds=stale_s)
    for invoice in store.in_states(hub, {State.QUEUED}, before=stale, limit=1000):
        wake(hub, DEPOSIT_JOB, invoice_id=invoice.id)
        counts["requeued"] += 1
    grace = float(values.get("reconcile_after_s") or 0)
    for invoice in store.in_states(hub, {State.UNCERTAIN},
                                   started_before=stale - timedelta(seconds=grace), limit=1000):
        wake(hub, RECONCILE_JOB, invoice_id=invoice.id)
        counts["reconciling"] += 1
    return counts
