"""UN/CEFACT Cross Industry Invoice (D16B), Factur-X EN 16931 profile: writing.

Element order follows the Factur-X EN16931 XSD. A French party is identified as the French rules
want it: its SIRET as identifier (BT-29, GlobalID scheme 0009), its SIREN as legal registration
(BT-30, scheme 0002), its electronic address (BT-34) in the French directory (scheme 0225). The
service code goes to BT-10 (BuyerReference), the engagement number to BT-13
(BuyerOrderReferencedDocument), as CHORUS PRO reads them. Reading is in cii_read."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from lxml import etree

from raccord.features.einvoicing.invoice import (
    Address,
    AllowanceCharge,
    InvoiceData,
    Line,
    Party,
    Period,
)
from raccord.features.einvoicing.xmltext import amount, element_maker, number

RSM = "urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100"
RAM = "urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100"
UDT = "urn:un:unece:uncefact:data:standard:UnqualifiedDataType:100"
QDT = "urn:un:unece:uncefact:data:standard:QualifiedDataType:100"
NS = {"rsm": RSM, "ram": RAM, "udt": UDT, "qdt": QDT}
EN16931 = "urn:cen.eu:en16931:2017"
# BT-8 holds a UNTDID 2005 code (3, 35, 432); CII writes its UNTDID 2475 twin (5, 29, 72).
TAX_POINT_TO_CII = {"3": "5", "35": "29", "432": "72"}
TAX_POINT_FROM_CII = {v: k for k, v in TAX_POINT_TO_CII.items()}

_el = element_maker(NS)


def _date(parent: Any, tag: str, value: date, kind: str = "udt:DateTimeString") -> None:
    _el(_el(parent, tag), kind, value.strftime("%Y%m%d"), format="102")


def _opt(parent: Any, tag: str, value: str, **attrs: str) -> None:
    if value:
        _el(parent, tag, value, **{k: v for k, v in attrs.items() if v})


def build(invoice: InvoiceData) -> bytes:
    data = invoice.completed()
    assert data.totals is not None
    root = etree.Element(f"{{{RSM}}}CrossIndustryInvoice", nsmap=NS)
    context = _el(root, "rsm:ExchangedDocumentContext")
    if data.business_process:
        _el(_el(context, "ram:BusinessProcessSpecifiedDocumentContextParameter"), "ram:ID",
            data.business_process)
    _el(_el(context, "ram:GuidelineSpecifiedDocumentContextParameter"), "ram:ID",
        data.specification or EN16931)
    document = _el(root, "rsm:ExchangedDocument")
    _el(document, "ram:ID", data.number)
    _el(document, "ram:TypeCode", data.type_code)
    _date(document, "ram:IssueDateTime", data.issue_date)
    for note in data.all_notes():
        node = _el(document, "ram:IncludedNote")
        _el(node, "ram:Content", note.text)
        _opt(node, "ram:SubjectCode", note.subject)
    transaction = _el(root, "rsm:SupplyChainTradeTransaction")
    for line in data.lines:
        _line(transaction, line)
    _agreement(transaction, data)
    _delivery(transaction, data)
    _settlement(transaction, data)
    return bytes(etree.tostring(root, xml_declaration=True, encoding="UTF-8",
                                pretty_print=True))


def _period(parent: Any, period: Period | None) -> None:
    if period is None or not (period.start or period.end):
        return
    node = _el(parent, "ram:BillingSpecifiedPeriod")
    if period.start:
        _date(node, "ram:StartDateTime", period.start)
    if period.end:
        _date(node, "ram:EndDateTime", period.end)


def _allowance(parent: Any, ac: AllowanceCharge, document: bool) -> None:
    node = _el(parent, "ram:SpecifiedTradeAllowanceCharge")
    _el(_el(node, "ram:ChargeIndicator"), "udt:Indicator", "true" if ac.charge else "false")
    if ac.percent is not None:
        _el(node, "ram:CalculationPercent", number(ac.percent))
    if ac.base_amount is not None:
        _el(node, "ram:BasisAmount", amount(ac.base_amount))
    _el(node, "ram:ActualAmount", amount(ac.amount))
    _opt(node, "ram:ReasonCode", ac.reason_code)
    _opt(node, "ram:Reason", ac.reason)
    if document:
        tax = _el(node, "ram:CategoryTradeTax")
        _el(tax, "ram:TypeCode", "VAT")
        _el(tax, "ram:CategoryCode", ac.vat_category)
        if ac.vat_rate is not None and ac.vat_category != "O":
            _el(tax, "ram:RateApplicablePercent", number(ac.vat_rate))


def _line(transaction: Any, line: Line) -> None:
    item = _el(transaction, "ram:IncludedSupplyChainTradeLineItem")
    doc = _el(item, "ram:AssociatedDocumentLineDocument")
    _el(doc, "ram:LineID", line.id)
    if line.note:
        _el(_el(doc, "ram:IncludedNote"), "ram:Content", line.note)
    product = _el(item, "ram:SpecifiedTradeProduct")
    _opt(product, "ram:SellerAssignedID", line.seller_item_id)
    _el(product, "ram:Name", line.name)
    _opt(product, "ram:Description", line.description)
    agreement = _el(item, "ram:SpecifiedLineTradeAgreement")
    if line.purchase_order_line:
        _el(_el(agreement, "ram:BuyerOrderReferencedDocument"), "ram:LineID",
            line.purchase_order_line)
    if line.gross_price is not None:
        gross = _el(agreement, "ram:GrossPriceProductTradePrice")
        _el(gross, "ram:ChargeAmount", number(line.gross_price))
        if line.base_quantity is not None:
            _el(gross, "ram:BasisQuantity", number(line.base_quantity),
                **({"unitCode": line.base_quantity_unit} if line.base_quantity_unit else {}))
        if line.price_discount is not None:
            discount = _el(gross, "ram:AppliedTradeAllowanceCharge")
            _el(_el(discount, "ram:ChargeIndicator"), "udt:Indicator", "false")
            _el(discount, "ram:ActualAmount", number(line.price_discount))
    net = _el(agreement, "ram:NetPriceProductTradePrice")
    _el(net, "ram:ChargeAmount", number(line.net_price))
    if line.base_quantity is not None:
        _el(net, "ram:BasisQuantity", number(line.base_quantity),
            **({"unitCode": line.base_quantity_unit} if line.base_quantity_unit else {}))
    _el(_el(item, "ram:SpecifiedLineTradeDelivery"), "ram:BilledQuantity",
        number(line.quantity), unitCode=line.unit)
    settlement = _el(item, "ram:SpecifiedLineTradeSettlement")
    tax = _el(settlement, "ram:ApplicableTradeTax")
    _el(tax, "ram:TypeCode", "VAT")
    _el(tax, "ram:CategoryCode", line.vat_category)
    if line.vat_rate is not None and line.vat_category != "O":
        _el(tax, "ram:RateApplicablePercent", number(line.vat_rate))
    _period(settlement, line.period)
    for ac in line.allowances_charges:
        _allowance(settlement, ac, document=False)
    _el(_el(settlement, "ram:SpecifiedTradeSettlementLineMonetarySummation"),
        "ram:LineTotalAmount", amount(line.net_amount or Decimal(0)))
    if line.accounting_reference:
        _el(_el(settlement, "ram:ReceivableSpecifiedTradeAccountingAccount"), "ram:ID",
            line.accounting_reference)


def _address(parent: Any, a: Address) -> None:
    address = _el(parent, "ram:PostalTradeAddress")
    for tag_name, value in (("ram:PostcodeCode", a.postcode), ("ram:LineOne", a.line1),
                            ("ram:LineTwo", a.line2), ("ram:LineThree", a.line3),
                            ("ram:CityName", a.city)):
        _opt(address, tag_name, value)
    _el(address, "ram:CountryID", a.country)
    _opt(address, "ram:CountrySubDivisionName", a.subdivision)


def _party(parent: Any, tag: str, party: Party, seller: bool) -> None:
    node = _el(parent, tag)
    for value, scheme in party.identifiers():
        if scheme:
            _el(node, "ram:GlobalID", value, schemeID=scheme)
        else:
            _el(node, "ram:ID", value)
    _el(node, "ram:Name", party.name)
    if seller:
        _opt(node, "ram:Description", party.legal_info)
    legal, scheme = party.legal_registration()
    if legal or party.trading_name:
        org = _el(node, "ram:SpecifiedLegalOrganization")
        _opt(org, "ram:ID", legal, schemeID=scheme)
        _opt(org, "ram:TradingBusinessName", party.trading_name)
    if party.contact_name or party.phone or party.email:
        contact = _el(node, "ram:DefinedTradeContact")
        _opt(contact, "ram:PersonName", party.contact_name)
        if party.phone:
            _el(_el(contact, "ram:TelephoneUniversalCommunication"), "ram:CompleteNumber",
                party.phone)
        if party.email:
            _el(_el(contact, "ram:EmailURIUniversalCommunication"), "ram:URIID", party.email)
    _address(node, party.address)
    endpoint, endpoint_scheme = party.endpoint()
    if endpoint:
        _el(_el(node, "ram:URIUniversalCommunication"), "ram:URIID", endpoint,
            schemeID=endpoint_scheme)
    if party.vat_id:
        _el(_el(node, "ram:SpecifiedTaxRegistration"), "ram:ID", party.vat_id, schemeID="VA")
    if seller and party.tax_registration:
        _el(_el(node, "ram:SpecifiedTaxRegistration"), "ram:ID", party.tax_registration,
            schemeID="FC")


def _reference(parent: Any, tag: str, value: str) -> None:
    if value:
        _el(_el(parent, tag), "ram:IssuerAssignedID", value)


def _agreement(transaction: Any, data: InvoiceData) -> None:
    agreement = _el(transaction, "ram:ApplicableHeaderTradeAgreement")
    _opt(agreement, "ram:BuyerReference", data.buyer_reference)
    _party(agreement, "ram:SellerTradeParty", data.seller, seller=True)
    _party(agreement, "ram:BuyerTradeParty", data.buyer, seller=False)
    rep = data.tax_representative
    if rep is not None:
        node = _el(agreement, "ram:SellerTaxRepresentativeTradeParty")
        _el(node, "ram:Name", rep.name)
        _address(node, rep.address)
        _el(_el(node, "ram:SpecifiedTaxRegistration"), "ram:ID", rep.vat_id, schemeID="VA")
    _reference(agreement, "ram:SellerOrderReferencedDocument", data.sales_order)
    _reference(agreement, "ram:BuyerOrderReferencedDocument", data.purchase_order)
    _reference(agreement, "ram:ContractReferencedDocument", data.contract)
    if data.tender:
        tender = _el(agreement, "ram:AdditionalReferencedDocument")
        _el(tender, "ram:IssuerAssignedID", data.tender)
        _el(tender, "ram:TypeCode", "50")
    if data.project:
        project = _el(agreement, "ram:SpecifiedProcuringProject")
        _el(project, "ram:ID", data.project)
        _el(project, "ram:Name", "Project reference")


def _delivery(transaction: Any, data: InvoiceData) -> None:
    node = _el(transaction, "ram:ApplicableHeaderTradeDelivery")
    d = data.supply_delivery()
    if d is not None and (d.party_name or d.location_id or d.address):
        party = _el(node, "ram:ShipToTradeParty")
        _opt(party, "ram:GlobalID" if d.location_scheme else "ram:ID", d.location_id,
             schemeID=d.location_scheme)
        _opt(party, "ram:Name", d.party_name)
        if d.address is not None:
            _address(party, d.address)
    if d is not None and d.date is not None:
        _date(_el(node, "ram:ActualDeliverySupplyChainEvent"), "ram:OccurrenceDateTime",
              d.date)
    _reference(node, "ram:DespatchAdviceReferencedDocument", data.despatch_advice)
    _reference(node, "ram:ReceivingAdviceReferencedDocument", data.receiving_advice)


def _settlement(transaction: Any, data: InvoiceData) -> None:
    assert data.totals is not None
    settlement = _el(transaction, "ram:ApplicableHeaderTradeSettlement")
    pay = data.payment
    _opt(settlement, "ram:CreditorReferenceID", pay.creditor_id)
    _opt(settlement, "ram:PaymentReference", pay.remittance)
    if data.tax_currency != data.currency:  # CII's BR-53 wants a different one, or none
        _opt(settlement, "ram:TaxCurrencyCode", data.tax_currency)
    _el(settlement, "ram:InvoiceCurrencyCode", data.currency)
    if data.payee is not None:
        payee = _el(settlement, "ram:PayeeTradeParty")
        _opt(payee, "ram:GlobalID" if data.payee.identifier_scheme else "ram:ID",
             data.payee.identifier, schemeID=data.payee.identifier_scheme)
        _el(payee, "ram:Name", data.payee.name)
        if data.payee.legal_id:
            _opt(_el(payee, "ram:SpecifiedLegalOrganization"), "ram:ID", data.payee.legal_id,
                 schemeID=data.payee.legal_id_scheme)
    if pay.means_code:
        means = _el(settlement, "ram:SpecifiedTradeSettlementPaymentMeans")
        _el(means, "ram:TypeCode", pay.means_code)
        _opt(means, "ram:Information", pay.means_text)
        if pay.card_number:
            _el(_el(means, "ram:ApplicableTradeSettlementFinancialCard"), "ram:ID",
                pay.card_number)
        if pay.debited_account:
            _el(_el(means, "ram:PayerPartyDebtorFinancialAccount"), "ram:IBANID",
                pay.debited_account)
        if pay.iban or pay.account_name:
            account = _el(means, "ram:PayeePartyCreditorFinancialAccount")
            _opt(account, "ram:IBANID", pay.iban)
            _opt(account, "ram:AccountName", pay.account_name)
        if pay.bic:
            _el(_el(means, "ram:PayeeSpecifiedCreditorFinancialInstitution"), "ram:BICID",
                pay.bic)
    for vat in data.vat_breakdown:
        tax = _el(settlement, "ram:ApplicableTradeTax")
        _el(tax, "ram:CalculatedAmount", amount(vat.tax_amount))
        _el(tax, "ram:TypeCode", "VAT")
        _opt(tax, "ram:ExemptionReason", vat.exemption_reason)
        _el(tax, "ram:BasisAmount", amount(vat.taxable_amount))
        _el(tax, "ram:CategoryCode", vat.category)
        _opt(tax, "ram:ExemptionReasonCode", vat.exemption_code)
        if data.tax_point_date:
            _date(tax, "ram:TaxPointDate", data.tax_point_date, "udt:DateString")
        _opt(tax, "ram:DueDateTypeCode",
             TAX_POINT_TO_CII.get(data.tax_point_code, data.tax_point_code))
        if vat.rate is not None and vat.category != "O":
            _el(tax, "ram:RateApplicablePercent", number(vat.rate))
    _period(settlement, data.period)
    for ac in data.allowances_charges:
        _allowance(settlement, ac, document=True)
    if pay.terms or data.due_date or pay.mandate:
        terms = _el(settlement, "ram:SpecifiedTradePaymentTerms")
        _opt(terms, "ram:Description", pay.terms)
        if data.due_date:
            _date(terms, "ram:DueDateDateTime", data.due_date)
        _opt(terms, "ram:DirectDebitMandateID", pay.mandate)
    t = data.totals
    sums = _el(settlement, "ram:SpecifiedTradeSettlementHeaderMonetarySummation")
    _el(sums, "ram:LineTotalAmount", amount(t.line_total))
    if t.charges is not None:
        _el(sums, "ram:ChargeTotalAmount", amount(t.charges))
    if t.allowances is not None:
        _el(sums, "ram:AllowanceTotalAmount", amount(t.allowances))
    _el(sums, "ram:TaxBasisTotalAmount", amount(t.tax_basis))
    _el(sums, "ram:TaxTotalAmount", amount(t.tax_total), currencyID=data.currency)
    if data.tax_currency and data.tax_currency != data.currency and \
            t.tax_total_accounting is not None:
        _el(sums, "ram:TaxTotalAmount", amount(t.tax_total_accounting),
            currencyID=data.tax_currency)
    if t.rounding is not None:
        _el(sums, "ram:RoundingAmount", amount(t.rounding))
    _el(sums, "ram:GrandTotalAmount", amount(t.grand_total))
    _el(sums, "ram:TotalPrepaidAmount", amount(t.prepaid))
    _el(sums, "ram:DuePayableAmount", amount(t.due))
    if data.preceding_invoice:
        ref = _el(settlement, "ram:InvoiceReferencedDocument")
        _el(ref, "ram:IssuerAssignedID", data.preceding_invoice)
        if data.preceding_invoice_date:
            _date(ref, "ram:FormattedIssueDateTime", data.preceding_invoice_date,
                  "qdt:DateTimeString")
    if data.accounting_reference:
        _el(_el(settlement, "ram:ReceivableSpecifiedTradeAccountingAccount"), "ram:ID",
            data.accounting_reference)
