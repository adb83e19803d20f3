"""Prospects, customers and suppliers kept by raccord, with their identity as SIRENE gives it."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, Boolean, Date, DateTime, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from raccord.core.i18n import Tr
from raccord.core.models import Base, utcnow


class PartyKind(StrEnum):
    PROSPECT = "prospect"
    CUSTOMER = "customer"
    SUPPLIER = "supplier"


KIND_LABELS = {
    PartyKind.PROSPECT: Tr("Prospect", "Prospect"),
    PartyKind.CUSTOMER: Tr("Client", "Customer"),
    PartyKind.SUPPLIER: Tr("Fournisseur", "Supplier"),
}


class ThirdParty(Base):
    __tablename__ = "third_parties"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(20), index=True)
    name: Mapped[str] = mapped_column(String(200))
    trade_name: Mapped[str] = mapped_column(String(200), default="")
    address1: Mapped[str] = mapped_column(String(200), default="")
    address2: Mapped[str] = mapped_column(String(200), default="")
    address3: Mapped[str] = mapped_column(String(200), default="")
    postcode: Mapped[str] = mapped_column(String(20), default="")
    city: Mapped[str] = mapped_column(String(100), default="")
    # ISO 3166 code (FR), or the country's name when INSEE's code has no ISO equivalent here.
    country: Mapped[str] = mapped_column(String(60), default="FR")
    siren: Mapped[str | None] = mapped_column(String(9), nullable=True, index=True)
    siret: Mapped[str | None] = mapped_column(String(14), nullable=True, index=True)
    naf: Mapped[str] = mapped_column(String(10), default="")
    legal_form: Mapped[str] = mapped_column(String(10), default="")
    vat_number: Mapped[str] = mapped_column(String(20), default="")
    head_office: Mapped[bool | None] = mapped_column(Boolean, nullable=True)
    closed: Mapped[bool] = mapped_column(Boolean, default=False)
    closed_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    # What SIRENE said when the fields were last filled in: notes (fr/en), masked fields,
    # source (local copy, cache, API) and INSEE's last update of the record.
    sirene_info: Mapped[dict[str, Any] | None] = mapped_column(JSON, nullable=True)
    sirene_checked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True),
                                                               nullable=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow,
                                                 onupdate=utcnow)
    updated_by: Mapped[str] = mapped_column(String(120), default="")
