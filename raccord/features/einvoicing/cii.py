"""UN/CEFACT Cross Industry Invoice (D16B), Factur-X EN 16931 profile: writing and reading.

Element order follows the Factur-X EN16931 XSD. Party legal identifiers are SIRETs with ISO 6523
scheme 0002, the service code goes to BT-10 (BuyerReference) and the engagement number to BT-13
(BuyerOrderReferencedDocument), as CHORUS PRO reads them."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from lxml import etree

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

RSM = "urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100"
RAM = "urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100"
UDT = "urn:un:unece:uncefact:data:standard:UnqualifiedDataType:100"
QDT = "urn:un:unece:uncefact:data:standard:QualifiedDataType:100"
NS = {"rsm": RSM, "ram": RAM, "udt": UDT, "qdt": QDT}
EN16931 = "urn:cen.eu:en16931:2017"
SIRENE_SCHEME = "0002"


_el = element_maker(NS)
_amount = amount
_number = number


def _date(parent: Any, tag: str, value: date) -> None:
    _el(_el(parent, tag), "udt:DateTimeString", value.strftime("%Y%m%d"), format="102")


def build(invoice: InvoiceData) -> bytes:
    data = invoice.completed()
    assert data.totals is not None
    root = etree.Element(f"{{{RSM}}}CrossIndustryInvoice", nsmap=NS)
    context = _el(root, "rsm:ExchangedDocumentContext")
    if data.business_process:
        _el(_el(context, "ram:BusinessProcessSpecifiedDocumentContextParameter"), "ram:ID",
            data.business_process)
    _el(_el(context, "ram:GuidelineSpecifiedDocumentContextParameter"), "ram:ID", EN16931)
    document = _el(root, "rsm:ExchangedDocument")
    _el(document, "ram:ID", data.number)
    _el(document, "ram:TypeCode", data.type_code)
    _date(document, "ram:IssueDateTime", data.issue_date)
    if data.note:
        _el(_el(document, "ram:IncludedNote"), "ram:Content", data.note)
    transaction = _el(root, "rsm:SupplyChainTradeTransaction")
    for line in data.lines:
        _line(transaction, line)
    agreement = _el(transaction, "ram:ApplicableHeaderTradeAgreement")
    if data.buyer_reference:
        _el(agreement, "ram:BuyerReference", data.buyer_reference)
    _party(agreement, "ram:SellerTradeParty", data.seller)
    _party(agreement, "ram:BuyerTradeParty", data.buyer)
    if data.purchase_order:
        _el(_el(agreement, "ram:BuyerOrderReferencedDocument"), "ram:IssuerAssignedID",
            data.purchase_order)
    if data.contract:
        _el(_el(agreement, "ram:ContractReferencedDocument"), "ram:IssuerAssignedID",
            data.contract)
    _el(transaction, "ram:ApplicableHeaderTradeDelivery")
    _settlement(transaction, data)
    return bytes(etree.tostring(root, xml_declaration=True, encoding="UTF-8",
                                pretty_print=True))


def _line(transaction: Any, line: Line) -> None:
    item = _el(transaction, "ram:IncludedSupplyChainTradeLineItem")
    doc = _el(item, "ram:AssociatedDocumentLineDocument")
    _el(doc, "ram:LineID", line.id)
    if line.note:
        _el(_el(doc, "ram:IncludedNote"), "ram:Content", line.note)
    _el(_el(item, "ram:SpecifiedTradeProduct"), "ram:Name", line.name)
    agreement = _el(item, "ram:SpecifiedLineTradeAgreement")
    _el(_el(agreement, "ram:NetPriceProductTradePrice"), "ram:ChargeAmount",
        _number(line.net_price))
    _el(_el(item, "ram:SpecifiedLineTradeDelivery"), "ram:BilledQuantity",
        _number(line.quantity), unitCode=line.unit)
    settlement = _el(item, "ram:SpecifiedLineTradeSettlement")
    tax = _el(settlement, "ram:ApplicableTradeTax")
    _el(tax, "ram:TypeCode", "VAT")
    _el(tax, "ram:CategoryCode", line.vat_category)
    _el(tax, "ram:RateApplicablePercent", _number(line.vat_rate))
    _el(_el(settlement, "ram:SpecifiedTradeSettlementLineMonetarySummation"),
        "ram:LineTotalAmount", _amount(line.net_amount or Decimal(0)))


def _party(parent: Any, tag: str, party: Party) -> None:
    node = _el(parent, tag)
    _el(node, "ram:Name", party.name)
    if party.siret:
        _el(_el(node, "ram:SpecifiedLegalOrganization"), "ram:ID", party.siret,
            schemeID=SIRENE_SCHEME)
    address = _el(node, "ram:PostalTradeAddress")
    a = party.address
    for tag_name, value in (("ram:PostcodeCode", a.postcode), ("ram:LineOne", a.line1),
                            ("ram:LineTwo", a.line2), ("ram:CityName", a.city)):
        if value:
            _el(address, tag_name, value)
    _el(address, "ram:CountryID", a.country or "FR")
    if party.email:
        _el(_el(node, "ram:URIUniversalCommunication"), "ram:URIID", party.email,
            schemeID="EM")
    if party.vat_id:
        _el(_el(node, "ram:SpecifiedTaxRegistration"), "ram:ID", party.vat_id, schemeID="VA")


def _settlement(transaction: Any, data: InvoiceData) -> None:
    assert data.totals is not None
    settlement = _el(transaction, "ram:ApplicableHeaderTradeSettlement")
    pay = data.payment
    if pay.remittance:
        _el(settlement, "ram:PaymentReference", pay.remittance)
    _el(settlement, "ram:InvoiceCurrencyCode", data.currency)
    if pay.means_code:
        means = _el(settlement, "ram:SpecifiedTradeSettlementPaymentMeans")
        _el(means, "ram:TypeCode", pay.means_code)
        if pay.iban:
            _el(_el(means, "ram:PayeePartyCreditorFinancialAccount"), "ram:IBANID", pay.iban)
        if pay.bic:
            _el(_el(means, "ram:PayeeSpecifiedCreditorFinancialInstitution"), "ram:BICID",
                pay.bic)
    for vat in data.vat_breakdown:
        tax = _el(settlement, "ram:ApplicableTradeTax")
        _el(tax, "ram:CalculatedAmount", _amount(vat.tax_amount))
        _el(tax, "ram:TypeCode", "VAT")
        if vat.exemption_reason:
            _el(tax, "ram:ExemptionReason", vat.exemption_reason)
        _el(tax, "ram:BasisAmount", _amount(vat.taxable_amount))
        _el(tax, "ram:CategoryCode", vat.category)
        _el(tax, "ram:RateApplicablePercent", _number(vat.rate))
    if pay.terms or data.due_date:
        terms = _el(settlement, "ram:SpecifiedTradePaymentTerms")
        if pay.terms:
            _el(terms, "ram:Description", pay.terms)
        if data.due_date:
            _date(terms, "ram:DueDateDateTime", data.due_date)
    t = data.totals
    sums = _el(settlement, "ram:SpecifiedTradeSettlementHeaderMonetarySummation")
    _el(sums, "ram:LineTotalAmount", _amount(t.line_total))
    _el(sums, "ram:TaxBasisTotalAmount", _amount(t.tax_basis))
    _el(sums, "ram:TaxTotalAmount", _amount(t.tax_total), currencyID=data.currency)
    _el(sums, "ram:GrandTotalAmount", _amount(t.grand_total))
    _el(sums, "ram:TotalPrepaidAmount", _amount(t.prepaid))
    _el(sums, "ram:DuePayableAmount", _amount(t.due))
    if data.preceding_invoice:
        _el(_el(settlement, "ram:InvoiceReferencedDocument"), "ram:IssuerAssignedID",
            data.preceding_invoice)


# -- reading ------------------------------------------------------------------------------
def _text(node: Any, path: str) -> str:
    found = node.xpath(path, namespaces=NS)
    return str(found[0].text or "").strip() if found else ""


def _dec(node: Any, path: str, default: str | None = None) -> Decimal:
    text = _text(node, path) or default
    if text is None:
        raise ValueError(f"missing {path}")
    return Decimal(text)


def _day(node: Any, path: str) -> date | None:
    text = _text(node, path + "/udt:DateTimeString")
    return datetime.strptime(text, "%Y%m%d").date() if text else None


def _read_party(node: Any) -> Party:
    return Party(
        name=_text(node, "ram:Name"),
        siret=_text(node, "ram:SpecifiedLegalOrganization/ram:ID"),
        vat_id=_text(node, "ram:SpecifiedTaxRegistration/ram:ID[@schemeID='VA']"),
        email=_text(node, "ram:URIUniversalCommunication/ram:URIID"),
        address=Address(line1=_text(node, "ram:PostalTradeAddress/ram:LineOne"),
                        line2=_text(node, "ram:PostalTradeAddress/ram:LineTwo"),
                        postcode=_text(node, "ram:PostalTradeAddress/ram:PostcodeCode"),
                        city=_text(node, "ram:PostalTradeAddress/ram:CityName"),
                        country=_text(node, "ram:PostalTradeAddress/ram:CountryID")))


def parse(root: Any) -> InvoiceData:
    """The invoice a CII document describes (ValueError when an amount is missing)."""
    tx = "rsm:SupplyChainTradeTransaction/"
    agreement = root.xpath(tx + "ram:ApplicableHeaderTradeAgreement", namespaces=NS)[0]
    settlement = root.xpath(tx + "ram:ApplicableHeaderTradeSettlement", namespaces=NS)[0]
    currency = _text(settlement, "ram:InvoiceCurrencyCode") or "EUR"
    sums = "ram:SpecifiedTradeSettlementHeaderMonetarySummation/"
    lines = [Line(
        id=_text(item, "ram:AssociatedDocumentLineDocument/ram:LineID"),
        note=_text(item, "ram:AssociatedDocumentLineDocument/ram:IncludedNote/ram:Content"),
        name=_text(item, "ram:SpecifiedTradeProduct/ram:Name"),
        net_price=_dec(item, "ram:SpecifiedLineTradeAgreement/ram:NetPriceProductTradePrice/"
                             "ram:ChargeAmount"),
        quantity=_dec(item, "ram:SpecifiedLineTradeDelivery/ram:BilledQuantity"),
        unit=item.xpath("ram:SpecifiedLineTradeDelivery/ram:BilledQuantity/@unitCode",
                        namespaces=NS)[0] if item.xpath(
            "ram:SpecifiedLineTradeDelivery/ram:BilledQuantity/@unitCode", namespaces=NS)
        else "C62",
        net_amount=_dec(item, "ram:SpecifiedLineTradeSettlement/"
                              "ram:SpecifiedTradeSettlementLineMonetarySummation/"
                              "ram:LineTotalAmount"),
        vat_category=_text(item, "ram:SpecifiedLineTradeSettlement/ram:ApplicableTradeTax/"
                                 "ram:CategoryCode"),
        vat_rate=_dec(item, "ram:SpecifiedLineTradeSettlement/ram:ApplicableTradeTax/"
                            "ram:RateApplicablePercent", "0"))
        for item in root.xpath(tx + "ram:IncludedSupplyChainTradeLineItem", namespaces=NS)]
    breakdown = [VatBreakdown(
        category=_text(tax, "ram:CategoryCode"), rate=_dec(tax, "ram:RateApplicablePercent",
                                                           "0"),
        taxable_amount=_dec(tax, "ram:BasisAmount"), tax_amount=_dec(tax, "ram:CalculatedAmount"),
        exemption_reason=_text(tax, "ram:ExemptionReason"))
        for tax in settlement.xpath("ram:ApplicableTradeTax", namespaces=NS)]
    return InvoiceData(
        number=_text(root, "rsm:ExchangedDocument/ram:ID"),
        type_code=_text(root, "rsm:ExchangedDocument/ram:TypeCode"),
        issue_date=_day(root, "rsm:ExchangedDocument/ram:IssueDateTime") or date.today(),
        due_date=_day(settlement, "ram:SpecifiedTradePaymentTerms/ram:DueDateDateTime"),
        currency=currency,
        business_process=_text(root, "rsm:ExchangedDocumentContext/"
                               "ram:BusinessProcessSpecifiedDocumentContextParameter/ram:ID"),
        buyer_reference=_text(agreement, "ram:BuyerReference"),
        purchase_order=_text(agreement, "ram:BuyerOrderReferencedDocument/ram:IssuerAssignedID"),
        contract=_text(agreement, "ram:ContractReferencedDocument/ram:IssuerAssignedID"),
        preceding_invoice=_text(settlement, "ram:InvoiceReferencedDocument/"
                                            "ram:IssuerAssignedID"),
        note=_text(root, "rsm:ExchangedDocument/ram:IncludedNote/ram:Content"),
        seller=_read_party(agreement.xpath("ram:SellerTradeParty", namespaces=NS)[0]),
        buyer=_read_party(agreement.xpath("ram:BuyerTradeParty", namespaces=NS)[0]),
        lines=lines, vat_breakdown=breakdown,
        totals=Totals(
            line_total=_dec(settlement, sums + "ram:LineTotalAmount"),
            tax_basis=_dec(settlement, sums + "ram:TaxBasisTotalAmount"),
            tax_total=_dec(settlement, sums + f"ram:TaxTotalAmount[@currencyID='{currency}']",
                           "0"),
            grand_total=_dec(settlement, sums + "ram:GrandTotalAmount"),
            prepaid=_dec(settlement, sums + "ram:TotalPrepaidAmount", "0"),
            due=_dec(settlement, sums + "ram:DuePayableAmount")),
        payment=Payment(
            means_code=_text(settlement, "ram:SpecifiedTradeSettlementPaymentMeans/"
                                         "ram:TypeCode"),
            iban=_text(settlement, "ram:SpecifiedTradeSettlementPaymentMeans/"
                                   "ram:PayeePartyCreditorFinancialAccount/ram:IBANID"),
            bic=_text(settlement, "ram:SpecifiedTradeSettlementPaymentMeans/"
                                  "ram:PayeeSpecifiedCreditorFinancialInstitution/ram:BICID"),
            terms=_text(settlement, "ram:SpecifiedTradePaymentTerms/ram:Description"),
            remittance=_text(settlement, "ram:PaymentReference")))
