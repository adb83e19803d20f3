"""Structured invoice data following the EN 16931 semantic model (the part CHORUS PRO uses).

This is the JSON the ERP sends; each field names its business term (BT-n). Amounts are
decimals with two places; missing line amounts, VAT breakdown and totals are computed, given
ones are kept as sent so that validation can say where they do not add up."""

from __future__ import annotations

import re
from collections import defaultdict
from datetime import date
from datetime import date as Day
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
    line1: str = Field(default="", description="BT-35 / BT-50 / BT-64 / BT-75")
    line2: str = Field(default="", description="BT-36 / BT-51")
    line3: str = Field(default="", description="BT-162 / BT-163")
    postcode: str = Field(default="", description="BT-38 / BT-53")
    city: str = Field(default="", description="BT-37 / BT-52")
    subdivision: str = Field(default="", description="BT-39 / BT-54")
    country: str = Field(default="FR", description="BT-40 / BT-55, ISO 3166-1 alpha-2")


class Party(Model):
    name: str = Field(description="BT-27 / BT-44")
    trading_name: str = Field(default="", description="BT-28 / BT-45")
    siret: str = Field(default="", description="SIRET (14 digits): identifier BT-29 / BT-46, "
                                                "scheme 0009; its first 9 digits are the SIREN")
    siren: str = Field(default="", description="BT-30 / BT-47, legal registration, scheme 0002 "
                                               "(taken from the SIRET when empty)")
    identifier: str = Field(default="", description="BT-29 / BT-46 for a party without SIRET")
    identifier_scheme: str = Field(default="", description="BT-29-1 / BT-46-1, ISO 6523")
    legal_id: str = Field(default="", description="BT-30 / BT-47 for a party without SIREN")
    legal_id_scheme: str = Field(default="", description="BT-30-1 / BT-47-1, ISO 6523")
    vat_id: str = Field(default="", description="BT-31 / BT-48")
    tax_registration: str = Field(default="", description="BT-32 (seller's local tax id)")
    legal_info: str = Field(default="", description="BT-33 (e.g. SAS au capital de …)")
    electronic_address: str = Field(default="", description="BT-34 / BT-49")
    electronic_address_scheme: str = Field(default="", description="BT-34-1 / BT-49-1 (EAS)")
    address: Address = Field(default_factory=lambda: Address())
    contact_name: str = Field(default="", description="BT-41 / BT-56")
    phone: str = Field(default="", description="BT-42 / BT-57")
    email: str = Field(default="", description="BT-43 / BT-58")

    def legal_registration(self) -> tuple[str, str]:
        """(BT-30 value, scheme): the SIREN (0002) of a French party, else what was given."""
        siren = self.siren or (self.siret[:9] if re.fullmatch(r"\d{14}", self.siret) else "")
        if siren:
            return siren, "0002"
        return self.legal_id, self.legal_id_scheme

    def identifiers(self) -> list[tuple[str, str]]:
        """BT-29 / BT-46 with their schemes: the SIRET (0009), then any other one."""
        found = [(self.siret, "0009")] if self.siret else []
        if self.identifier:
            found.append((self.identifier, self.identifier_scheme))
        return found

    def endpoint(self) -> tuple[str, str]:
        """BT-34 / BT-49: as given, else the SIREN in the French directory (0225), else the
        e-mail address (EM)."""
        if self.electronic_address:
            return self.electronic_address, self.electronic_address_scheme or "EM"
        siren, scheme = self.legal_registration()
        if scheme == "0002" and siren:
            return siren, "0225"
        return (self.email, "EM") if self.email else ("", "")


class Payee(Model):
    name: str = Field(description="BT-59")
    identifier: str = Field(default="", description="BT-60")
    identifier_scheme: str = Field(default="", description="BT-60-1")
    legal_id: str = Field(default="", description="BT-61")
    legal_id_scheme: str = Field(default="", description="BT-61-1")


class TaxRepresentative(Model):
    name: str = Field(description="BT-62")
    vat_id: str = Field(description="BT-63")
    address: Address = Field(default_factory=lambda: Address(), description="BG-12")


class Delivery(Model):
    party_name: str = Field(default="", description="BT-70")
    location_id: str = Field(default="", description="BT-71")
    location_scheme: str = Field(default="", description="BT-71-1")
    date: Day | None = Field(default=None, description="BT-72")
    address: Address | None = Field(default=None, description="BG-15")

    def empty(self) -> bool:
        return not (self.party_name or self.location_id or self.date or self.address)


class Period(Model):
    start: date | None = Field(default=None, description="BT-73 / BT-134")
    end: date | None = Field(default=None, description="BT-74 / BT-135")


class AllowanceCharge(Model):
    """A document-level allowance (BG-20) or charge (BG-21), or one of a line (BG-27/BG-28)."""

    charge: bool = Field(default=False, description="false: allowance, true: charge")
    amount: Decimal = Field(description="BT-92 / BT-99 / BT-136 / BT-141")
    base_amount: Decimal | None = Field(default=None, description="BT-93 / BT-100 / BT-137")
    percent: Decimal | None = Field(default=None, description="BT-94 / BT-101 / BT-138")
    reason: str = Field(default="", description="BT-97 / BT-104 / BT-139 / BT-144")
    reason_code: str = Field(default="", description="BT-98 / BT-105 / BT-140 / BT-145")
    vat_category: str = Field(default="S", description="BT-95 / BT-102 (document level)")
    vat_rate: Decimal | None = Field(default=None, description="BT-96 / BT-103")

    def signed(self) -> Decimal:
        return self.amount if self.charge else -self.amount


class Note(Model):
    text: str = Field(description="BT-22")
    subject: str = Field(default="", description="BT-21, UNCL4451 (PMT, PMD, AAB, REG…)")


class Line(Model):
    id: str = Field(description="BT-126")
    name: str = Field(description="BT-153")
    description: str = Field(default="", description="BT-154")
    seller_item_id: str = Field(default="", description="BT-155")
    quantity: Decimal = Field(description="BT-129")
    unit: str = Field(default="C62", description="BT-130, UN/ECE rec. 20 (C62 = one)")
    net_price: Decimal = Field(description="BT-146")
    gross_price: Decimal | None = Field(default=None, description="BT-148")
    price_discount: Decimal | None = Field(default=None, description="BT-147")
    base_quantity: Decimal | None = Field(default=None, description="BT-149")
    base_quantity_unit: str = Field(default="", description="BT-150")
    net_amount: Decimal | None = Field(default=None, description="BT-131 (computed when absent)")
    allowances_charges: list[AllowanceCharge] = Field(default_factory=list,
                                                      description="BG-27 / BG-28")
    vat_category: str = Field(default="S", description="BT-151, UNCL5305")
    vat_rate: Decimal | None = Field(default=Decimal("20"), description="BT-152, percent")
    period: Period | None = Field(default=None, description="BG-26")
    note: str = Field(default="", description="BT-127")
    purchase_order_line: str = Field(default="", description="BT-132")
    accounting_reference: str = Field(default="", description="BT-133")

    def computed_net(self) -> Decimal:
        base = self.base_quantity or Decimal(1)
        extra = sum((ac.signed() for ac in self.allowances_charges), Decimal(0))
        return money(self.quantity * self.net_price / base + extra)


class VatBreakdown(Model):
    category: str = Field(default="S", description="BT-118")
    rate: Decimal | None = Field(default=None, description="BT-119")
    taxable_amount: Decimal = Field(description="BT-116")
    tax_amount: Decimal = Field(description="BT-117")
    exemption_reason: str = Field(default="", description="BT-120")
    exemption_code: str = Field(default="", description="BT-121 (VATEX)")


class Totals(Model):
    line_total: Decimal = Field(description="BT-106")
    allowances: Decimal | None = Field(default=None, description="BT-107")
    charges: Decimal | None = Field(default=None, description="BT-108")
    tax_basis: Decimal = Field(description="BT-109")
    tax_total: Decimal = Field(description="BT-110")
    tax_total_accounting: Decimal | None = Field(default=None, description="BT-111")
    grand_total: Decimal = Field(description="BT-112")
    prepaid: Decimal = Field(default=Decimal("0"), description="BT-113")
    rounding: Decimal | None = Field(default=None, description="BT-114")
    due: Decimal = Field(description="BT-115")


class Payment(Model):
    means_code: str = Field(default="", description="BT-81, UNCL4461 (30 = credit transfer)")
    means_text: str = Field(default="", description="BT-82")
    iban: str = Field(default="", description="BT-84")
    account_name: str = Field(default="", description="BT-85")
    bic: str = Field(default="", description="BT-86")
    card_number: str = Field(default="", description="BT-87")
    mandate: str = Field(default="", description="BT-89")
    creditor_id: str = Field(default="", description="BT-90")
    debited_account: str = Field(default="", description="BT-91")
    terms: str = Field(default="", description="BT-20")
    remittance: str = Field(default="", description="BT-83")


# French law (Code de commerce L441-10 and D441-5) wants these on every B2B invoice; the
# BR-FR-05 rules look for them as notes with subjects PMD, PMT and AAB.
DEFAULT_PENALTIES = ("En cas de retard de paiement, pénalités au taux de trois fois le taux "
                     "d'intérêt légal (article L441-10 du Code de commerce).")
DEFAULT_INDEMNITY = ("Indemnité forfaitaire pour frais de recouvrement en cas de retard de "
                     "paiement : 40 € (article D441-5 du Code de commerce).")
DEFAULT_DISCOUNT = "Pas d'escompte pour paiement anticipé."


class LegalMentions(Model):
    penalties: str = Field(default=DEFAULT_PENALTIES, description="note PMD")
    recovery_indemnity: str = Field(default=DEFAULT_INDEMNITY, description="note PMT")
    discount: str = Field(default=DEFAULT_DISCOUNT, description="note AAB")


class InvoiceData(Model):
    number: str = Field(description="BT-1")
    type_code: str = Field(default="380", description="BT-3, UNCL1001 (380 invoice, 381 credit)")
    issue_date: date = Field(description="BT-2")
    due_date: date | None = Field(default=None, description="BT-9")
    tax_point_date: date | None = Field(default=None, description="BT-7")
    tax_point_code: str = Field(default="", description="BT-8, UNCL2005")
    currency: str = Field(default="EUR", description="BT-5")
    tax_currency: str = Field(default="", description="BT-6")
    business_process: str = Field(default="A1", description="BT-23, billing frame A1..A25")
    specification: str = Field(default="urn:cen.eu:en16931:2017", description="BT-24")
    buyer_reference: str = Field(default="", description="BT-10, the buyer's service code")
    project: str = Field(default="", description="BT-11")
    contract: str = Field(default="", description="BT-12")
    purchase_order: str = Field(default="", description="BT-13, the engagement number (EJ)")
    sales_order: str = Field(default="", description="BT-14")
    receiving_advice: str = Field(default="", description="BT-15")
    despatch_advice: str = Field(default="", description="BT-16")
    tender: str = Field(default="", description="BT-17")
    accounting_reference: str = Field(default="", description="BT-19")
    preceding_invoice: str = Field(default="", description="BT-25")
    preceding_invoice_date: date | None = Field(default=None, description="BT-26")
    note: str = Field(default="", description="BT-22 (a note without subject)")
    notes: list[Note] = Field(default_factory=list, description="BG-1")
    legal_mentions: LegalMentions | None = Field(
        default_factory=lambda: LegalMentions(),
        description="French mandatory payment mentions (null: none written)")
    seller: Party
    buyer: Party
    payee: Payee | None = Field(default=None, description="BG-10")
    tax_representative: TaxRepresentative | None = Field(default=None, description="BG-11")
    delivery: Delivery | None = Field(default=None, description="BG-13")
    period: Period | None = Field(default=None, description="BG-14")
    lines: list[Line] = Field(default_factory=list)
    allowances_charges: list[AllowanceCharge] = Field(default_factory=list,
                                                      description="BG-20 / BG-21")
    vat_breakdown: list[VatBreakdown] = Field(default_factory=list)
    totals: Totals | None = None
    payment: Payment = Field(default_factory=lambda: Payment())

    @property
    def credit_note(self) -> bool:
        return self.type_code in CREDIT_NOTE_CODES

    def all_notes(self) -> list[Note]:
        """Free notes, then the legal mentions not already given as a note of that subject."""
        found = ([Note(text=self.note)] if self.note else []) + list(self.notes)
        subjects = {n.subject for n in found}
        if self.legal_mentions is not None:
            m = self.legal_mentions
            for subject, text in (("PMD", m.penalties), ("PMT", m.recovery_indemnity),
                                  ("AAB", m.discount)):
                if text and subject not in subjects:
                    found.append(Note(text=text, subject=subject))
        return found

    def supply_delivery(self) -> Delivery | None:
        """BG-13 as written: as given; with nothing given, the supply date is the invoice's (or
        its period's end), which is what an invoice without a delivery date means in law, so
        that the delivery element CII requires is never empty (PEPPOL-EN16931-R008)."""
        if self.delivery is not None and not self.delivery.empty():
            return self.delivery
        if self.period is not None and (self.period.start or self.period.end):
            return Delivery(date=self.period.end) if self.period.end else None
        return Delivery(date=self.issue_date)

    def canonical(self) -> InvoiceData:
        """The invoice as its e-invoice states it: amounts computed, legal mentions as notes,
        SIREN and electronic addresses derived, the supply date filled in. Reading back the
        e-invoice raccord writes gives exactly this."""
        d = self.completed()
        d.notes, d.note, d.legal_mentions = d.all_notes(), "", None
        d.delivery = d.supply_delivery()
        for party in (d.seller, d.buyer):
            siren, scheme = party.legal_registration()
            if scheme == "0002":
                party.siren = siren
            party.electronic_address, party.electronic_address_scheme = party.endpoint()
        for line in d.lines:
            if line.vat_category == "O":
                line.vat_rate = None
            for ac in line.allowances_charges:  # a line's share the line's VAT
                ac.vat_category, ac.vat_rate = "", None
        for vat in d.vat_breakdown:
            if vat.category == "O":
                vat.rate = None
        return d

    def completed(self) -> InvoiceData:
        """A copy with every computable amount filled in (given ones untouched)."""
        data = self.model_copy(deep=True)
        for line in data.lines:
            if line.net_amount is None:
                line.net_amount = line.computed_net()
        if not data.vat_breakdown:
            data.vat_breakdown = computed_breakdown(data.lines, data.allowances_charges)
        if data.totals is None:
            line_total = money(sum((ln.net_amount or Decimal(0) for ln in data.lines),
                                   Decimal(0)))
            allowances = money(sum((a.amount for a in data.allowances_charges if not a.charge),
                                   Decimal(0)))
            charges = money(sum((a.amount for a in data.allowances_charges if a.charge),
                                Decimal(0)))
            basis = line_total - allowances + charges
            tax = money(sum((v.tax_amount for v in data.vat_breakdown), Decimal(0)))
            data.totals = Totals(
                line_total=line_total, tax_basis=basis, tax_total=tax,
                allowances=allowances if any(not a.charge for a in data.allowances_charges)
                else None,
                charges=charges if any(a.charge for a in data.allowances_charges) else None,
                grand_total=basis + tax, prepaid=Decimal(0), due=basis + tax)
        return data

    def as_json(self) -> dict[str, Any]:
        return self.model_dump(mode="json")


EXEMPTIONS = {
    # E (exempt) has no default: the seller names the article of law that exempts it.
    "AE": ("Autoliquidation", "VATEX-EU-AE"),
    "K": ("Livraison intracommunautaire exonérée (article 262 ter I du CGI)", "VATEX-EU-IC"),
    "G": ("Exportation hors UE exonérée (article 262 I du CGI)", "VATEX-EU-G"),
    "O": ("Hors du champ d'application de la TVA", "VATEX-EU-O"),
}


def computed_breakdown(lines: list[Line],
                       document: list[AllowanceCharge] | None = None) -> list[VatBreakdown]:
    """One breakdown per category and rate: lines, minus allowances, plus charges (BR-S-08)."""
    groups: dict[tuple[str, Decimal | None], Decimal] = defaultdict(Decimal)
    for line in lines:
        net = line.net_amount if line.net_amount is not None else line.computed_net()
        groups[(line.vat_category, _rate(line.vat_category, line.vat_rate))] += net
    for ac in document or []:
        groups[(ac.vat_category, _rate(ac.vat_category, ac.vat_rate))] += ac.signed()
    found = []
    for (cat, rate), base in sorted(groups.items(), key=lambda g: (g[0][0], g[0][1] or 0)):
        reason, code = EXEMPTIONS.get(cat, ("", ""))
        found.append(VatBreakdown(category=cat, rate=rate, taxable_amount=money(base),
                                  tax_amount=money(base * (rate or 0) / 100),
                                  exemption_reason=reason, exemption_code=code))
    return found


def _rate(category: str, rate: Decimal | None) -> Decimal | None:
    """Category O carries no rate (BR-O-05); the others one, normalised for grouping."""
    if category == "O":
        return None
    return (rate or Decimal(0)).normalize()
