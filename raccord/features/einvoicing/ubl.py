"""UBL 2.1 Invoice / CreditNote (EN 16931 binding): writing. Reading is in ubl_read.

Element order follows the UBL 2.1 XSD. As in CII: the SIRET is the party identifier
(PartyIdentification, scheme 0009: where CHORUS PRO reads the supplier), the SIREN the legal
registration (PartyLegalEntity/CompanyID, scheme 0002), the electronic address the EndpointID; the
service code goes to BuyerReference (BT-10), the engagement number to OrderReference (BT-13).
A note's subject (BT-21) is written `#CODE#text`, as the EN 16931 UBL binding says."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from lxml import etree

from raccord.features.einvoicing.cii import EN16931
from raccord.features.einvoicing.invoice import (
    Address,
    AllowanceCharge,
    InvoiceData,
    Line,
    Party,
    Period,
)
from raccord.features.einvoicing.xmltext import amount, element_maker, number

INVOICE = "urn:oasis:names:specification:ubl:schema:xsd:Invoice-2"
CREDIT_NOTE = "urn:oasis:names:specification:ubl:schema:xsd:CreditNote-2"
CBC = "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2"
CAC = "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2"
NS = {"cbc": CBC, "cac": CAC}
# A credit note has no DueDate: its due date (BT-9) rides on a payment means; when the credit
# note names none (CHORUS PRO wants none on a credit note), code 1 "instrument not defined".
UNDEFINED_MEANS = "1"

_el = element_maker(NS)


def _opt(parent: Any, tag: str, value: str, **attrs: str) -> None:
    if value:
        _el(parent, tag, value, **{k: v for k, v in attrs.items() if v})


def build(invoice: InvoiceData) -> bytes:
    data = invoice.completed()
    assert data.totals is not None
    credit = data.credit_note
    namespace = CREDIT_NOTE if credit else INVOICE
    nsmap: dict[str | None, str] = {None: namespace, "cbc": CBC, "cac": CAC}
    root = etree.Element(f"{{{namespace}}}{'CreditNote' if credit else 'Invoice'}", nsmap=nsmap)
    cur = {"currencyID": data.currency}
    _el(root, "cbc:UBLVersionID", "2.1")
    _el(root, "cbc:CustomizationID", data.specification or EN16931)
    _opt(root, "cbc:ProfileID", data.business_process)
    _el(root, "cbc:ID", data.number)
    _el(root, "cbc:IssueDate", data.issue_date.isoformat())
    if data.due_date and not credit:
        _el(root, "cbc:DueDate", data.due_date.isoformat())
    if data.tax_point_date and credit:  # before the type code in a credit note
        _el(root, "cbc:TaxPointDate", data.tax_point_date.isoformat())
    _el(root, "cbc:CreditNoteTypeCode" if credit else "cbc:InvoiceTypeCode", data.type_code)
    for note in data.all_notes():
        _el(root, "cbc:Note", f"#{note.subject}#{note.text}" if note.subject else note.text)
    if data.tax_point_date and not credit:
        _el(root, "cbc:TaxPointDate", data.tax_point_date.isoformat())
    _el(root, "cbc:DocumentCurrencyCode", data.currency)
    _opt(root, "cbc:TaxCurrencyCode", data.tax_currency)
    _opt(root, "cbc:AccountingCost", data.accounting_reference)
    _opt(root, "cbc:BuyerReference", data.buyer_reference)
    _period(root, data.period, data.tax_point_code)
    if data.purchase_order or data.sales_order:
        order = _el(root, "cac:OrderReference")
        _el(order, "cbc:ID", data.purchase_order or "NA")
        _opt(order, "cbc:SalesOrderID", data.sales_order)
    if data.preceding_invoice:
        ref = _el(_el(root, "cac:BillingReference"), "cac:InvoiceDocumentReference")
        _el(ref, "cbc:ID", data.preceding_invoice)
        if data.preceding_invoice_date:
            _el(ref, "cbc:IssueDate", data.preceding_invoice_date.isoformat())
    if data.despatch_advice:
        _el(_el(root, "cac:DespatchDocumentReference"), "cbc:ID", data.despatch_advice)
    if data.receiving_advice:
        _el(_el(root, "cac:ReceiptDocumentReference"), "cbc:ID", data.receiving_advice)
    if credit:  # a credit note orders them contract, additional (project), originator
        _contract(root, data)
        if data.project:  # no ProjectReference in a UBL 2.1 credit note: the binding's way
            ref = _el(root, "cac:AdditionalDocumentReference")
            _el(ref, "cbc:ID", data.project)
            _el(ref, "cbc:DocumentTypeCode", "50")
        _tender(root, data)
    else:
        _tender(root, data)
        _contract(root, data)
        if data.project:
            _el(_el(root, "cac:ProjectReference"), "cbc:ID", data.project)
    _party(_el(root, "cac:AccountingSupplierParty"), data.seller, seller=True,
           creditor_id=data.payment.creditor_id)
    _party(_el(root, "cac:AccountingCustomerParty"), data.buyer, seller=False)
    _payee_and_representative(root, data)
    _delivery(root, data)
    _payment(root, data, credit)
    for ac in data.allowances_charges:
        _allowance(root, ac, cur, document=True)
    _taxes(root, data, cur)
    _totals(root, data, cur)
    for line in data.lines:
        _line(root, line, credit, cur)
    return bytes(etree.tostring(root, xml_declaration=True, encoding="UTF-8",
                                pretty_print=True))


def _contract(root: Any, data: InvoiceData) -> None:
    if data.contract:
        _el(_el(root, "cac:ContractDocumentReference"), "cbc:ID", data.contract)


def _tender(root: Any, data: InvoiceData) -> None:
    if data.tender:
        _el(_el(root, "cac:OriginatorDocumentReference"), "cbc:ID", data.tender)


def _period(parent: Any, period: Period | None, code: str = "") -> None:
    if period is None or not (period.start or period.end or code):
        return
    node = _el(parent, "cac:InvoicePeriod")
    if period.start:
        _el(node, "cbc:StartDate", period.start.isoformat())
    if period.end:
        _el(node, "cbc:EndDate", period.end.isoformat())
    _opt(node, "cbc:DescriptionCode", code)


def _category(parent: Any, tag: str, category: str, rate: Decimal | None, reason: str = "",
              code: str = "") -> None:
    node = _el(parent, tag)
    _el(node, "cbc:ID", category)
    if rate is not None and category != "O":
        _el(node, "cbc:Percent", number(rate))
    _opt(node, "cbc:TaxExemptionReasonCode", code)
    _opt(node, "cbc:TaxExemptionReason", reason)
    _el(_el(node, "cac:TaxScheme"), "cbc:ID", "VAT")


def _address(parent: Any, tag: str, a: Address) -> None:
    address = _el(parent, tag)
    for name, value in (("cbc:StreetName", a.line1), ("cbc:AdditionalStreetName", a.line2),
                        ("cbc:CityName", a.city), ("cbc:PostalZone", a.postcode),
                        ("cbc:CountrySubentity", a.subdivision)):
        _opt(address, name, value)
    if a.line3:
        _el(_el(address, "cac:AddressLine"), "cbc:Line", a.line3)
    _el(_el(address, "cac:Country"), "cbc:IdentificationCode", a.country)


def _party(parent: Any, party: Party, seller: bool, creditor_id: str = "") -> None:
    node = _el(parent, "cac:Party")
    endpoint, scheme = party.endpoint()
    if endpoint:
        _el(node, "cbc:EndpointID", endpoint, schemeID=scheme)
    for value, id_scheme in party.identifiers():
        _opt(_el(node, "cac:PartyIdentification"), "cbc:ID", value, schemeID=id_scheme)
    if creditor_id:  # BT-90, the SEPA creditor identifier
        _el(_el(node, "cac:PartyIdentification"), "cbc:ID", creditor_id, schemeID="SEPA")
    if party.trading_name:
        _el(_el(node, "cac:PartyName"), "cbc:Name", party.trading_name)
    _address(node, "cac:PostalAddress", party.address)
    if party.vat_id:
        tax = _el(node, "cac:PartyTaxScheme")
        _el(tax, "cbc:CompanyID", party.vat_id)
        _el(_el(tax, "cac:TaxScheme"), "cbc:ID", "VAT")
    if seller and party.tax_registration:
        tax = _el(node, "cac:PartyTaxScheme")
        _el(tax, "cbc:CompanyID", party.tax_registration)
        _el(_el(tax, "cac:TaxScheme"), "cbc:ID", "FC")
    legal_entity = _el(node, "cac:PartyLegalEntity")
    _el(legal_entity, "cbc:RegistrationName", party.name)
    legal, legal_scheme = party.legal_registration()
    _opt(legal_entity, "cbc:CompanyID", legal, schemeID=legal_scheme)
    if seller:
        _opt(legal_entity, "cbc:CompanyLegalForm", party.legal_info)
    if party.contact_name or party.phone or party.email:
        contact = _el(node, "cac:Contact")
        _opt(contact, "cbc:Name", party.contact_name)
        _opt(contact, "cbc:Telephone", party.phone)
        _opt(contact, "cbc:ElectronicMail", party.email)


def _payee_and_representative(root: Any, data: InvoiceData) -> None:
    payee = data.payee
    if payee is not None:
        node = _el(root, "cac:PayeeParty")
        if payee.identifier:
            _el(_el(node, "cac:PartyIdentification"), "cbc:ID", payee.identifier,
                **({"schemeID": payee.identifier_scheme} if payee.identifier_scheme else {}))
        _el(_el(node, "cac:PartyName"), "cbc:Name", payee.name)
        if payee.legal_id:
            _el(_el(node, "cac:PartyLegalEntity"), "cbc:CompanyID", payee.legal_id,
                **({"schemeID": payee.legal_id_scheme} if payee.legal_id_scheme else {}))
    rep = data.tax_representative
    if rep is not None:
        node = _el(root, "cac:TaxRepresentativeParty")
        _el(_el(node, "cac:PartyName"), "cbc:Name", rep.name)
        _address(node, "cac:PostalAddress", rep.address)
        tax = _el(node, "cac:PartyTaxScheme")
        _el(tax, "cbc:CompanyID", rep.vat_id)
        _el(_el(tax, "cac:TaxScheme"), "cbc:ID", "VAT")


def _delivery(root: Any, data: InvoiceData) -> None:
    d = data.supply_delivery()
    if d is None:
        return
    node = _el(root, "cac:Delivery")
    if d.date:
        _el(node, "cbc:ActualDeliveryDate", d.date.isoformat())
    if d.location_id or d.address is not None:
        location = _el(node, "cac:DeliveryLocation")
        _opt(location, "cbc:ID", d.location_id, schemeID=d.location_scheme)
        if d.address is not None:
            _address(location, "cac:Address", d.address)
    if d.party_name:
        _el(_el(_el(node, "cac:DeliveryParty"), "cac:PartyName"), "cbc:Name", d.party_name)


def _payment(root: Any, data: InvoiceData, credit: bool) -> None:
    pay = data.payment
    code = pay.means_code or (UNDEFINED_MEANS if credit and data.due_date else "")
    if code:
        means = _el(root, "cac:PaymentMeans")
        _el(means, "cbc:PaymentMeansCode", code,
            **({"name": pay.means_text} if pay.means_text else {}))
        if data.due_date and credit:
            _el(means, "cbc:PaymentDueDate", data.due_date.isoformat())
        _opt(means, "cbc:PaymentID", pay.remittance)
        if pay.card_number:
            card = _el(means, "cac:CardAccount")
            _el(card, "cbc:PrimaryAccountNumberID", pay.card_number)
            _el(card, "cbc:NetworkID", "NA")
        if pay.iban:
            account = _el(means, "cac:PayeeFinancialAccount")
            _el(account, "cbc:ID", pay.iban)
            _opt(account, "cbc:Name", pay.account_name)
            if pay.bic:
                _el(_el(account, "cac:FinancialInstitutionBranch"), "cbc:ID", pay.bic)
        if pay.mandate or pay.debited_account:
            mandate = _el(means, "cac:PaymentMandate")
            _opt(mandate, "cbc:ID", pay.mandate)
            if pay.debited_account:
                _el(_el(mandate, "cac:PayerFinancialAccount"), "cbc:ID", pay.debited_account)
    if pay.terms:
        _el(_el(root, "cac:PaymentTerms"), "cbc:Note", pay.terms)


def _allowance(parent: Any, ac: AllowanceCharge, cur: dict[str, str], document: bool) -> None:
    node = _el(parent, "cac:AllowanceCharge")
    _el(node, "cbc:ChargeIndicator", "true" if ac.charge else "false")
    _opt(node, "cbc:AllowanceChargeReasonCode", ac.reason_code)
    _opt(node, "cbc:AllowanceChargeReason", ac.reason)
    if ac.percent is not None:
        _el(node, "cbc:MultiplierFactorNumeric", number(ac.percent))
    _el(node, "cbc:Amount", amount(ac.amount), **cur)
    if ac.base_amount is not None:
        _el(node, "cbc:BaseAmount", amount(ac.base_amount), **cur)
    if document:
        _category(node, "cac:TaxCategory", ac.vat_category, ac.vat_rate)


def _taxes(root: Any, data: InvoiceData, cur: dict[str, str]) -> None:
    assert data.totals is not None
    tax_total = _el(root, "cac:TaxTotal")
    _el(tax_total, "cbc:TaxAmount", amount(data.totals.tax_total), **cur)
    for vat in data.vat_breakdown:
        sub = _el(tax_total, "cac:TaxSubtotal")
        _el(sub, "cbc:TaxableAmount", amount(vat.taxable_amount), **cur)
        _el(sub, "cbc:TaxAmount", amount(vat.tax_amount), **cur)
        _category(sub, "cac:TaxCategory", vat.category, vat.rate, vat.exemption_reason,
                  vat.exemption_code)
    if data.tax_currency and data.totals.tax_total_accounting is not None and \
            data.tax_currency != data.currency:
        _el(_el(root, "cac:TaxTotal"), "cbc:TaxAmount", amount(data.totals.tax_total_accounting),
            currencyID=data.tax_currency)


def _totals(root: Any, data: InvoiceData, cur: dict[str, str]) -> None:
    t = data.totals
    assert t is not None
    sums = _el(root, "cac:LegalMonetaryTotal")
    _el(sums, "cbc:LineExtensionAmount", amount(t.line_total), **cur)
    _el(sums, "cbc:TaxExclusiveAmount", amount(t.tax_basis), **cur)
    _el(sums, "cbc:TaxInclusiveAmount", amount(t.grand_total), **cur)
    if t.allowances is not None:
        _el(sums, "cbc:AllowanceTotalAmount", amount(t.allowances), **cur)
    if t.charges is not None:
        _el(sums, "cbc:ChargeTotalAmount", amount(t.charges), **cur)
    _el(sums, "cbc:PrepaidAmount", amount(t.prepaid), **cur)
    if t.rounding is not None:
        _el(sums, "cbc:PayableRoundingAmount", amount(t.rounding), **cur)
    _el(sums, "cbc:PayableAmount", amount(t.due), **cur)


def _line(root: Any, line: Line, credit: bool, cur: dict[str, str]) -> None:
    node = _el(root, "cac:CreditNoteLine" if credit else "cac:InvoiceLine")
    _el(node, "cbc:ID", line.id)
    _opt(node, "cbc:Note", line.note)
    _el(node, "cbc:CreditedQuantity" if credit else "cbc:InvoicedQuantity",
        number(line.quantity), **({"unitCode": line.unit} if line.unit else {}))
    _el(node, "cbc:LineExtensionAmount", amount(line.net_amount or Decimal(0)), **cur)
    _opt(node, "cbc:AccountingCost", line.accounting_reference)
    _period(node, line.period)
    if line.purchase_order_line:
        _el(_el(node, "cac:OrderLineReference"), "cbc:LineID", line.purchase_order_line)
    for ac in line.allowances_charges:
        _allowance(node, ac, cur, document=False)
    item = _el(node, "cac:Item")
    _opt(item, "cbc:Description", line.description)
    _el(item, "cbc:Name", line.name)
    if line.seller_item_id:
        _el(_el(item, "cac:SellersItemIdentification"), "cbc:ID", line.seller_item_id)
    _category(item, "cac:ClassifiedTaxCategory", line.vat_category, line.vat_rate)
    price = _el(node, "cac:Price")
    _el(price, "cbc:PriceAmount", number(line.net_price), **cur)
    if line.base_quantity is not None:
        _el(price, "cbc:BaseQuantity", number(line.base_quantity),
            **({"unitCode": line.base_quantity_unit} if line.base_quantity_unit else {}))
    if line.gross_price is not None:
        discount = _el(price, "cac:AllowanceCharge")
        _el(discount, "cbc:ChargeIndicator", "false")
        _el(discount, "cbc:Amount", number(line.price_discount or Decimal(0)), **cur)
        _el(discount, "cbc:BaseAmount", number(line.gross_price), **cur)
