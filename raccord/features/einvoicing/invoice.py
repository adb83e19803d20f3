"""Structured invoice data following the EN 16931 semantic model (the part CHORUS PRO uses).

This is the JSON the ERP sends; each field names its business term (BT-n). Amounts are
decimals with two places; missing line amounts, VAT breakdown and totals are computed, given
ones are kept as sent so that validation can say where they do not add up."""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

CENT = Decimal("0.01")
CREDIT_NOTE_CODES = {"381", "261", "262", "296", "308", "396", "420", "458", "532"}


def money(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


class Model(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class Address(Model):
    line1: str = Field(default="", description="BT-35 / BT-50")
    line2: str = Field(default="", description="BT-36 / BT-51")
    postcode: str = Field(default="", description="BT-38 / BT-53")
    city: str = Field(default="", description="BT-37 / BT-52")
    country: str = Field(default="FR", description="BT-40 / BT-55, ISO 3166-1 alpha-2")


class Party(Model):
    name: str = Field(description="BT-27 / BT-44")
    siret: str = Field(default="", description="BT-30 / BT-47, legal registration (SIRET)")
    vat_id: str = Field(default="", description="BT-31 / BT-48")
    address: Address = Field(default_factory=lambda: Address())
    email: str = Field(default="", description="BT-34 / BT-49")


class Line(Model):
    id: str = Field(description="BT-126")
    name: str = Field(description="BT-153")
    quantity: Decimal = Field(description="BT-129")
    unit: str = Field(default="C62", description="BT-130, UN/ECE rec. 20 (C62 = one)")
    net_price: Decimal = Field(description="BT-146")
    net_amount: Decimal | None = Field(default=None, description="BT-131 (computed when absent)")
    vat_category: str = Field(default="S", description="BT-151, UNCL5305")
    vat_rate: Decimal = Field(default=Decimal("20"), description="BT-152, percent")
    note: str = Field(default="", description="BT-127")

    def computed_net(self) -> Decimal:
        return money(self.quantity * self.net_price)


class VatBreakdown(Model):
    category: str = Field(default="S", description="BT-118")
    rate: Decimal = Field(description="BT-119")
    taxable_amount: Decimal = Field(description="BT-116")
    tax_amount: Decimal = Field(description="BT-117")
    exemption_reason: str = Field(default="", description="BT-120")


class Totals(Model):
    line_total: Decimal = Field(description="BT-106")
    tax_basis: Decimal = Field(description="BT-109")
    tax_total: Decimal = Field(description="BT-110")
    grand_total: Decimal = Field(description="BT-112")
    prepaid: Decimal = Field(default=Decimal("0"), description="BT-113")
    due: Decimal = Field(description="BT-115")


class Payment(Model):
    means_code: str = Field(default="", description="BT-81, UNCL4461 (30 = credit transfer)")
    iban: str = Field(default="", description="BT-84")
    bic: str = Field(default="", description="BT-86")
    terms: str = Field(default="", description="BT-20")
    remittance: str = Field(default="", description="BT-83")


class InvoiceData(Model):
    number: str = Field(description="BT-1")
    type_code: str = Field(default="380", description="BT-3, UNCL1001 (380 invoice, 381 credit)")
    issue_date: date = Field(description="BT-2")
    due_date: date | None = Field(default=None, description="BT-9")
    currency: str = Field(default="EUR", description="BT-5")
    business_process: str = Field(default="A1", description="BT-23, billing frame A1..A25")
    buyer_reference: str = Field(default="", description="BT-10, the buyer's service code")
    purchase_order: str = Field(default="", description="BT-13, the engagement number (EJ)")
    contract: str = Field(default="", description="BT-12")
    preceding_invoice: str = Field(default="", description="BT-25")
    note: str = Field(default="", description="BT-22")
    seller: Party
    buyer: Party
    lines: list[Line] = Field(default_factory=list)
    vat_breakdown: list[VatBreakdown] = Field(default_factory=list)
    totals: Totals | None = None
    payment: Payment = Field(default_factory=lambda: Payment())

    @property
    def credit_note(self) -> bool:
        return self.type_code in CREDIT_NOTE_CODES

    def completed(self) -> InvoiceData:
        """A copy with every computable amount filled in (given ones untouched)."""
        data = self.model_copy(deep=True)
        for line in data.lines:
            if line.net_amount is None:
                line.net_amount = line.computed_net()
        if not data.vat_breakdown:
            data.vat_breakdown = computed_breakdown(data.lines)
        if data.totals is None:
            line_total = money(sum((ln.net_amount or Decimal(0) for ln in data.lines),
                                   Decimal(0)))
            tax = money(sum((v.tax_amount for v in data.vat_breakdown), Decimal(0)))
            data.totals = Totals(line_total=line_total, tax_basis=line_total, tax_total=tax,
                                 grand_total=line_total + tax, prepaid=Decimal(0),
                                 due=line_total + tax)
        return data

    def as_json(self) -> dict[str, Any]:
        return self.model_dump(mode="json")


def computed_breakdown(lines: list[Line]) -> list[VatBreakdown]:
    groups: dict[tuple[str, Decimal], Decimal] = defaultdict(Decimal)
    for line in lines:
        net = line.net_amount if line.net_amount is not None else line.computed_net()
        groups[(line.vat_category, line.vat_rate)] += net
    return [VatBreakdown(category=cat, rate=rate, taxable_amount=money(base),
                         tax_amount=money(base * rate / 100), exemption_reason="")
            for (cat, rate), base in sorted(groups.items())]
