"""Reading a UBL 2.1 invoice or credit note into the semantic model (the inverse of ubl.build).

Reading never judges: the name is the legal registration name (BT-27/BT-44) only, the currency is
what the file says (empty when absent), a missing VAT breakdown stays missing; the official rules,
run on the file itself, say what is wrong."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal
from typing import Any

from lxml import etree

from raccord.features.einvoicing.invoice import (
    Address,
    AllowanceCharge,
    Delivery,
    InvoiceData,
    Line,
    Note,
    Party,
    Payee,
    Payment,
    Period,
    TaxRepresentative,
    Totals,
    VatBreakdown,
)
from raccord.features.einvoicing.ubl import NS, UNDEFINED_MEANS
from raccord.features.einvoicing.xmltext import Reader

r = Reader(NS)
SUBJECT = re.compile(r"^#([A-Z]{3})#(.*)$", re.DOTALL)


def _address(node: Any) -> Address:
    if node is None:
        return Address(country="")
    return Address(line1=r.text(node, "cbc:StreetName"),
                   line2=r.text(node, "cbc:AdditionalStreetName"),
                   line3=r.text(node, "cac:AddressLine/cbc:Line"),
                   city=r.text(node, "cbc:CityName"),
                   postcode=r.text(node, "cbc:PostalZone"),
                   subdivision=r.text(node, "cbc:CountrySubentity"),
                   country=r.text(node, "cac:Country/cbc:IdentificationCode"))


def _party(holder: Any) -> Party:
    node = r.first(holder, "cac:Party")
    if node is None:
        return Party(name="")
    siret, identifier, identifier_scheme = "", "", ""
    for found in node.xpath("cac:PartyIdentification/cbc:ID", namespaces=NS):
        scheme, value = found.get("schemeID") or "", (found.text or "").strip()
        if scheme == "SEPA":
            continue  # the creditor identifier (BT-90), read with the payment
        if scheme == "0009" and not siret:
            siret = value
        elif not identifier:
            identifier, identifier_scheme = value, scheme
    legal = r.first(node, "cac:PartyLegalEntity/cbc:CompanyID")
    legal_scheme = (legal.get("schemeID") or "") if legal is not None else ""
    legal_value = (legal.text or "").strip() if legal is not None else ""
    siren = legal_value if legal_scheme == "0002" else ""
    endpoint = r.first(node, "cbc:EndpointID")
    return Party(
        name=r.text(node, "cac:PartyLegalEntity/cbc:RegistrationName"),
        trading_name=r.text(node, "cac:PartyName/cbc:Name"), siret=siret, siren=siren,
        identifier=identifier, identifier_scheme=identifier_scheme,
        legal_id="" if siren else legal_value, legal_id_scheme="" if siren else legal_scheme,
        vat_id=r.text(node, "cac:PartyTaxScheme[cac:TaxScheme/cbc:ID='VAT']/cbc:CompanyID"),
        tax_registration=r.text(node, "cac:PartyTaxScheme[cac:TaxScheme/cbc:ID!='VAT']/"
                                      "cbc:CompanyID"),
        legal_info=r.text(node, "cac:PartyLegalEntity/cbc:CompanyLegalForm"),
        electronic_address=(endpoint.text or "").strip() if endpoint is not None else "",
        electronic_address_scheme=(endpoint.get("schemeID") or "") if endpoint is not None
        else "",
        contact_name=r.text(node, "cac:Contact/cbc:Name"),
        phone=r.text(node, "cac:Contact/cbc:Telephone"),
        email=r.text(node, "cac:Contact/cbc:ElectronicMail"),
        address=_address(r.first(node, "cac:PostalAddress")))


def _period(node: Any) -> Period | None:
    p = r.first(node, "cac:InvoicePeriod")
    if p is None or r.first(p, "cbc:StartDate|cbc:EndDate") is None:
        return None
    return Period(start=r.day(p, "cbc:StartDate"), end=r.day(p, "cbc:EndDate"))


def _allowance(node: Any) -> AllowanceCharge:
    return AllowanceCharge(
        charge=r.text(node, "cbc:ChargeIndicator").lower() == "true",
        amount=r.dec(node, "cbc:Amount") or Decimal(0), base_amount=r.dec(node, "cbc:BaseAmount"),
        percent=r.dec(node, "cbc:MultiplierFactorNumeric"),
        reason=r.text(node, "cbc:AllowanceChargeReason"),
        reason_code=r.text(node, "cbc:AllowanceChargeReasonCode"),
        vat_category=r.text(node, "cac:TaxCategory/cbc:ID"),
        vat_rate=r.dec(node, "cac:TaxCategory/cbc:Percent"))


def _line(n: Any, qty_tag: str) -> Line:
    base = r.first(n, "cac:Price/cbc:BaseQuantity")
    discount = r.first(n, "cac:Price/cac:AllowanceCharge")
    return Line(
        id=r.text(n, "cbc:ID"), note=r.text(n, "cbc:Note"), name=r.text(n, "cac:Item/cbc:Name"),
        description=r.text(n, "cac:Item/cbc:Description"),
        seller_item_id=r.text(n, "cac:Item/cac:SellersItemIdentification/cbc:ID"),
        quantity=r.dec(n, qty_tag) or Decimal(0), unit=r.attr(n, qty_tag, "unitCode"),
        net_amount=r.dec(n, "cbc:LineExtensionAmount") or Decimal(0),
        net_price=r.dec(n, "cac:Price/cbc:PriceAmount") or Decimal(0),
        gross_price=r.dec(discount, "cbc:BaseAmount") if discount is not None else None,
        price_discount=r.dec(discount, "cbc:Amount") if discount is not None else None,
        base_quantity=r.number(base),
        base_quantity_unit=(base.get("unitCode") or "") if base is not None else "",
        allowances_charges=[_allowance(a) for a in n.xpath("cac:AllowanceCharge",
                                                           namespaces=NS)],
        vat_category=r.text(n, "cac:Item/cac:ClassifiedTaxCategory/cbc:ID"),
        vat_rate=r.dec(n, "cac:Item/cac:ClassifiedTaxCategory/cbc:Percent"),
        period=_period(n), purchase_order_line=r.text(n, "cac:OrderLineReference/cbc:LineID"),
        accounting_reference=r.text(n, "cbc:AccountingCost"))


def _notes(root: Any) -> list[Note]:
    notes = []
    for node in root.xpath("cbc:Note", namespaces=NS):
        text = (node.text or "").strip()
        subject = SUBJECT.match(text)
        notes.append(Note(text=subject.group(2), subject=subject.group(1)) if subject
                     else Note(text=text))
    return notes


def _delivery(root: Any) -> Delivery | None:
    node = r.first(root, "cac:Delivery")
    if node is None:
        return None
    location = r.first(node, "cac:DeliveryLocation/cbc:ID")
    address = r.first(node, "cac:DeliveryLocation/cac:Address")
    found = Delivery(date=r.day(node, "cbc:ActualDeliveryDate"),
                     party_name=r.text(node, "cac:DeliveryParty/cac:PartyName/cbc:Name"),
                     location_id=(location.text or "").strip() if location is not None else "",
                     location_scheme=(location.get("schemeID") or "") if location is not None
                     else "",
                     address=_address(address) if address is not None else None)
    return None if found.empty() else found


def parse(root: Any) -> InvoiceData:
    credit = etree.QName(root).localname == "CreditNote"
    qty_tag = "cbc:CreditedQuantity" if credit else "cbc:InvoicedQuantity"
    currency = r.text(root, "cbc:DocumentCurrencyCode")
    tax_currency = r.text(root, "cbc:TaxCurrencyCode")
    means = r.first(root, "cac:PaymentMeans")
    means_code = r.text(means, "cbc:PaymentMeansCode")
    due = r.day(root, "cbc:DueDate") or r.day(root, "cac:PaymentMeans/cbc:PaymentDueDate")
    if credit and means_code == UNDEFINED_MEANS and r.first(
            means, "cbc:PaymentID|cac:PayeeFinancialAccount|cac:CardAccount|"
                   "cac:PaymentMandate") is None:
        means_code = ""  # only there to carry the credit note's due date
    payee = r.first(root, "cac:PayeeParty")
    rep = r.first(root, "cac:TaxRepresentativeParty")
    t = "cac:LegalMonetaryTotal/"
    tender = r.text(root, "cac:OriginatorDocumentReference/cbc:ID")
    project = r.text(root, "cac:ProjectReference/cbc:ID") or r.text(
        root, "cac:AdditionalDocumentReference[cbc:DocumentTypeCode='50']/cbc:ID")
    return InvoiceData(
        number=r.text(root, "cbc:ID"),
        type_code=r.text(root, "cbc:CreditNoteTypeCode" if credit else "cbc:InvoiceTypeCode"),
        issue_date=r.day(root, "cbc:IssueDate") or date.min, due_date=due,
        tax_point_date=r.day(root, "cbc:TaxPointDate"),
        tax_point_code=r.text(root, "cac:InvoicePeriod/cbc:DescriptionCode"),
        currency=currency, tax_currency=tax_currency,
        business_process=r.text(root, "cbc:ProfileID"),
        specification=r.text(root, "cbc:CustomizationID"),
        buyer_reference=r.text(root, "cbc:BuyerReference"),
        project=project, tender=tender,
        contract=r.text(root, "cac:ContractDocumentReference/cbc:ID"),
        purchase_order=r.text(root, "cac:OrderReference/cbc:ID"),
        sales_order=r.text(root, "cac:OrderReference/cbc:SalesOrderID"),
        despatch_advice=r.text(root, "cac:DespatchDocumentReference/cbc:ID"),
        receiving_advice=r.text(root, "cac:ReceiptDocumentReference/cbc:ID"),
        accounting_reference=r.text(root, "cbc:AccountingCost"),
        preceding_invoice=r.text(root, "cac:BillingReference/cac:InvoiceDocumentReference/"
                                       "cbc:ID"),
        preceding_invoice_date=r.day(root, "cac:BillingReference/cac:InvoiceDocumentReference/"
                                           "cbc:IssueDate"),
        notes=_notes(root), legal_mentions=None,
        seller=_party(r.first(root, "cac:AccountingSupplierParty")),
        buyer=_party(r.first(root, "cac:AccountingCustomerParty")),
        payee=Payee(name=r.text(payee, "cac:PartyName/cbc:Name"),
                    identifier=r.text(payee, "cac:PartyIdentification/cbc:ID"),
                    identifier_scheme=r.attr(payee, "cac:PartyIdentification/cbc:ID",
                                             "schemeID"),
                    legal_id=r.text(payee, "cac:PartyLegalEntity/cbc:CompanyID"),
                    legal_id_scheme=r.attr(payee, "cac:PartyLegalEntity/cbc:CompanyID",
                                           "schemeID")) if payee is not None else None,
        tax_representative=TaxRepresentative(
            name=r.text(rep, "cac:PartyName/cbc:Name"),
            vat_id=r.text(rep, "cac:PartyTaxScheme/cbc:CompanyID"),
            address=_address(r.first(rep, "cac:PostalAddress"))) if rep is not None else None,
        delivery=_delivery(root), period=_period(root),
        lines=[_line(n, qty_tag) for n in root.xpath(
            "cac:CreditNoteLine" if credit else "cac:InvoiceLine", namespaces=NS)],
        allowances_charges=[_allowance(n) for n in root.xpath("cac:AllowanceCharge",
                                                              namespaces=NS)],
        vat_breakdown=[VatBreakdown(
            category=r.text(s, "cac:TaxCategory/cbc:ID"),
            rate=r.dec(s, "cac:TaxCategory/cbc:Percent"),
            taxable_amount=r.dec(s, "cbc:TaxableAmount") or Decimal(0),
            tax_amount=r.dec(s, "cbc:TaxAmount") or Decimal(0),
            exemption_reason=r.text(s, "cac:TaxCategory/cbc:TaxExemptionReason"),
            exemption_code=r.text(s, "cac:TaxCategory/cbc:TaxExemptionReasonCode"))
            for s in root.xpath("cac:TaxTotal/cac:TaxSubtotal", namespaces=NS)],
        totals=Totals(
            line_total=r.dec(root, t + "cbc:LineExtensionAmount") or Decimal(0),
            allowances=r.dec(root, t + "cbc:AllowanceTotalAmount"),
            charges=r.dec(root, t + "cbc:ChargeTotalAmount"),
            tax_basis=r.dec(root, t + "cbc:TaxExclusiveAmount") or Decimal(0),
            tax_total=r.dec(root, f"cac:TaxTotal/cbc:TaxAmount[@currencyID='{currency}']")
            or Decimal(0),
            tax_total_accounting=((r.dec(root, f"cac:TaxTotal[not(cac:TaxSubtotal)]/"
                                               f"cbc:TaxAmount[@currencyID='{tax_currency}']")
                                   or r.dec(root, "cac:TaxTotal/cbc:TaxAmount"))
                                  if tax_currency == currency else r.dec(
                                      root, f"cac:TaxTotal/cbc:TaxAmount[@currencyID="
                                            f"'{tax_currency}']")) if tax_currency else None,
            grand_total=r.dec(root, t + "cbc:TaxInclusiveAmount") or Decimal(0),
            prepaid=r.dec(root, t + "cbc:PrepaidAmount") or Decimal(0),
            rounding=r.dec(root, t + "cbc:PayableRoundingAmount"),
            due=r.dec(root, t + "cbc:PayableAmount") or Decimal(0)),
        payment=Payment(
            means_code=means_code, means_text=r.attr(means, "cbc:PaymentMeansCode", "name"),
            iban=r.text(means, "cac:PayeeFinancialAccount/cbc:ID"),
            account_name=r.text(means, "cac:PayeeFinancialAccount/cbc:Name"),
            bic=r.text(means, "cac:PayeeFinancialAccount/cac:FinancialInstitutionBranch/cbc:ID"),
            card_number=r.text(means, "cac:CardAccount/cbc:PrimaryAccountNumberID"),
            mandate=r.text(means, "cac:PaymentMandate/cbc:ID"),
            debited_account=r.text(means, "cac:PaymentMandate/cac:PayerFinancialAccount/cbc:ID"),
            creditor_id=r.text(root, "cac:AccountingSupplierParty/cac:Party/"
                                     "cac:PartyIdentification/cbc:ID[@schemeID='SEPA']"),
            terms=r.text(root, "cac:PaymentTerms/cbc:Note"),
            remittance=r.text(means, "cbc:PaymentID")))
