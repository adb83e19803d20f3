"""Expense reports and their expenses: who may see and change what, the states (draft →
submitted → approved or refused → paid), the history of every field, the OCR proposal that
becomes an expense only once the employee confirms it, and trips priced on the fiscal scale."""

from __future__ import annotations

import csv
import io
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, Field, field_validator
from sqlalchemy import extract

from raccord.core import webhooks
from raccord.core.accounts import Account
from raccord.core.diagnosis import ServiceError
from raccord.core.i18n import Tr
from raccord.core.roles import Role, at_least
from raccord.features.expenses import mileage
from raccord.features.expenses.models import (
    Expense,
    ExpenseChange,
    ExpenseReport,
    ReceiptProposal,
    ReportState,
)
from raccord.interfaces.google.client import distance_km, for_employee
from raccord.interfaces.ocr.client import read_receipt
from raccord.interfaces.ocr.reading import ReceiptReading

if TYPE_CHECKING:
    from raccord.core.hub import Hub

NOTIFIED_BY = "ocr"  # the interface whose webhook_url hears of state changes
OCR_FALLBACK_ACTOR = "ocr"
# The fields an OCR reading proposes, as the expense calls them.
OCR_FIELDS = ("spent_on", "merchant", "category", "amount_incl_tax", "amount_excl_tax", "vat",
              "currency", "siret")
TRACKED = (*OCR_FIELDS, "kind", "trip_from", "trip_to", "round_trip", "distance_km",
           "computed_km", "vehicle", "fiscal_cv", "electric", "allowance", "receipt_name")
EDITABLE = (ReportState.DRAFT.value, ReportState.REFUSED.value)


class ExpenseRefused(Exception):
    def __init__(self, message: Tr, status: int = 400, reason: str = "refused") -> None:
        super().__init__(message.en)
        self.message, self.status, self.reason = message, status, reason


NOT_FOUND = Tr("Note de frais introuvable.", "Expense report not found.")
# What the columns hold (NUMERIC(12,2) amounts, NUMERIC(10,1) distances): beyond, the value
# is refused (422) before any sum or rounding overflows.
MAX_AMOUNT = Decimal("9999999999.99")
MAX_KM = Decimal("1000000")
MAX_CV = 999


class VatLine(BaseModel):
    rate: Decimal = Field(ge=0, le=100)
    amount: Decimal | None = Field(None, ge=-MAX_AMOUNT, le=MAX_AMOUNT)
    base: Decimal | None = Field(None, ge=-MAX_AMOUNT, le=MAX_AMOUNT)


class ExpenseData(BaseModel):
    """An expense as typed or confirmed: a receipt, or a trip (`kind="trip"`)."""

    kind: str = "receipt"
    spent_on: date
    merchant: str = Field("", max_length=200)
    category: str = Field("", max_length=40)
    amount_incl_tax: Decimal | None = Field(None, ge=-MAX_AMOUNT, le=MAX_AMOUNT)
    amount_excl_tax: Decimal | None = Field(None, ge=-MAX_AMOUNT, le=MAX_AMOUNT)
    vat: list[VatLine] = []
    currency: str = Field("EUR", min_length=3, max_length=3)
    siret: str = Field("", max_length=14)
    trip_from: str = Field("", max_length=300)
    trip_to: str = Field("", max_length=300)
    round_trip: bool = False
    distance_km: Decimal | None = Field(None, ge=-MAX_KM, le=MAX_KM)
    computed_km: Decimal | None = Field(None, ge=-MAX_KM, le=MAX_KM)
    vehicle: str = Field("car", max_length=10)
    fiscal_cv: int | None = Field(None, ge=-MAX_CV, le=MAX_CV)
    electric: bool = False

    @field_validator("kind")
    @classmethod
    def _kind(cls, value: str) -> str:
        if value not in ("receipt", "trip"):
            raise ValueError("kind is receipt or trip")
        return value


class ReportData(BaseModel):
    employee: str | None = None
    company: str = Field("", max_length=40)
    title: str = Field("", max_length=200)
    period_start: date
    period_end: date


# -- who may do what ----------------------------------------------------------------------------
def is_staff(account: Account) -> bool:
    return account.role is not Role.EMPLOYEE


def may_decide(account: Account) -> bool:
    return at_least(account.role, Role.ADMINISTRATOR)


def _visible(account: Account, report: ExpenseReport) -> bool:
    return is_staff(account) or report.employee == account.login


def _owner_or_admin(account: Account, report: ExpenseReport) -> None:
    if report.employee != account.login and not may_decide(account):
        raise ExpenseRefused(Tr("Seul le collaborateur ou un administrateur modifie cette note.",
                                "Only the employee or an administrator changes this report."),
                             403, "forbidden")


def _editable(report: ExpenseReport) -> None:
    if report.state not in EDITABLE:
        raise ExpenseRefused(Tr("La note n'est plus modifiable (déjà soumise ou traitée).",
                                "The report can no longer be changed (already submitted or "
                                "handled)."), 409, "state")


# -- history --------------------------------------------------------------------------------------
MONEY_FIELDS = ("amount_incl_tax", "amount_excl_tax", "allowance")
KM_FIELDS = ("distance_km", "computed_km")


def text_of(value: Any, field: str = "") -> str | None:
    """A value as the history writes it: money with 2 decimals, kilometres with 1."""
    if value is None or value == "" or value == []:
        return None
    if field in MONEY_FIELDS or field in KM_FIELDS:
        try:
            return f"{Decimal(str(value)):.{2 if field in MONEY_FIELDS else 1}f}"
        except InvalidOperation:
            return str(value)
    if isinstance(value, list):
        return "; ".join(f"{v['rate']}%: {_plain(v.get('amount'))}" for v in value)
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, date):
        return value.isoformat()
    return _plain(value)


def _plain(value: Any) -> str:
    if isinstance(value, Decimal | float):
        return f"{Decimal(str(value)):.2f}"
    if isinstance(value, str):
        try:
            return f"{Decimal(value):.2f}" if "." in value else value
        except InvalidOperation:
            return value
    return "" if value is None else str(value)


def _log(session: Any, report_id: int, expense_id: int | None, actor: str, field: str,
         old: Any, new: Any) -> None:
    old_text, new_text = text_of(old, field), text_of(new, field)
    if old_text != new_text:
        session.add(ExpenseChange(report_id=report_id, expense_id=expense_id, actor=actor,
                                  field=field, old=old_text, new=new_text))


# -- reports --------------------------------------------------------------------------------------
def create_report(hub: Hub, account: Account, data: ReportData) -> ExpenseReport:
    employee = data.employee or account.login
    if employee != account.login and not may_decide(account):
        raise ExpenseRefused(Tr("Vous ne pouvez créer une note que pour vous-même.",
                                "You may only create a report for yourself."), 403, "forbidden")
    if hub.accounts.get(employee) is None:
        raise ExpenseRefused(Tr(f"Compte inconnu « {employee} ».",
                                f"Unknown account '{employee}'."), 400, "employee")
    if data.period_end < data.period_start:
        raise ExpenseRefused(Tr("La période finit avant de commencer.",
                                "The period ends before it starts."), 400, "period")
    with hub.db.session() as session:
        report = ExpenseReport(employee=employee, company=data.company, title=data.title,
                               period_start=data.period_start, period_end=data.period_end)
        session.add(report)
        session.flush()
        _log(session, report.id, None, account.login, "state", None, report.state)
        session.expunge(report)
    return report


def reports(hub: Hub, account: Account, state: str | None = None,
            employee: str | None = None) -> list[ExpenseReport]:
    with hub.db.session() as session:
        query = session.query(ExpenseReport)
        if not is_staff(account):
            query = query.filter(ExpenseReport.employee == account.login)
        elif employee:
            query = query.filter(ExpenseReport.employee == employee)
        if state:
            query = query.filter(ExpenseReport.state == state)
        rows = query.order_by(ExpenseReport.id.desc()).limit(1000).all()
        session.expunge_all()
    return rows


def get_report(hub: Hub, account: Account, report_id: int) -> ExpenseReport:
    """The report, or "not found" for one the account may not see (it learns nothing)."""
    with hub.db.session() as session:
        report = session.get(ExpenseReport, report_id)
        if report is None or not _visible(account, report):
            raise ExpenseRefused(NOT_FOUND, 404, "not_found")
        session.expunge(report)
    return report


def expenses_of(hub: Hub, report_id: int) -> list[Expense]:
    with hub.db.session() as session:
        rows = (session.query(Expense).filter(Expense.report_id == report_id)
                .order_by(Expense.spent_on, Expense.id).all())
        session.expunge_all()
    return rows


def history_of(hub: Hub, report_id: int) -> list[ExpenseChange]:
    with hub.db.session() as session:
        rows = (session.query(ExpenseChange).filter(ExpenseChange.report_id == report_id)
                .order_by(ExpenseChange.id).all())
        session.expunge_all()
    return rows


def total_of(expenses: list[Expense]) -> Decimal:
    return sum((e.amount_incl_tax for e in expenses), Decimal("0.00"))


# -- expenses -------------------------------------------------------------------------------------
def _values(data: ExpenseData) -> dict[str, Any]:
    values = data.model_dump()
    values["vat"] = [{"rate": str(v.rate), "amount": None if v.amount is None else str(v.amount),
                      "base": None if v.base is None else str(v.base)} for v in data.vat]
    return values


def km_so_far(session: Any, employee: str, year: int, vehicle: str,
              exclude: int | None = None) -> Decimal:
    """The employee's distance already claimed this year (refused reports do not count)."""
    query = (session.query(Expense).join(ExpenseReport, Expense.report_id == ExpenseReport.id)
             .filter(ExpenseReport.employee == employee,
                     ExpenseReport.state != ReportState.REFUSED.value,
                     Expense.kind == "trip", Expense.vehicle == vehicle,
                     extract("year", Expense.spent_on) == year))
    if exclude is not None:
        query = query.filter(Expense.id != exclude)
    return sum((e.distance_km or Decimal("0") for e in query.all()), Decimal("0"))


def _price_trip(hub: Hub, session: Any, employee: str, values: dict[str, Any],
                exclude: int | None = None) -> None:
    if values.get("distance_km") is None or not values.get("fiscal_cv"):
        raise ExpenseRefused(Tr("Un trajet demande sa distance et la puissance fiscale du "
                                "véhicule.", "A trip needs its distance and the vehicle's "
                                "fiscal horsepower."), 400, "trip")
    km = Decimal(str(values["distance_km"]))
    spent_on: date = values["spent_on"]
    scale = mileage.scale_for(hub, spent_on.year)
    before = km_so_far(session, employee, spent_on.year, values["vehicle"], exclude)
    try:
        allowance = mileage.trip_allowance(scale, values["vehicle"], int(values["fiscal_cv"]),
                                           before, km, bool(values.get("electric")))
    except mileage.ScaleRefused as error:
        raise ExpenseRefused(error.message, 400, "trip") from None
    values["allowance"] = allowance
    values["amount_incl_tax"] = allowance
    values["amount_excl_tax"] = allowance
    values["vat"] = []
    values["category"] = values.get("category") or "mileage"
    values["merchant"] = values.get("merchant") or (
        f"{values.get('trip_from', '')} → {values.get('trip_to', '')}")[:200]


def _check_amount(values: dict[str, Any]) -> None:
    if values.get("amount_incl_tax") is None or Decimal(str(values["amount_incl_tax"])) < 0:
        raise ExpenseRefused(Tr("Montant TTC manquant ou négatif.",
                                "Amount incl. tax missing or negative."), 400, "amount")


def add_expense(hub: Hub, account: Account, report_id: int, data: ExpenseData,
                receipt: tuple[str, str, bytes] | None = None,
                ocr: tuple[str, dict[str, Any], str] | None = None) -> Expense:
    """Save an expense typed (or confirmed) by the employee. With `ocr` (provider, what it
    proposed, the technical user), the history shows the OCR's values under the technical
    user, then each correction under the employee."""
    report = get_report(hub, account, report_id)
    _owner_or_admin(account, report)
    _editable(report)
    values = _values(data)
    with hub.db.session() as session:
        if values["kind"] == "trip":
            _price_trip(hub, session, report.employee, values)
        _check_amount(values)
        stored = {k: v for k, v in values.items() if hasattr(Expense, k)}
        expense = Expense(report_id=report_id, **stored)
        if receipt is not None:
            expense.receipt_name, expense.receipt_type, expense.receipt = receipt
        if ocr is not None:
            expense.ocr_provider = ocr[0]
        session.add(expense)
        session.flush()
        proposed = ocr[1] if ocr is not None else {}
        for field in TRACKED:
            new = getattr(expense, field)
            if field in proposed and proposed[field] not in (None, "", []):
                _log(session, report_id, expense.id, ocr[2] if ocr else "", field, None,
                     proposed[field])
                _log(session, report_id, expense.id, account.login, field, proposed[field], new)
            else:
                _log(session, report_id, expense.id, account.login, field, None, new)
        session.expunge(expense)
    return expense


def update_expense(hub: Hub, account: Account, expense_id: int,
                   changes: dict[str, Any]) -> Expense:
    with hub.db.session() as session:
        expense = session.get(Expense, expense_id)
        if expense is None:
            raise ExpenseRefused(NOT_FOUND, 404, "not_found")
        report_id = expense.report_id
    report = get_report(hub, account, report_id)
    _owner_or_admin(account, report)
    _editable(report)
    with hub.db.session() as session:
        expense = session.get(Expense, expense_id)
        assert expense is not None
        current = {k: getattr(expense, k) for k in ExpenseData.model_fields}
        current["vat"] = [VatLine(**v) for v in expense.vat or []]
        merged = ExpenseData.model_validate({**current, **changes})
        values = _values(merged)
        if values["kind"] == "trip":
            _price_trip(hub, session, report.employee, values, exclude=expense_id)
        _check_amount(values)
        for field in TRACKED:
            if field in values:
                _log(session, report_id, expense_id, account.login, field,
                     getattr(expense, field), values[field])
                setattr(expense, field, values[field])
        session.flush()
        session.expunge(expense)
    return expense


def delete_expense(hub: Hub, account: Account, expense_id: int) -> None:
    with hub.db.session() as session:
        expense = session.get(Expense, expense_id)
        if expense is None:
            raise ExpenseRefused(NOT_FOUND, 404, "not_found")
        report_id = expense.report_id
    report = get_report(hub, account, report_id)
    _owner_or_admin(account, report)
    _editable(report)
    with hub.db.session() as session:
        expense = session.get(Expense, expense_id)
        if expense is not None:
            _log(session, report_id, expense_id, account.login, "deleted",
                 f"{expense.spent_on} {expense.merchant} {expense.amount_incl_tax}", None)
            session.delete(expense)


def measure_trip(hub: Hub, origin: str, destination: str, round_trip: bool) -> Decimal:
    """The road distance (both ways on request). Raises ExpenseRefused in the employee's
    words when Google cannot say (or Places and Distance Matrix are not both on)."""
    try:
        km = Decimal(str(distance_km(hub, origin, destination)))
    except ServiceError as error:
        raise ExpenseRefused(for_employee(error), 422, "distance") from None
    return km * 2 if round_trip else km


# -- OCR proposals -------------------------------------------------------------------------------
def proposal_values(reading: ReceiptReading) -> dict[str, Any]:
    """An OCR reading as the expense's fields (what the employee is asked to confirm)."""
    return {
        "spent_on": reading.date.isoformat() if reading.date else None,
        "merchant": reading.merchant, "category": reading.category,
        "amount_incl_tax": None if reading.total_incl_tax is None else str(reading.total_incl_tax),
        "amount_excl_tax": None if reading.total_excl_tax is None else str(reading.total_excl_tax),
        "vat": [{"rate": str(v.rate), "amount": None if v.amount is None else str(v.amount),
                 "base": None if v.base is None else str(v.base)} for v in reading.vat],
        "currency": reading.currency, "siret": reading.siret,
        "confidence": {"spent_on": reading.confidence.get("date", 0.0),
                       "merchant": reading.confidence.get("merchant", 0.0),
                       "category": reading.confidence.get("category", 0.0),
                       "amount_incl_tax": reading.confidence.get("total_incl_tax", 0.0),
                       "amount_excl_tax": reading.confidence.get("total_excl_tax", 0.0),
                       "vat": reading.confidence.get("vat", 0.0),
                       "currency": reading.confidence.get("currency", 0.0),
                       "siret": reading.confidence.get("siret", 0.0)},
    }


def propose(hub: Hub, account: Account, report_id: int, content: bytes, filename: str,
            content_type: str, provider: str | None = None) -> ReceiptProposal:
    """Read an uploaded receipt and keep what OCR proposes, for the employee to confirm.
    A file that cannot be read changes nothing and says why."""
    report = get_report(hub, account, report_id)
    _owner_or_admin(account, report)
    _editable(report)
    try:
        reading = read_receipt(hub, content, filename, content_type, provider)
    except ServiceError as error:
        raise ExpenseRefused(error.diagnosis.message, 422, "ocr") from None
    with hub.db.session() as session:
        proposal = ReceiptProposal(report_id=report_id, employee=account.login,
                                   provider=reading.provider, reading=proposal_values(reading),
                                   filename=filename[:200], content_type=content_type[:80],
                                   content=content)
        session.add(proposal)
        session.flush()
        session.expunge(proposal)
    return proposal


def get_proposal(hub: Hub, account: Account, proposal_id: int) -> ReceiptProposal:
    with hub.db.session() as session:
        proposal = session.get(ReceiptProposal, proposal_id)
        if proposal is not None:
            session.expunge(proposal)
    if proposal is None:
        raise ExpenseRefused(NOT_FOUND, 404, "not_found")
    get_report(hub, account, proposal.report_id)  # the same visibility as its report
    return proposal


def confirm(hub: Hub, account: Account, proposal_id: int, data: ExpenseData) -> Expense:
    """The employee's confirmation (maybe corrected) of an OCR proposal: now an expense."""
    proposal = get_proposal(hub, account, proposal_id)
    proposed = {k: v for k, v in proposal.reading.items() if k != "confidence"}
    if proposed.get("spent_on"):
        proposed["spent_on"] = date.fromisoformat(proposed["spent_on"])
    for key in ("amount_incl_tax", "amount_excl_tax"):
        if proposed.get(key) is not None:
            proposed[key] = Decimal(proposed[key])
    technical = str(hub.values("ocr").get("technical_user") or OCR_FALLBACK_ACTOR)
    expense = add_expense(hub, account, proposal.report_id, data,
                          receipt=(proposal.filename, proposal.content_type, proposal.content),
                          ocr=(proposal.provider, proposed, technical))
    with hub.db.session() as session:
        row = session.get(ReceiptProposal, proposal_id)
        if row is not None:
            session.delete(row)
    return expense


def discard(hub: Hub, account: Account, proposal_id: int) -> None:
    get_proposal(hub, account, proposal_id)
    with hub.db.session() as session:
        row = session.get(ReceiptProposal, proposal_id)
        if row is not None:
            session.delete(row)


# -- states ---------------------------------------------------------------------------------------
MOVES = {
    "submit": ((ReportState.DRAFT, ReportState.REFUSED), ReportState.SUBMITTED),
    "approve": ((ReportState.SUBMITTED,), ReportState.APPROVED),
    "refuse": ((ReportState.SUBMITTED,), ReportState.REFUSED),
    "pay": ((ReportState.APPROVED,), ReportState.PAID),
}


def move(hub: Hub, account: Account, report_id: int, action: str,
         reason: str = "") -> ExpenseReport:
    report = get_report(hub, account, report_id)
    sources, target = MOVES[action]
    if action == "submit":
        _owner_or_admin(account, report)
        if not expenses_of(hub, report_id):
            raise ExpenseRefused(Tr("Ajoutez au moins une dépense avant de soumettre.",
                                    "Add at least one expense before submitting."), 409,
                                 "empty")
    elif not may_decide(account):
        raise ExpenseRefused(Tr("Seul un administrateur approuve, refuse ou paie une note.",
                                "Only an administrator approves, refuses or pays a report."),
                             403, "forbidden")
    if action == "refuse" and not reason.strip():
        raise ExpenseRefused(Tr("Dites au collaborateur pourquoi la note est refusée.",
                                "Tell the employee why the report is refused."), 400, "reason")
    with hub.db.session() as session:
        row = session.get(ExpenseReport, report_id)
        assert row is not None
        if ReportState(row.state) not in sources:
            raise ExpenseRefused(Tr(
                f"Impossible depuis l'état « {row.state} ».",
                f"Not possible from the state '{row.state}'."), 409, "state")
        _log(session, report_id, None, account.login, "state", row.state, target.value)
        if action == "refuse":
            _log(session, report_id, None, account.login, "refusal_reason",
                 row.refusal_reason, reason.strip())
            row.refusal_reason = reason.strip()
        row.state = target.value
        session.flush()
        session.expunge(row)
    webhooks.notify(hub, NOTIFIED_BY, f"expense_report.{target.value}",
                    report_dict(hub, row, with_expenses=False))
    return row


# -- views ----------------------------------------------------------------------------------------
def expense_dict(expense: Expense) -> dict[str, Any]:
    return {
        "id": expense.id, "kind": expense.kind, "date": expense.spent_on.isoformat(),
        "merchant": expense.merchant, "category": expense.category,
        "amount_incl_tax": _money(expense.amount_incl_tax),
        "amount_excl_tax": _money(expense.amount_excl_tax), "vat": expense.vat or [],
        "currency": expense.currency, "siret": expense.siret,
        "receipt": expense.receipt_name or None, "ocr_provider": expense.ocr_provider or None,
        "trip": None if expense.kind != "trip" else {
            "from": expense.trip_from, "to": expense.trip_to, "round_trip": expense.round_trip,
            "distance_km": _money(expense.distance_km),
            "computed_km": _money(expense.computed_km), "vehicle": expense.vehicle,
            "fiscal_cv": expense.fiscal_cv, "electric": expense.electric,
            "allowance": _money(expense.allowance)},
    }


def _money(value: Decimal | None) -> str | None:
    return None if value is None else str(value)


def report_dict(hub: Hub, report: ExpenseReport, with_expenses: bool = True) -> dict[str, Any]:
    expenses = expenses_of(hub, report.id)
    data: dict[str, Any] = {
        "id": report.id, "employee": report.employee, "company": report.company,
        "title": report.title, "period_start": report.period_start.isoformat(),
        "period_end": report.period_end.isoformat(), "state": report.state,
        "refusal_reason": report.refusal_reason or None,
        "total_incl_tax": str(total_of(expenses)), "expense_count": len(expenses),
    }
    if with_expenses:
        data["expenses"] = [expense_dict(e) for e in expenses]
        data["history"] = [{"at": c.at.isoformat(), "actor": c.actor, "expense_id": c.expense_id,
                            "field": c.field, "old": c.old, "new": c.new}
                           for c in history_of(hub, report.id)]
    return data


EXPORT_COLUMNS = ("report_id", "employee", "company", "state", "expense_id", "kind", "date",
                  "merchant", "category", "amount_incl_tax", "amount_excl_tax", "vat_20",
                  "vat_10", "vat_5_5", "vat_other", "currency", "distance_km", "fiscal_cv",
                  "electric", "allowance")


def export_csv(hub: Hub, rows: list[ExpenseReport]) -> str:
    """One line per expense, VAT by rate, `;`-separated as French spreadsheets expect."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";")
    writer.writerow(EXPORT_COLUMNS)
    for report in rows:
        for e in expenses_of(hub, report.id):
            by_rate = {"20": Decimal("0"), "10": Decimal("0"), "5.5": Decimal("0"),
                       "other": Decimal("0")}
            for v in e.vat or []:
                try:
                    rate = str(Decimal(v["rate"]).normalize())
                    amount = Decimal(v.get("amount") or "0")
                except (InvalidOperation, KeyError, TypeError):
                    continue
                by_rate[rate if rate in by_rate else "other"] += amount
            writer.writerow([report.id, report.employee, report.company, report.state, e.id,
                             e.kind, e.spent_on.isoformat(), e.merchant, e.category,
                             e.amount_incl_tax, e.amount_excl_tax or "", by_rate["20"],
                             by_rate["10"], by_rate["5.5"], by_rate["other"], e.currency,
                             e.distance_km or "", e.fiscal_cv or "",
                             "1" if e.electric else "", e.allowance or ""])
    return buffer.getvalue()
