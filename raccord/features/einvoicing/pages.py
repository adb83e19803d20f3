"""Console pages of the CHORUS PRO transmission: the list with its filters and today's quota
use, and one invoice with its history, its errors, and what can be done (cancel before
deposit, send again after a failure, hand over a corrected version)."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from fastapi import APIRouter, Depends, File, Request, UploadFile
from fastapi.responses import RedirectResponse, Response
from pydantic import ValidationError

from raccord.core import formats
from raccord.core.accounts import Account
from raccord.core.httpsafe import RowId
from raccord.core.i18n import Tr
from raccord.core.models import utcnow
from raccord.features.einvoicing import intake, soon, store, validate_page, views
from raccord.features.einvoicing.invoice import InvoiceData
from raccord.features.einvoicing.states import BEFORE_DEPOSIT, LABELS, REPLACEABLE, State
from raccord.toolkit.pages import (
    add_template_folder,
    check_csrf,
    confirmation,
    confirmed,
    hub_of,
    language,
    may_change,
    render,
    signed_in,
)

if TYPE_CHECKING:
    from raccord.core.hub import Hub

add_template_folder(Path(__file__).parent / "templates")
router = APIRouter(include_in_schema=False)
router.include_router(validate_page.router)  # /einvoice/validate
IN_PROGRESS = {State.QUEUED.value, State.DEPOSITING.value, State.UNCERTAIN.value,
               State.DEPOSITED.value}
L = {
    "title": Tr("Transmissions CHORUS PRO", "CHORUS PRO transmissions"),
    "company": Tr("Société", "Company"), "state": Tr("État", "Status"),
    "all": Tr("Tous", "All"), "since": Tr("Du", "From"), "until": Tr("Au", "To"),
    "filter": Tr("Filtrer", "Filter"), "number": Tr("Numéro", "Number"),
    "buyer": Tr("Acheteur", "Buyer"), "amount": Tr("Net à payer", "Amount due"),
    "portal": Tr("Statut sur le portail", "Status on the portal"),
    "flow": Tr("Flux", "Flow"), "updated": Tr("Mis à jour", "Updated"),
    "note": Tr("Note", "Note"), "none": Tr("Aucune transmission.", "No transmission."),
    "quota": Tr("Quotas du portail aujourd'hui", "Portal quotas today"),
    "history": Tr("Historique", "History"), "errors": Tr("Erreurs", "Errors"),
    "field": Tr("Champ", "Field"), "rule": Tr("Règle", "Rule"),
    "message": Tr("Message", "Message"), "at": Tr("Date", "Date"), "by": Tr("Par", "By"),
    "cancel": Tr("Annuler avant dépôt", "Cancel before deposit"),
    "resend": Tr("Renvoyer", "Send again"),
    "correct": Tr("Envoyer la version corrigée", "Send the corrected version"),
    "correct_help": Tr("Factur-X (PDF), UBL ou CII (XML), ou les données structurées (JSON) "
                       "de la facture corrigée, même numéro.",
                       "Factur-X (PDF), UBL or CII (XML), or the structured data (JSON) of "
                       "the corrected invoice, same number."),
    "download": Tr("Télécharger la facture déposée", "Download the deposited invoice"),
    "download_ready": Tr("Télécharger la facture à déposer", "Download the invoice to deposit"),
    "cancel_confirm": Tr("Elle ne sera pas déposée sur CHORUS PRO ; l'ERP en est averti "
                         "(webhook), et une version corrigée du même numéro pourra être "
                         "envoyée.",
                         "It will not be deposited on CHORUS PRO; the ERP is told (webhook), "
                         "and a corrected version with the same number may be sent."),
    "back": Tr("Toutes les transmissions", "All transmissions"),
    "attempts": Tr("Essais", "Tries"), "waiting": Tr("En attente", "Waiting"),
}
REFRESH_S = 5
# Once the portal has it (its file is the one deposited) / before (the file raccord made).
ON_PORTAL = {State.DEPOSITED.value, State.INTEGRATED.value, State.REJECTED.value}
READY = {State.VALID.value, State.QUEUED.value, State.DEPOSITING.value, State.UNCERTAIN.value,
         State.FAILED.value, State.CANCELLED.value}


def refresh_text(hub: Hub, lang: str, deposited: bool) -> str:
    """What the page's refresh does, truly: the page every 5 s, and when the portal is asked
    again about deposited invoices."""
    text = Tr(f"Page actualisée toutes les {REFRESH_S} s tant que des factures sont en cours.",
              f"Page refreshed every {REFRESH_S} s while invoices are in progress.")(lang)
    if not deposited:
        return text
    when = soon.next_look(hub)
    if when is None:
        return text
    wait = max(0.0, (when - utcnow()).total_seconds())
    return text + " " + Tr(
        f"Le portail sera interrogé sur les factures déposées vers "
        f"{formats.clock(when, 'fr')} (dans {formats.duration(wait, 'fr')}).",
        f"The portal will be asked about deposited invoices at about "
        f"{formats.clock(when, 'en')} (in {formats.duration(wait, 'en')}).")(lang)



def _day(text: str) -> datetime | None:
    try:
        return datetime.combine(date.fromisoformat(text), datetime.min.time(), UTC)
    except ValueError:
        return None


@router.get("/transmissions")
def listing(request: Request, company: str = "", state: str = "", since: str = "",
            until: str = "", account: Account = Depends(signed_in)) -> Response:
    hub = hub_of(request)
    lang = language(request)
    end = _day(until)
    rows = [views.summary(i, lang) for i in views.listing(
        hub, company=company or None, state=state or None, since=_day(since),
        until=end + timedelta(days=1) if end else None, limit=500)]
    return render(request, "einvoicing_list.html", rows=rows, L=L, states=LABELS,
                  companies=hub.accounts.companies(), company=company, state=state,
                  since=since, until=until, counts=views.counts_by_state(hub, company or None),
                  quota=views.quota(hub),
                  refresh=REFRESH_S if any(r["state"] in IN_PROGRESS for r in rows) else 0,
                  refresh_text=refresh_text(hub, lang, any(
                      r["state"] == State.DEPOSITED.value for r in rows)))


def _detail_page(request: Request, invoice_id: RowId, status_code: int = 200,
                 **context: Any) -> Response:
    hub = hub_of(request)
    invoice = store.get(hub, invoice_id)
    if invoice is None:
        return RedirectResponse("/transmissions", status_code=303)
    state = State(invoice.state)
    lang = language(request)
    download = L["download"] if invoice.state in ON_PORTAL else (
        L["download_ready"] if invoice.state in READY and invoice.content else None)
    return render(request, "einvoicing_detail.html", status_code,
                  inv=views.detail(hub, invoice, lang), L=L, download=download,
                  refresh_text=refresh_text(hub, lang, state is State.DEPOSITED),
                  may_cancel=state in BEFORE_DEPOSIT - {State.FAILED},
                  may_resend=state is State.FAILED, may_correct=state in REPLACEABLE,
                  refresh=REFRESH_S if invoice.state in IN_PROGRESS else 0, **context)


@router.get("/transmissions/{invoice_id}")
def detail(invoice_id: RowId, request: Request, account: Account = Depends(signed_in)
           ) -> Response:
    return _detail_page(request, invoice_id)


def _act(request: Request, invoice_id: RowId, account: Account,
         action: Callable[[Hub, int, str], object], done: Tr) -> Response:
    """Cancel or re-send, then show the invoice with the outcome."""
    try:
        action(hub_of(request), invoice_id, account.login)
    except intake.IntakeRefused as refused:
        return _detail_page(request, invoice_id, 409, error=refused.message)
    return _detail_page(request, invoice_id, ok=done)


@router.post("/transmissions/{invoice_id}/cancel", dependencies=[Depends(check_csrf)])
async def cancel(invoice_id: RowId, request: Request, account: Account = Depends(may_change)
                 ) -> Response:
    invoice = store.get(hub_of(request), invoice_id)
    if invoice is not None and not await confirmed(request):
        return confirmation(
            request, Tr(f"Annuler la facture {invoice.number} ({invoice.company_code}) ?",
                        f"Cancel the invoice {invoice.number} ({invoice.company_code})?"),
            [L["cancel_confirm"]], f"/transmissions/{invoice_id}/cancel",
            f"/transmissions/{invoice_id}", L["cancel"])
    return _act(request, invoice_id, account, intake.cancel, Tr("Annulée.", "Cancelled."))


@router.post("/transmissions/{invoice_id}/resend", dependencies=[Depends(check_csrf)])
def resend(invoice_id: RowId, request: Request, account: Account = Depends(may_change)
           ) -> Response:
    return _act(request, invoice_id, account, intake.resend,
                Tr("Remise en file d'attente.", "Queued again."))


@router.post("/transmissions/{invoice_id}/correct", dependencies=[Depends(check_csrf)])
async def correct(invoice_id: RowId, request: Request, file: UploadFile = File(...),
                  account: Account = Depends(may_change)) -> Response:
    hub = hub_of(request)
    invoice = store.get(hub, invoice_id)
    if invoice is None:
        return RedirectResponse("/transmissions", status_code=303)
    content = await file.read(10 * 1024 * 1024 + 1)
    data: InvoiceData | None = None
    if (file.filename or "").lower().endswith(".json"):
        try:
            data = InvoiceData.model_validate(json.loads(content))
        except (ValueError, ValidationError):
            return _detail_page(request, invoice_id, 422, error=Tr(
                "JSON de facture invalide : vérifiez-le contre le modèle EN 16931.",
                "Invalid invoice JSON: check it against the EN 16931 model."))
    try:
        receipt = intake.receive(hub, invoice.company_code, account.login, data=data,
                                 content=None if data else content,
                                 file_name=file.filename or "", fmt=_format(invoice.format))
    except intake.IntakeRefused as refused:
        return _detail_page(request, invoice_id, refused.status, error=refused.message)
    return RedirectResponse(f"/transmissions/{receipt.id}", status_code=303)


def _format(value: str) -> Any:
    from raccord.features.einvoicing.documents import Format

    return Format(value)
