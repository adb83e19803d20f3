"""Expense reports, their expenses, every change to them (who, when, field, old → new), the
OCR proposals waiting for the employee's confirmation, and the mileage scales per year."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    DateTime,
    ForeignKey,
    Integer,
    LargeBinary,
    Numeric,
    String,
    Text,
)
from sqlalchemy.orm import Mapped, mapped_column

from raccord.core.i18n import Tr
from raccord.core.models import Base, utcnow


class ReportState(StrEnum):
    DRAFT = "draft"
    SUBMITTED = "submitted"
    APPROVED = "approved"
    REFUSED = "refused"
    PAID = "paid"


STATE_LABELS = {
    ReportState.DRAFT: Tr("Brouillon", "Draft"),
    ReportState.SUBMITTED: Tr("Soumise", "Submitted"),
    ReportState.APPROVED: Tr("Approuvée", "Approved"),
    ReportState.REFUSED: Tr("Refusée", "Refused"),
    ReportState.PAID: Tr("Payée", "Paid"),
}


class ExpenseReport(Base):
    __tablename__ = "expense_reports"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    employee: Mapped[str] = mapped_column(String(120), index=True)
    company: Mapped[str] = mapped_column(String(40), default="")
    title: Mapped[str] = mapped_column(String(200), default="")
    period_start: Mapped[date] = mapped_column(Date)
    period_end: Mapped[date] = mapped_column(Date)
    state: Mapped[str] = mapped_column(String(20), index=True, default=ReportState.DRAFT.value)
    refusal_reason: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow,
                                                 onupdate=utcnow)


class Expense(Base):
    __tablename__ = "expenses"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("expense_reports.id"), index=True)
    kind: Mapped[str] = mapped_column(String(10), default="receipt")  # receipt | trip
    spent_on: Mapped[date] = mapped_column(Date)
    merchant: Mapped[str] = mapped_column(String(200), default="")
    category: Mapped[str] = mapped_column(String(40), default="")
    amount_incl_tax: Mapped[Decimal] = mapped_column(Numeric(12, 2))
    amount_excl_tax: Mapped[Decimal | None] = mapped_column(Numeric(12, 2), nullable=True)
    # [{"rate": "20", "amount": "1.70", "base": "8.50"}], rates in per cent
    vat: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    currency: Mapped[str] = mapped_column(String(3), default="EUR")
    siret: Mapped[str] = mapped_column(String(14), default="")
    receipt_name: Mapped[str] = mapped_column(String(200), default="")
    receipt_type: Mapped[str] = mapped_column(String(80), default="")
    receipt: Mapped[bytes | None] = mapped_column(LargeBinary, nullable=True)
    ocr_provider: Mapped[str] = mapped_column(String(20), default="")
    trip_from: Mapped[str] = mapped_column(String(300), default="")
    trip_to: Mapped[str] = mapped_column(String(300), default="")
    round_trip: Mapped[bool] = mapped_column(Boolean, default=False)
    distance_km: Mapped[Decimal | None] = mapped_column(Numeric(10, 1), nullable=True)
    computed_km: Mapped[Decimal | None] = mapped_column(Numeric(10, 1), nullable=True)
    vehicle: Mapped[str] = mapped_column(String(10), default="")  # car | moto | moped
    fiscal_cv: Mapped[int | None] = mapped_column(Integer, nullable=True)
    electric: Mapped[bool] = mapped_column(Boolean, default=False)
    allowance: Mapped[Decimal | None] = mapped_column(Numeric(12, 2), nullable=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class ExpenseChange(Base):
    """One line of history: a field of an expense (or the report's state) changed."""

    __tablename__ = "expense_history"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("expense_reports.id"), index=True)
    expense_id: Mapped[int | None] = mapped_column(Integer, nullable=True, index=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    actor: Mapped[str] = mapped_column(String(120))
    field: Mapped[str] = mapped_column(String(40))
    old: Mapped[str | None] = mapped_column(Text, nullable=True)
    new: Mapped[str | None] = mapped_column(Text, nullable=True)


class ReceiptProposal(Base):
    """What OCR read on an uploaded receipt, waiting for the employee to confirm or correct
    it: nothing becomes an expense before that."""

    __tablename__ = "expense_receipt_proposals"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("expense_reports.id"), index=True)
    employee: Mapped[str] = mapped_column(String(120))
    provider: Mapped[str] = mapped_column(String(20))
    reading: Mapped[dict[str, Any]] = mapped_column(JSON)
    filename: Mapped[str] = mapped_column(String(200))
    content_type: Mapped[str] = mapped_column(String(80))
    content: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class MileageScale(Base):
    """The operator's version of one year's fiscal scale (the shipped one otherwise)."""

    __tablename__ = "mileage_scales"
    year: Mapped[int] = mapped_column(Integer, primary_key=True)
    data: Mapped[dict[str, Any]] = mapped_column(JSON)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_by: Mapped[str] = mapped_column(String(120), default="")
