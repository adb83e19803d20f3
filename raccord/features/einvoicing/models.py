"""Tables of the e-invoicing feature: one row per invoice handed over by the ERP (its file, its
state and what the portal said), its history, and the cache of buyer structures."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    DateTime,
    ForeignKey,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from raccord.core.models import Base, utcnow


class EInvoice(Base):
    __tablename__ = "einvoices"
    __table_args__ = (UniqueConstraint("company_code", "number"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    company_code: Mapped[str] = mapped_column(String(40), index=True)
    number: Mapped[str] = mapped_column(String(120))
    state: Mapped[str] = mapped_column(String(20), index=True)
    # What the ERP sent ("json", "facturx", "ubl", "cii") and what is deposited.
    source: Mapped[str] = mapped_column(String(10))
    format: Mapped[str] = mapped_column(String(10))
    syntax: Mapped[str] = mapped_column(String(40))
    file_name: Mapped[str] = mapped_column(String(200))
    content: Mapped[bytes] = mapped_column(LargeBinary)
    data: Mapped[dict[str, Any]] = mapped_column(JSON)
    seller_siret: Mapped[str] = mapped_column(String(20), default="")
    buyer_siret: Mapped[str] = mapped_column(String(20), default="")
    buyer_name: Mapped[str] = mapped_column(String(200), default="")
    total_due: Mapped[str] = mapped_column(String(30), default="")
    currency: Mapped[str] = mapped_column(String(3), default="EUR")
    errors: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True),
                                                             nullable=True, index=True)
    attempt_started_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True),
                                                                nullable=True)
    # Why the invoice waits (quota spent, portal unavailable...), shown in the console.
    waiting_reason: Mapped[dict[str, str] | None] = mapped_column(JSON, nullable=True)
    flow_number: Mapped[str | None] = mapped_column(String(40), nullable=True, index=True)
    deposited_on: Mapped[str | None] = mapped_column(String(10), nullable=True)
    flow_state: Mapped[str | None] = mapped_column(String(60), nullable=True)
    portal_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    portal_status: Mapped[str | None] = mapped_column(String(60), nullable=True)
    portal_status_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True),
                                                              nullable=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow,
                                                 index=True)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    created_by: Mapped[str] = mapped_column(String(120), default="")


class EInvoiceEvent(Base):
    __tablename__ = "einvoice_events"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    invoice_id: Mapped[int] = mapped_column(ForeignKey("einvoices.id", ondelete="CASCADE"),
                                            index=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    actor: Mapped[str] = mapped_column(String(120))
    from_state: Mapped[str | None] = mapped_column(String(20), nullable=True)
    to_state: Mapped[str] = mapped_column(String(20))
    portal_status: Mapped[str | None] = mapped_column(String(60), nullable=True)
    # {"fr": ..., "en": ...}
    message: Mapped[dict[str, str] | None] = mapped_column(JSON, nullable=True)
    details: Mapped[dict[str, Any] | None] = mapped_column(JSON, nullable=True)


class BuyerStructure(Base):
    """A public buyer as the portal describes it, cached (its rules change rarely)."""

    __tablename__ = "einvoice_structures"
    siret: Mapped[str] = mapped_column(String(20), primary_key=True)
    found: Mapped[bool] = mapped_column(default=True)
    structure_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    name: Mapped[str] = mapped_column(String(200), default="")
    service_required: Mapped[bool] = mapped_column(default=False)
    engagement_required: Mapped[bool] = mapped_column(default=False)
    service_or_engagement: Mapped[bool] = mapped_column(default=False)
    # [{"id", "code", "name", "active", "engagement_required" (None until looked up)}]
    services: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    fetched_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class PortalCursor(Base):
    """Where the follow-up of a company's invoice statuses got to."""

    __tablename__ = "einvoice_cursors"
    company_code: Mapped[str] = mapped_column(String(40), primary_key=True)
    statuses_checked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True),
                                                                 nullable=True)
    note: Mapped[str | None] = mapped_column(Text, nullable=True)
