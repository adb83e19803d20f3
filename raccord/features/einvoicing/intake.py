"""Invoices in: from structured data or a ready e-invoice to a stored, validated, queued row.
An invalid invoice is kept, marked invalid with every problem, and never sent."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from sqlalchemy.exc import IntegrityError

from raccord.core.diagnosis import ServiceError
from raccord.core.formats import counted
from raccord.core.i18n import Tr
from raccord.core.models import utcnow
from raccord.core.settings_store import company_scope
from raccord.features.einvoicing import documents, store
from raccord.features.einvoicing.dispatch import DEPOSIT_JOB, wake
from raccord.features.einvoicing.documents import Document, Format
from raccord.features.einvoicing.invoice import InvoiceData, LegalMentions
from raccord.features.einvoicing.models import EInvoice
from raccord.features.einvoicing.recipients import recipient_problems
from raccord.features.einvoicing.states import BEFORE_DEPOSIT, REPLACEABLE, State, label
from raccord.features.einvoicing.validation import Problem, check_document, fatal
from raccord.interfaces.chorus.client import ONE_TRY, ChorusClient

if TYPE_CHECKING:
    from raccord.core.hub import Hub


# The portal refuses deposits over 10 MB: a bigger file is refused here, whatever the door.
MAX_FILE_BYTES = 10 * 1024 * 1024
TOO_LARGE = Tr("Fichier de plus de 10 Mo : le portail le refuserait.",
               "File over 10 MB: the portal would refuse it.")


class IntakeRefused(Exception):
    def __init__(self, message: Tr, status: int = 422) -> None:
        super().__init__(message.en)
        self.message = message
        self.status = status


@dataclass
class Receipt:
    id: int
    number: str
    state: str
    errors: list[dict[str, str]] = field(default_factory=list)
    # The same file was already handed over: nothing new was done.
    unchanged: bool = False

    def as_dict(self) -> dict[str, Any]:
        return {"id": self.id, "number": self.number, "state": self.state,
                "errors": self.errors, "unchanged": self.unchanged}


def receive(hub: Hub, company: str, actor: str, *, data: InvoiceData | None = None,
            content: bytes | None = None, file_name: str = "",
            fmt: Format = Format.FACTURX) -> Receipt:
    """Store, validate and queue one invoice for `company` (structured `data` or a file)."""
    known = hub.accounts.company(company)
    if known is None:
        raise IntakeRefused(Tr(f"Société « {company} » inconnue : créez-la d'abord.",
                               f"Unknown company '{company}': create it first."), 404)
    if content is not None and len(content) > MAX_FILE_BYTES:
        raise IntakeRefused(TOO_LARGE, 413)
    try:
        if data is not None:
            data = with_company_mentions(hub, company, data)
            doc, source = documents.produce(data, fmt), "json"
        elif content is not None:
            doc, data = documents.read(content, file_name)
            source = doc.format.value
        else:
            raise IntakeRefused(Tr("Rien à transmettre : donnez une facture.",
                                   "Nothing to send: give an invoice."))
    except documents.UnreadableFile as error:
        raise IntakeRefused(error.message) from None
    except ValueError as error:  # lxml refuses control characters in a text of the invoice
        if "XML compatible" not in str(error):
            raise
        raise IntakeRefused(Tr(
            "Un texte de la facture contient un caractère de contrôle (NUL, ESC…) : "
            "retirez-le.",
            "A text of the invoice holds a control character (NUL, ESC…): remove it.")
        ) from None
    problems = fatal(check_document(documents.xml_root(doc.xml), data,
                                    facturx=doc.format is Format.FACTURX,
                                    company_siret=known.siret))
    invoice = _store(hub, company, actor, doc, data, source)
    if invoice.state != State.RECEIVED.value:
        return Receipt(invoice.id, invoice.number, invoice.state, invoice.errors, unchanged=True)
    return _validate_and_queue(hub, invoice, data, problems, actor)


def with_company_mentions(hub: Hub, company: str, data: InvoiceData) -> InvoiceData:
    """The legal payment mentions from the company's settings when the ERP sent none (each one
    left empty there keeps its lawful default)."""
    if "legal_mentions" in data.model_fields_set:
        return data
    values = hub.values("chorus", company_scope(company))
    defaults = LegalMentions()
    mentions = LegalMentions(
        penalties=values.get("late_payment_penalties") or defaults.penalties,
        recovery_indemnity=values.get("recovery_indemnity") or defaults.recovery_indemnity,
        discount=values.get("early_payment_discount") or defaults.discount)
    return data.model_copy(update={"legal_mentions": mentions})


def _store(hub: Hub, company: str, actor: str, doc: Document, data: InvoiceData,
           source: str) -> EInvoice:
    completed = data.completed()
    assert completed.totals is not None
    columns: dict[str, Any] = dict(source=source, format=doc.format.value, syntax=doc.syntax,
                   file_name=doc.file_name[:200], content=doc.content, data=data.as_json(),
                   seller_siret=data.seller.siret[:20], buyer_siret=data.buyer.siret[:20],
                   buyer_name=data.buyer.name[:200], total_due=str(completed.totals.due),
                   currency=data.currency[:3], errors=[])
    for _ in range(2):
        existing = store.find(hub, company, data.number)
        if existing is not None:
            return _replace(hub, existing, actor, doc, columns)
        try:
            with hub.db.session() as session:
                row = EInvoice(company_code=company, number=data.number[:120],
                               state=State.RECEIVED.value, created_by=actor, **columns)
                session.add(row)
                session.flush()
                session.add(store.EInvoiceEvent(
                    invoice_id=row.id, actor=actor, from_state=None,
                    to_state=State.RECEIVED.value, message=store.tr_json(Tr(
                        f"Reçue de l'ERP ({doc.file_name}).",
                        f"Received from the ERP ({doc.file_name})."))))
            return row
        except IntegrityError:
            continue  # the same number arrived twice at once: the other copy won
    raise IntakeRefused(Tr("Réessayez.", "Try again."), 409)


def _replace(hub: Hub, existing: EInvoice, actor: str, doc: Document,
             columns: dict[str, Any]) -> EInvoice:
    state = State(existing.state)
    # Same invoice data in the same format (a produced PDF differs by its timestamps only).
    same = existing.data == columns["data"] and existing.format == columns["format"]
    if same and state not in REPLACEABLE:
        return existing  # the ERP repeated itself: answer as the first time
    if state not in REPLACEABLE:
        raise IntakeRefused(Tr(
            f"La facture {existing.number} est déjà {label(state.value).fr} : une nouvelle "
            "version n'est acceptée qu'après un rejet, une invalidité, un échec ou une "
            "annulation.",
            f"Invoice {existing.number} is already {label(state.value).en}: a new version is "
            "accepted only after a rejection, an invalidity, a failure or a cancellation."), 409)
    fresh = dict(columns, attempts=0, next_attempt_at=None, attempt_started_at=None,
                 waiting_reason=None, flow_number=None, deposited_on=None, flow_state=None,
                 portal_id=None, portal_status=None, portal_status_at=None)
    if not store.move(hub, existing, State.RECEIVED, actor, Tr(
            "Nouvelle version reçue de l'ERP, après correction.",
            "New version received from the ERP, after correction."), **fresh):
        raise IntakeRefused(Tr("La facture vient de changer d'état : réessayez.",
                               "The invoice has just changed state: try again."), 409)
    found = store.get(hub, existing.id)
    assert found is not None
    return found


def _validate_and_queue(hub: Hub, invoice: EInvoice, data: InvoiceData,
                        problems: list[Problem], actor: str) -> Receipt:
    if not problems:
        problems = _recipient_check(hub, invoice, data, actor)
    if problems:
        errors = [p.as_dict() for p in problems]
        found = counted(len(errors), Tr("problème", "problem"), Tr("problèmes", "problems"))
        store.move(hub, invoice, State.INVALID, actor, Tr(
            f"Invalide : {found.fr}, la facture ne sera pas envoyée.",
            f"Invalid: {found.en}, the invoice will not be sent."), errors=errors)
        return Receipt(invoice.id, invoice.number, State.INVALID.value, errors)
    store.move(hub, invoice, State.VALID, actor, Tr("Valide.", "Valid."))
    invoice.state = State.VALID.value
    store.move(hub, invoice, State.QUEUED, actor, Tr("En file d'attente de dépôt.",
                                                     "Queued for deposit."),
               next_attempt_at=utcnow())
    wake(hub, DEPOSIT_JOB, invoice_id=invoice.id)
    return Receipt(invoice.id, invoice.number, State.QUEUED.value)


def _recipient_check(hub: Hub, invoice: EInvoice, data: InvoiceData,
                     actor: str) -> list[Problem]:
    """The buyer's structure rules now when the portal answers; else at deposit time."""
    try:
        with ChorusClient(hub, invoice.company_code, retry=ONE_TRY) as client:
            return recipient_problems(hub, client, data)
    except ServiceError as error:
        store.note(hub, invoice.id, waiting_reason=store.tr_json(
            Tr("Structure de l'acheteur vérifiée au moment du dépôt : ",
               "Buyer's structure checked at deposit time: ") + error.diagnosis.message))
        return []


def cancel(hub: Hub, invoice_id: int, actor: str) -> EInvoice:
    invoice = store.get(hub, invoice_id)
    if invoice is None:
        raise IntakeRefused(Tr(f"Facture {invoice_id} inconnue.", f"Unknown invoice "
                                                                   f"{invoice_id}."), 404)
    if State(invoice.state) not in BEFORE_DEPOSIT - {State.FAILED} or not _cancelled(
            hub, invoice, actor):
        raise IntakeRefused(Tr(
            f"La facture {invoice.number} est {label(invoice.state).fr} : seule une facture "
            "en attente de dépôt peut être annulée.",
            f"Invoice {invoice.number} is {label(invoice.state).en}: only an invoice waiting "
            "for deposit can be cancelled."), 409)
    found = store.get(hub, invoice_id)
    assert found is not None
    return found


def _cancelled(hub: Hub, invoice: EInvoice, actor: str) -> bool:
    try:
        return bool(store.move(hub, invoice, State.CANCELLED, actor,
                               Tr("Annulée avant dépôt.", "Cancelled before deposit.")))
    except ValueError:  # a state the machine does not leave for "cancelled" (invalid)
        return False


def resend(hub: Hub, invoice_id: int, actor: str) -> Receipt:
    """Try a failed invoice again as it is (after fixing the settings, for example)."""
    invoice = store.get(hub, invoice_id)
    if invoice is None:
        raise IntakeRefused(Tr(f"Facture {invoice_id} inconnue.", f"Unknown invoice "
                                                                   f"{invoice_id}."), 404)
    if invoice.state != State.FAILED.value:
        raise IntakeRefused(Tr(
            f"La facture {invoice.number} est {label(invoice.state).fr} : seule une facture en "
            "échec se renvoie telle quelle ; après un rejet ou une invalidité, envoyez la "
            "version corrigée.",
            f"Invoice {invoice.number} is {label(invoice.state).en}: only a failed invoice is "
            "sent again as it is; after a rejection or an invalidity, send the corrected "
            "version."), 409)
    store.move(hub, invoice, State.QUEUED, actor, Tr("Renvoyée.", "Sent again."), attempts=0,
               next_attempt_at=utcnow(), waiting_reason=None)
    wake(hub, DEPOSIT_JOB, invoice_id=invoice.id)
    return Receipt(invoice.id, invoice.number, State.QUEUED.value)
