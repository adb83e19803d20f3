"""UBL 2.1 Invoice / CreditNote (EN 16931 binding): writing and reading.

Element order follows the UBL 2.1 XSD. SIRETs go to PartyLegalEntity/CompanyID (scheme 0002),
the service code to BuyerReference (BT-10), the engagement number to OrderReference (BT-13)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from lxml import etree

from raccord.features.einvoicing.cii import EN16931, SIRENE_SCHEME
from raccord.features.einvoicing.invoice import (
    Address,
    InvoiceData,
    Line,
    Party,
    Payment,
    Totals,
    VatBreakdown,
)
from raccord.features.einvoicing.xmltext import amount, element_maker, number

INVOICE = "urn:oasis:names:specification:ubl:schema:xsd:Invoice-2"
CREDIT_NOTE = "urn:oasis:names:specification:ubl:schema:xsd:CreditNote-2"
CBC = "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2"
CAC = "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2"
NS = {"cbc": CBC, "cac": CAC}


_el = element_maker(NS)
_amount = amount
_number = number


def build(invoice: InvoiceData) -> bytes:
    data = invoice.completed()
    assert data.totals is not None
    credit = data.credit_note
    nsmap: dict[str | None, str] = {None: CREDIT_NOTE if credit else INVOICE, "cbc": CBC,
                                   "cac": CAC}
    root = etree.Element(f"{{{CREDIT_NOTE if credit else INVOICE}}}"
                         f"{'CreditNote' if credit else 'Invoice'}", nsmap=nsmap)
    cur = {"currencyID": data.currency}
    _el(root, "cbc:UBLVersionID", "2.1")
    _el(root, "cbc:CustomizationID", EN16931)
    if data.business_process:
        _el(root, "cbc:ProfileID", data.business_process)
    _el(root, "cbc:ID", data.number)
    _el(root, "cbc:IssueDate", data.issue_date.isoformat())
    if data.due_date and not credit:
        _el(root, "cbc:DueDate", data.due_date.isoformat())
    _el(root, "cbc:CreditNoteTypeCode" if credit else "cbc:InvoiceTypeCode", data.type_code)
    if data.note:
        _el(root, "cbc:Note", data.note)
    _el(root, "cbc:DocumentCurrencyCode", data.currency)
    if data.buyer_reference:
        _el(root, "cbc:BuyerReference", data.buyer_reference)
    if data.purchase_order:
        _el(_el(root, "cac:OrderReference"), "cbc:ID", data.purchase_order)
    if data.preceding_invoice:
        _el(_el(_el(root, "cac:BillingReference"), "cac:InvoiceDocumentReference"), "cbc:ID",
            data.preceding_invoice)
    if data.contract:
        _el(_el(root, "cac:ContractDocumentReference"), "cbc:ID", data.contract)
    _party(_el(root, "cac:AccountingSupplierParty"), data.seller)
    _party(_el(root, "cac:AccountingCustomerParty"), data.buyer)
    pay = data.payment
    if pay.means_code:
        means = _el(root, "cac:PaymentMeans")
        _el(means, "cbc:PaymentMeansCode", pay.means_code)
        if data.due_date and credit:
            _el(means, "cbc:PaymentDueDate", data.due_date.isoformat())
        if pay.remittance:
            _el(means, "cbc:PaymentID", pay.remittance)
        if pay.iban:
            account = _el(means, "cac:PayeeFinancialAccount")
            _el(account, "cbc:ID", pay.iban)
            if pay.bic:
                _el(_el(account, "cac:FinancialInstitutionBranch"), "cbc:ID", pay.bic)
    if pay.terms:
        _el(_el(root, "cac:PaymentTerms"), "cbc:Note", pay.terms)
    tax_total = _el(root, "cac:TaxTotal")
    _el(tax_total, "cbc:TaxAmount", _amount(data.totals.tax_total), **cur)
    for vat in data.vat_breakdown:
        sub = _el(tax_total, "cac:TaxSubtotal")
        _el(sub, "cbc:TaxableAmount", _amount(vat.taxable_amount), **cur)
        _el(sub, "cbc:TaxAmount", _amount(vat.tax_amount), **cur)
        _category(sub, "cac:TaxCategory", vat.category, vat.rate, vat.exemption_reason)
    t = data.totals
    sums = _el(root, "cac:LegalMonetaryTotal")
    _el(sums, "cbc:LineExtensionAmount", _amount(t.line_total), **cur)
    _el(sums, "cbc:TaxExclusiveAmount", _amount(t.tax_basis), **cur)
    _el(sums, "cbc:TaxInclusiveAmount", _amount(t.grand_total), **cur)
    _el(sums, "cbc:PrepaidAmount", _amount(t.prepaid), **cur)
    _el(sums, "cbc:PayableAmount", _amount(t.due), **cur)
    for line in data.lines:
        _line(root, line, credit, cur)
    return bytes(etree.tostring(root, xml_declaration=True, encoding="UTF-8",
                                pretty_print=True))


def _category(parent: Any, tag: str, category: str, rate: Decimal, reason: str = "") -> None:
    node = _el(parent, tag)
    _el(node, "cbc:ID", category)
    _el(node, "cbc:Percent", _number(rate))
    if reason:
        _el(node, "cbc:TaxExemptionReason", reason)
    _el(_el(node, "cac:TaxScheme"), "cbc:ID", "VAT")


def _party(parent: Any, party: Party) -> None:
    node = _el(parent, "cac:Party")
    _el(_el(node, "cac:PartyName"), "cbc:Name", party.name)
    address = _el(node, "cac:PostalAddress")
    a = party.address
    for tag, value in (("cbc:StreetName", a.line1), ("cbc:AdditionalStreetName", a.line2),
                       ("cbc:CityName", a.city), ("cbc:PostalZone", a.postcode)):
        if value:
            _el(address, tag, value)
    _el(_el(address, "cac:Country"), "cbc:IdentificationCode", a.country or "FR")
    if party.vat_id:
        scheme = _el(node, "cac:PartyTaxScheme")
        _el(scheme, "cbc:CompanyID", party.vat_id)
        _el(_el(scheme, "cac:TaxScheme"), "cbc:ID", "VAT")
    legal = _el(node, "cac:PartyLegalEntity")
    _el(legal, "cbc:RegistrationName", party.name)
    if party.siret:
        _el(legal, "cbc:CompanyID", party.siret, schemeID=SIRENE_SCHEME)
    if party.email:
        _el(_el(node, "cac:Contact"), "cbc:ElectronicMail", party.email)


def _line(root: Any, line: Line, credit: bool, cur: dict[str, str]) -> None:
    node = _el(root, "cac:CreditNoteLine" if credit else "cac:InvoiceLine")
    _el(node, "cbc:ID", line.id)
    if line.note:
        _el(node, "cbc:Note", line.note)
    _el(node, "cbc:CreditedQuantity" if credit else "cbc:InvoicedQuantity",
        _number(line.quantity), unitCode=line.unit)
    _el(node, "cbc:LineExtensionAmount", _amount(line.net_amount or Decimal(0)), **cur)
    item = _el(node, "cac:Item")
    _el(item, "cbc:Name", line.name)
    _category(item, "cac:ClassifiedTaxCategory", line.vat_category, line.vat_rate)
    _el(_el(node, "cac:Price"), "cbc:PriceAmount", _number(line.net_price), **cur)


# -- reading ------------------------------------------------------------------------------
def _text(node: Any, path: str) -> str:
    found = node.xpath(path, namespaces=NS)
    return str(found[0].text or "").strip() if found else ""


def _dec(node: Any, path: str, default: str | None = None) -> Decimal:
    text = _text(node, path) or default
    if text is None:
        raise ValueError(f"missing {path}")
    return Decimal(text)


def _read_party(node: Any) -> Party:
    p = "cac:Party/"
    return Party(
        name=_text(node, p + "cac:PartyName/cbc:Name")
        or _text(node, p + "cac:PartyLegalEntity/cbc:RegistrationName"),
        siret=_text(node, p + "cac:PartyLegalEntity/cbc:CompanyID"),
        vat_id=_text(node, p + "cac:PartyTaxScheme/cbc:CompanyID"),
        email=_text(node, p + "cac:Contact/cbc:ElectronicMail"),
        address=Address(line1=_text(node, p + "cac:PostalAddress/cbc:StreetName"),
                        line2=_text(node, p + "cac:PostalAddress/cbc:AdditionalStreetName"),
                        postcode=_text(node, p + "cac:PostalAddress/cbc:PostalZone"),
                        city=_text(node, p + "cac:PostalAddress/cbc:CityName"),
                        country=_text(node, p + "cac:PostalAddress/cac:Country/"
                                            "cbc:IdentificationCode")))


def parse(root: Any) -> InvoiceData:
    credit = etree.QName(root).localname == "CreditNote"
    line_tag = "cac:CreditNoteLine" if credit else "cac:InvoiceLine"
    qty_tag = "cbc:CreditedQuantity" if credit else "cbc:InvoicedQuantity"
    lines = [Line(
        id=_text(n, "cbc:ID"), note=_text(n, "cbc:Note"), name=_text(n, "cac:Item/cbc:Name"),
        quantity=_dec(n, qty_tag),
        unit=(n.xpath(f"{qty_tag}/@unitCode", namespaces=NS) or ["C62"])[0],
        net_amount=_dec(n, "cbc:LineExtensionAmount"),
        net_price=_dec(n, "cac:Price/cbc:PriceAmount"),
        vat_category=_text(n, "cac:Item/cac:ClassifiedTaxCategory/cbc:ID"),
        vat_rate=_dec(n, "cac:Item/cac:ClassifiedTaxCategory/cbc:Percent", "0"))
        for n in root.xpath(line_tag, namespaces=NS)]
    breakdown = [VatBreakdown(
        category=_text(s, "cac:TaxCategory/cbc:ID"),
        rate=_dec(s, "cac:TaxCategory/cbc:Percent", "0"),
        taxable_amount=_dec(s, "cbc:TaxableAmount"), tax_amount=_dec(s, "cbc:TaxAmount"),
        exemption_reason=_text(s, "cac:TaxCategory/cbc:TaxExemptionReason"))
        for s in root.xpath("cac:TaxTotal/cac:TaxSubtotal", namespaces=NS)]
    due = _text(root, "cbc:DueDate") or _text(root, "cac:PaymentMeans/cbc:PaymentDueDate")
    t = "cac:LegalMonetaryTotal/"
    return InvoiceData(
        number=_text(root, "cbc:ID"),
        type_code=_text(root, "cbc:CreditNoteTypeCode" if credit else "cbc:InvoiceTypeCode"),
        issue_date=date.fromisoformat(_text(root, "cbc:IssueDate")),
        due_date=date.fromisoformat(due) if due else None,
        currency=_text(root, "cbc:DocumentCurrencyCode") or "EUR",
        business_process=_text(root, "cbc:ProfileID"),
        buyer_reference=_text(root, "cbc:BuyerReference"),
        purchase_order=_text(root, "cac:OrderReference/cbc:ID"),
        contract=_text(root, "cac:ContractDocumentReference/cbc:ID"),
        preceding_invoice=_text(root, "cac:BillingReference/cac:InvoiceDocumentReference/"
                                      "cbc:ID"),
        note=_text(root, "cbc:Note"),
        seller=_read_party(root.xpath("cac:AccountingSupplierParty", namespaces=NS)[0]),
        buyer=_read_party(root.xpath("cac:AccountingCustomerParty", namespaces=NS)[0]),
        lines=lines, vat_breakdown=breakdown,
        totals=Totals(line_total=_dec(root, t + "cbc:LineExtensionAmount"),
                      tax_basis=_dec(root, t + "cbc:TaxExclusiveAmount"),
                      tax_total=_dec(root, "cac:TaxTotal/cbc:TaxAmount", "0"),
                      grand_total=_dec(root, t + "cbc:TaxInclusiveAmount"),
                      prepaid=_dec(root, t + "cbc:PrepaidAmount", "0"),
                      due=_dec(root, t + "cbc:PayableAmount")),
        payment=Payment(means_code=_text(root, "cac:PaymentMeans/cbc:PaymentMeansCode"),
                        iban=_text(root, "cac:PaymentMeans/cac:PayeeFinancialAccount/cbc:ID"),
                        bic=_text(root, "cac:PaymentMeans/cac:PayeeFinancialAccount/"
                                        "cac:FinancialInstitutionBranch/cbc:ID"),
                        terms=_text(root, "cac:PaymentTerms/cbc:Note"),
                        remittance=_text(root, "cac:PaymentMeans/cbc:PaymentID")))
