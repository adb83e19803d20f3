"""Console pages of the expense reports, for an employee on a phone as on a desktop: the
reports, one report with its expenses, the receipt upload whose OCR proposal the employee
confirms or corrects, and the trip form whose addresses complete as they are typed."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse, Response

from raccord.core.accounts import Account
from raccord.core.httpsafe import RowId, content_disposition
from raccord.core.i18n import Tr
from raccord.features.expenses import labels, service
from raccord.features.expenses.mileage import VEHICLE_LABELS
from raccord.features.expenses.models import STATE_LABELS, ReportState
from raccord.features.expenses.service import ExpenseData, ExpenseRefused, ReportData, VatLine
from raccord.toolkit.pages import (
    TEMPLATES,
    add_template_folder,
    any_account,
    check_csrf,
    hub_of,
    render,
)

add_template_folder(Path(__file__).parent / "templates")
router = APIRouter(include_in_schema=False)
TEMPLATES.env.globals["expense_labels"] = labels
L = {
    "title": Tr("Notes de frais", "Expense reports"), "new": Tr("Nouvelle note", "New report"),
    "period": Tr("Période", "Period"), "from": Tr("Du", "From"), "to": Tr("au", "to"),
    "label": Tr("Intitulé", "Title"), "company": Tr("Société", "Company"),
    "create": Tr("Créer", "Create"), "none": Tr("Aucune note de frais.", "No expense report."),
    "employee": Tr("Collaborateur", "Employee"), "state": Tr("État", "State"),
    "total": Tr("Total TTC", "Total incl. tax"), "expenses": Tr("Dépenses", "Expenses"),
    "receipt": Tr("Ajouter un justificatif (photo ou PDF)", "Add a receipt (photo or PDF)"),
    "read": Tr("Lire le justificatif", "Read the receipt"),
    "manual": Tr("Saisir une dépense à la main", "Type an expense by hand"),
    "trip": Tr("Ajouter un trajet", "Add a trip"), "date": Tr("Date", "Date"),
    "merchant": Tr("Commerçant", "Merchant"), "category": Tr("Catégorie", "Category"),
    "amount_incl_tax": Tr("Montant TTC", "Amount incl. tax"),
    "amount_excl_tax": Tr("Montant HT", "Amount excl. tax"),
    "vat": Tr("TVA", "VAT"), "rate": Tr("Taux %", "Rate %"), "vat_amount": Tr("Montant TVA",
                                                                             "VAT amount"),
    "currency": Tr("Devise", "Currency"), "siret": Tr("SIRET", "SIRET"),
    "save": Tr("Enregistrer", "Save"), "confirm": Tr("Confirmer la dépense", "Confirm the "
                                                                               "expense"),
    "discard": Tr("Abandonner", "Discard"),
    "ocr_read": Tr("lu par OCR", "read by OCR"), "check": Tr("à vérifier", "please check"),
    "proposal": Tr("Vérifiez ce que l'OCR a lu", "Check what OCR read"),
    "proposal_help": Tr("Rien n'est enregistré avant votre confirmation : corrigez ce qui est "
                        "faux, puis confirmez.", "Nothing is saved before you confirm: correct "
                        "what is wrong, then confirm."),
    "start": Tr("Départ", "Start"), "end": Tr("Arrivée", "End"),
    "round_trip": Tr("Aller-retour", "Round trip"), "distance": Tr("Distance (km)",
                                                                   "Distance (km)"),
    "compute": Tr("Calculer la distance", "Compute the distance"),
    "vehicle": Tr("Véhicule", "Vehicle"), "cv": Tr("Puissance fiscale (CV)",
                                                  "Fiscal horsepower (CV)"),
    "electric": Tr("Électrique (+20 %)", "Electric (+20 %)"),
    "allowance": Tr("Indemnité", "Allowance"),
    "submit": Tr("Soumettre la note", "Submit the report"),
    "approve": Tr("Approuver", "Approve"), "refuse": Tr("Refuser", "Refuse"),
    "pay": Tr("Marquer payée", "Mark paid"), "reason": Tr("Motif du refus", "Reason"),
    "history": Tr("Historique", "History"), "who": Tr("Qui", "Who"), "when": Tr("Quand",
                                                                                "When"),
    "field": Tr("Champ", "Field"), "change": Tr("Ancien → nouveau", "Old → new"),
    "export": Tr("Exporter (CSV)", "Export (CSV)"), "back": Tr("Notes de frais",
                                                               "Expense reports"),
    "samples": Tr("Justificatifs d'essai (bac à sable)", "Sample receipts (sandbox)"),
    "sample": Tr("Exemple", "Sample"), "delete": Tr("Supprimer", "Delete"),
    "typed_freely": Tr("Saisie libre des adresses (complétion Google désactivée).",
                       "Addresses typed freely (Google completion off)."),
    "places_help": Tr("Tapez l'adresse puis choisissez-la dans la liste.",
                      "Type the address, then pick it in the list."),
    "file_help": Tr("JPEG, PNG, HEIC ou PDF, 10 Mo au plus.", "JPEG, PNG, HEIC or PDF, 10 MB "
                                                               "at most."),
}
CATEGORIES = ("food", "gasoline", "parking", "toll", "accommodation", "transport", "telecom",
              "software", "shopping", "energy", "miscellaneous", "mileage")
SAMPLE_COUNT = 4


def _sandboxed(request: Request) -> bool:
    """Sample receipts are offered when OCR or Google points at a loopback host (the
    sandbox's simulators)."""
    hub = hub_of(request)
    for interface in ("ocr", "google"):
        host = urlsplit(str(hub.values(interface).get("url") or "")).hostname or ""
        if host in ("127.0.0.1", "localhost", "::1"):
            return True
    return False


def _error_page(request: Request, error: ExpenseRefused) -> Response:
    return render(request, "message.html", error.status, message=error.message)


@router.get("/expenses")
def listing(request: Request, state: str = "", account: Account = Depends(any_account)) -> Response:
    hub = hub_of(request)
    rows = service.reports(hub, account, state or None)
    today = date.today()
    first = today.replace(day=1)
    last = (first + timedelta(days=32)).replace(day=1) - timedelta(days=1)
    totals = {r.id: service.total_of(service.expenses_of(hub, r.id)) for r in rows}
    return render(request, "expenses_list.html", rows=rows, totals=totals, L=L,
                  states=STATE_LABELS, state=state, first=first, last=last,
                  companies=hub.accounts.companies(), staff=service.is_staff(account))


@router.post("/expenses/new", dependencies=[Depends(check_csrf)])
async def create(request: Request, account: Account = Depends(any_account)) -> Response:
    form = await request.form()
    try:
        data = ReportData.model_validate({
            "title": str(form.get("title", "")), "company": str(form.get("company", "")),
            "period_start": str(form.get("period_start", "")),
            "period_end": str(form.get("period_end", ""))})
        report = service.create_report(hub_of(request), account, data)
    except ExpenseRefused as error:
        return _error_page(request, error)
    except ValueError:
        return render(request, "message.html", 400, message=Tr(
            "Période invalide : deux dates, la fin après le début.",
            "Invalid period: two dates, the end after the start."))
    return RedirectResponse(f"/expenses/{report.id}", 303)


def _report_page(request: Request, account: Account, report_id: RowId, status_code: int = 200,
                 error: Tr | None = None, **context: Any) -> Response:
    hub = hub_of(request)
    try:
        report = service.get_report(hub, account, report_id)
    except ExpenseRefused as refused:
        return _error_page(request, refused)
    expenses = service.expenses_of(hub, report_id)
    google = hub.values("google")
    return render(request, "expenses_report.html", status_code, report=report,
                  expenses=expenses, total=service.total_of(expenses),
                  history=service.history_of(hub, report_id), L=L, states=STATE_LABELS,
                  editable=report.state in service.EDITABLE
                  and (report.employee == account.login or service.may_decide(account)),
                  decider=service.may_decide(account), error=error,
                  places=bool(google.get("places_enabled")),
                  distance=bool(google.get("places_enabled") and google.get("distance_enabled")),
                  vehicles=VEHICLE_LABELS, categories=CATEGORIES, today=date.today(),
                  samples=range(SAMPLE_COUNT) if _sandboxed(request) else (), **context)


@router.get("/expenses/{report_id}")
def report_page(report_id: RowId, request: Request,
                account: Account = Depends(any_account)) -> Response:
    return _report_page(request, account, report_id)


@router.post("/expenses/{report_id}/receipt", dependencies=[Depends(check_csrf)])
async def upload(report_id: RowId, request: Request,
                 account: Account = Depends(any_account)) -> Response:
    form = await request.form()
    upload_file = form.get("file")
    if upload_file is None or isinstance(upload_file, str):
        return _report_page(request, account, report_id, 400, Tr(
            "Choisissez un fichier.", "Choose a file."))
    content = await upload_file.read(10 * 1024 * 1024 + 1)
    try:
        proposal = service.propose(hub_of(request), account, report_id, content,
                                   upload_file.filename or "receipt",
                                   upload_file.content_type or "application/octet-stream")
    except ExpenseRefused as error:
        return _report_page(request, account, report_id, error.status, error.message)
    return RedirectResponse(f"/expenses/proposals/{proposal.id}", 303)


@router.get("/expenses/samples/{index}")
def sample_receipt(index: int, request: Request,
                   account: Account = Depends(any_account)) -> Response:
    from raccord.interfaces.ocr.receipts import sample

    if not _sandboxed(request) or not 0 <= index < SAMPLE_COUNT:
        return render(request, "message.html", 404, message=service.NOT_FOUND)
    content, _, content_type = sample(index)
    return Response(content, media_type=content_type, headers={
        "Content-Disposition": content_disposition(f"receipt-sample-{index + 1}.jpg")})


@router.get("/expenses/proposals/{proposal_id}")
def proposal_page(proposal_id: RowId, request: Request,
                  account: Account = Depends(any_account)) -> Response:
    try:
        proposal = service.get_proposal(hub_of(request), account, proposal_id)
    except ExpenseRefused as error:
        return _error_page(request, error)
    return render(request, "expenses_proposal.html", proposal=proposal, p=proposal.reading,
                  L=L, categories=CATEGORIES)


@router.get("/expenses/proposals/{proposal_id}/file")
def proposal_file(proposal_id: RowId, request: Request,
                  account: Account = Depends(any_account)) -> Response:
    try:
        proposal = service.get_proposal(hub_of(request), account, proposal_id)
    except ExpenseRefused as error:
        return _error_page(request, error)
    return Response(proposal.content, media_type=proposal.content_type,
                    headers={"Content-Security-Policy": "default-src 'none'"})


def _decimal(text: Any) -> Decimal | None:
    raw = str(text or "").strip().replace(" ", "").replace(",", ".").replace("€", "")
    if not raw:
        return None
    try:
        return Decimal(raw)
    except InvalidOperation:
        raise ExpenseRefused(Tr(f"Montant illisible « {text} ».",
                                f"Unreadable amount '{text}'.")) from None


def _receipt_data(form: Any) -> ExpenseData:
    vat = []
    for i in range(4):
        rate, amount = _decimal(form.get(f"vat_rate_{i}")), _decimal(form.get(f"vat_amount_{i}"))
        if rate is not None and amount is not None:
            vat.append(VatLine(rate=rate, amount=amount, base=_decimal(form.get(f"vat_base_{i}"))))
    try:
        return ExpenseData.model_validate({
            "kind": "receipt", "spent_on": str(form.get("spent_on", "")),
            "merchant": str(form.get("merchant", "")).strip(),
            "category": str(form.get("category", "")),
            "amount_incl_tax": _decimal(form.get("amount_incl_tax")),
            "amount_excl_tax": _decimal(form.get("amount_excl_tax")), "vat": vat,
            "currency": str(form.get("currency") or "EUR").upper(),
            "siret": str(form.get("siret", "")).replace(" ", "")})
    except ValueError:
        raise ExpenseRefused(Tr("Date ou devise invalide.", "Invalid date or currency.")) \
            from None


@router.post("/expenses/proposals/{proposal_id}", dependencies=[Depends(check_csrf)])
async def confirm(proposal_id: RowId, request: Request,
                  account: Account = Depends(any_account)) -> Response:
    hub = hub_of(request)
    form = await request.form()
    try:
        proposal = service.get_proposal(hub, account, proposal_id)
        if form.get("action") == "discard":
            service.discard(hub, account, proposal_id)
            return RedirectResponse(f"/expenses/{proposal.report_id}", 303)
        service.confirm(hub, account, proposal_id, _receipt_data(form))
    except ExpenseRefused as error:
        if error.status == 404:
            return _error_page(request, error)
        return render(request, "expenses_proposal.html", error.status, proposal=proposal,
                      p=proposal.reading, L=L, categories=CATEGORIES, error=error.message)
    return RedirectResponse(f"/expenses/{proposal.report_id}", 303)


@router.post("/expenses/{report_id}/expense", dependencies=[Depends(check_csrf)])
async def add_manual(report_id: RowId, request: Request,
                     account: Account = Depends(any_account)) -> Response:
    form = await request.form()
    try:
        service.add_expense(hub_of(request), account, report_id, _receipt_data(form))
    except ExpenseRefused as error:
        return _report_page(request, account, report_id, error.status, error.message)
    return RedirectResponse(f"/expenses/{report_id}", 303)


@router.post("/expenses/{report_id}/trip", dependencies=[Depends(check_csrf)])
async def add_trip(report_id: RowId, request: Request,
                   account: Account = Depends(any_account)) -> Response:
    hub = hub_of(request)
    form = await request.form()
    start, end = str(form.get("trip_from", "")).strip(), str(form.get("trip_to", "")).strip()
    round_trip = bool(form.get("round_trip"))
    try:
        typed_km = _decimal(form.get("distance_km"))
        computed = _decimal(form.get("computed_km"))
        google = hub.values("google")
        if typed_km is None and google.get("places_enabled") and google.get("distance_enabled"):
            computed = service.measure_trip(hub, start, end, round_trip)
        cv = str(form.get("fiscal_cv", "")).strip()
        data = ExpenseData.model_validate({
            "kind": "trip", "spent_on": str(form.get("spent_on", "")), "trip_from": start,
            "trip_to": end, "round_trip": round_trip,
            "distance_km": typed_km if typed_km is not None else computed,
            "computed_km": computed, "vehicle": str(form.get("vehicle", "car")),
            "fiscal_cv": int(cv) if cv.isdigit() else None,
            "electric": bool(form.get("electric"))})
        service.add_expense(hub, account, report_id, data)
    except ExpenseRefused as error:
        return _report_page(request, account, report_id, error.status, error.message)
    except ValueError:
        return _report_page(request, account, report_id, 400, Tr(
            "Date invalide.", "Invalid date."))
    return RedirectResponse(f"/expenses/{report_id}", 303)


@router.post("/expenses/{report_id}/expenses/{expense_id}/delete",
             dependencies=[Depends(check_csrf)])
def delete(report_id: RowId, expense_id: RowId, request: Request,
           account: Account = Depends(any_account)) -> Response:
    try:
        service.delete_expense(hub_of(request), account, expense_id)
    except ExpenseRefused as error:
        return _report_page(request, account, report_id, error.status, error.message)
    return RedirectResponse(f"/expenses/{report_id}", 303)


@router.post("/expenses/{report_id}/move/{action}", dependencies=[Depends(check_csrf)])
async def move(report_id: RowId, action: str, request: Request,
               account: Account = Depends(any_account)) -> Response:
    form = await request.form()
    if action not in service.MOVES:
        return render(request, "message.html", 404, message=service.NOT_FOUND)
    try:
        service.move(hub_of(request), account, report_id, action, str(form.get("reason", "")))
    except ExpenseRefused as error:
        return _report_page(request, account, report_id, error.status, error.message)
    return RedirectResponse(f"/expenses/{report_id}", 303)


@router.get("/expenses/{report_id}/export.csv")
def export(report_id: RowId, request: Request, account: Account = Depends(any_account)) -> Response:
    hub = hub_of(request)
    try:
        report = service.get_report(hub, account, report_id)
    except ExpenseRefused as error:
        return _error_page(request, error)
    return Response(service.export_csv(hub, [report]), media_type="text/csv; charset=utf-8",
                    headers={"Content-Disposition":
                             content_disposition(f"expense-report-{report_id}.csv")})


@router.get("/expenses/{report_id}/receipts/{expense_id}")
def receipt_file(report_id: RowId, expense_id: RowId, request: Request,
                 account: Account = Depends(any_account)) -> Response:
    hub = hub_of(request)
    try:
        service.get_report(hub, account, report_id)
    except ExpenseRefused as error:
        return _error_page(request, error)
    found = [e for e in service.expenses_of(hub, report_id) if e.id == expense_id and e.receipt]
    if not found:
        return render(request, "message.html", 404, message=service.NOT_FOUND)
    return Response(found[0].receipt or b"", media_type=found[0].receipt_type,
                    headers={"Content-Security-Policy": "default-src 'none'"})


__all__ = ["router", "ReportState"]
