"""Reading a CII invoice into the semantic model (the inverse of cii.build).

Reading never judges: a missing amount reads as absent or zero, an odd value is kept as text,
so that the official rules (run on the file itself) say what is wrong."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from raccord.features.einvoicing.cii import NS, TAX_POINT_FROM_CII
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
from raccord.features.einvoicing.xmltext import Reader

r = Reader(NS)


def _day(node: Any, path: str) -> date | None:
    return r.day(node, path + "/*[1]", compact=True)


def _address(node: Any) -> Address:
    p = "ram:PostalTradeAddress/ram:"
    return Address(line1=r.text(node, p + "LineOne"), line2=r.text(node, p + "LineTwo"),
                   line3=r.text(node, p + "LineThree"), postcode=r.text(node, p + "PostcodeCode"),
                   city=r.text(node, p + "CityName"),
                   subdivision=r.text(node, p + "CountrySubDivisionName"),
                   country=r.text(node, p + "CountryID"))


def _party(node: Any | None) -> Party:
    if node is None:
        return Party(name="")
    siret, identifier, identifier_scheme = "", "", ""
    for found in node.xpath("ram:GlobalID|ram:ID", namespaces=NS):
        scheme, value = found.get("schemeID") or "", (found.text or "").strip()
        if scheme == "0009" and not siret:
            siret = value
        elif not identifier:
            identifier, identifier_scheme = value, scheme
    legal = r.first(node, "ram:SpecifiedLegalOrganization/ram:ID")
    legal_scheme = legal.get("schemeID") or "" if legal is not None else ""
    legal_value = (legal.text or "").strip() if legal is not None else ""
    siren = legal_value if legal_scheme == "0002" else ""
    endpoint = r.first(node, "ram:URIUniversalCommunication/ram:URIID")
    return Party(
        name=r.text(node, "ram:Name"), siret=siret, siren=siren, identifier=identifier,
        identifier_scheme=identifier_scheme,
        legal_id="" if siren else legal_value, legal_id_scheme="" if siren else legal_scheme,
        trading_name=r.text(node, "ram:SpecifiedLegalOrganization/ram:TradingBusinessName"),
        legal_info=r.text(node, "ram:Description"),
        vat_id=r.text(node, "ram:SpecifiedTaxRegistration/ram:ID[@schemeID='VA']"),
        tax_registration=r.text(node, "ram:SpecifiedTaxRegistration/ram:ID[@schemeID='FC']"),
        electronic_address=(endpoint.text or "").strip() if endpoint is not None else "",
        electronic_address_scheme=(endpoint.get("schemeID") or "") if endpoint is not None
        else "",
        contact_name=r.text(node, "ram:DefinedTradeContact/ram:PersonName"),
        phone=r.text(node, "ram:DefinedTradeContact/ram:TelephoneUniversalCommunication/"
                           "ram:CompleteNumber"),
        email=r.text(node, "ram:DefinedTradeContact/ram:EmailURIUniversalCommunication/"
                           "ram:URIID"),
        address=_address(node))


def _period(node: Any) -> Period | None:
    p = r.first(node, "ram:BillingSpecifiedPeriod")
    if p is None:
        return None
    return Period(start=_day(p, "ram:StartDateTime"), end=_day(p, "ram:EndDateTime"))


def _allowance(node: Any) -> AllowanceCharge:
    return AllowanceCharge(
        charge=r.text(node, "ram:ChargeIndicator/udt:Indicator").lower() == "true",
        amount=r.dec(node, "ram:ActualAmount") or Decimal(0),
        base_amount=r.dec(node, "ram:BasisAmount"), percent=r.dec(node, "ram:CalculationPercent"),
        reason=r.text(node, "ram:Reason"), reason_code=r.text(node, "ram:ReasonCode"),
        vat_category=r.text(node, "ram:CategoryTradeTax/ram:CategoryCode"),
        vat_rate=r.dec(node, "ram:CategoryTradeTax/ram:RateApplicablePercent"))


def _line(item: Any) -> Line:
    agreement = "ram:SpecifiedLineTradeAgreement/"
    net = agreement + "ram:NetPriceProductTradePrice/"
    gross = agreement + "ram:GrossPriceProductTradePrice/"
    base = r.first(item, net + "ram:BasisQuantity")
    if base is None:
        base = r.first(item, gross + "ram:BasisQuantity")
    settlement = "ram:SpecifiedLineTradeSettlement/"
    return Line(
        id=r.text(item, "ram:AssociatedDocumentLineDocument/ram:LineID"),
        note=r.text(item, "ram:AssociatedDocumentLineDocument/ram:IncludedNote/ram:Content"),
        name=r.text(item, "ram:SpecifiedTradeProduct/ram:Name"),
        description=r.text(item, "ram:SpecifiedTradeProduct/ram:Description"),
        seller_item_id=r.text(item, "ram:SpecifiedTradeProduct/ram:SellerAssignedID"),
        net_price=r.dec(item, net + "ram:ChargeAmount") or Decimal(0),
        gross_price=r.dec(item, gross + "ram:ChargeAmount"),
        price_discount=r.dec(item, gross + "ram:AppliedTradeAllowanceCharge/ram:ActualAmount"),
        base_quantity=r.number(base),
        base_quantity_unit=(base.get("unitCode") or "") if base is not None else "",
        quantity=r.dec(item, "ram:SpecifiedLineTradeDelivery/ram:BilledQuantity") or Decimal(0),
        unit=r.attr(item, "ram:SpecifiedLineTradeDelivery/ram:BilledQuantity", "unitCode"),
        net_amount=r.dec(item, settlement + "ram:SpecifiedTradeSettlementLineMonetarySummation/"
                                            "ram:LineTotalAmount") or Decimal(0),
        allowances_charges=[_allowance(n) for n in item.xpath(
            settlement + "ram:SpecifiedTradeAllowanceCharge", namespaces=NS)],
        vat_category=r.text(item, settlement + "ram:ApplicableTradeTax/ram:CategoryCode"),
        vat_rate=r.dec(item, settlement + "ram:ApplicableTradeTax/ram:RateApplicablePercent"),
        period=_period(r.first(item, "ram:SpecifiedLineTradeSettlement")),
        purchase_order_line=r.text(item, agreement + "ram:BuyerOrderReferencedDocument/"
                                                     "ram:LineID"),
        accounting_reference=r.text(item, settlement + "ram:ReceivableSpecifiedTradeAccounting"
                                                       "Account/ram:ID"))


def _delivery(node: Any | None) -> Delivery | None:
    if node is None:
        return None
    ship = r.first(node, "ram:ShipToTradeParty")
    location = r.first(ship, "ram:GlobalID|ram:ID") if ship is not None else None
    found = Delivery(
        party_name=r.text(ship, "ram:Name") if ship is not None else "",
        location_id=(location.text or "").strip() if location is not None else "",
        location_scheme=(location.get("schemeID") or "") if location is not None else "",
        date=_day(node, "ram:ActualDeliverySupplyChainEvent/ram:OccurrenceDateTime"),
        address=_address(ship) if ship is not None and r.first(
            ship, "ram:PostalTradeAddress") is not None else None)
    return None if found.empty() else found


def _accounting_tax(settlement: Any, currency: str, tax_currency: str) -> Decimal | None:
    """BT-111: the VAT total in the accounting currency (the second one when both are the
    invoice's currency, or the same amount when written once)."""
    if not tax_currency or settlement is None:
        return None
    found = settlement.xpath("ram:SpecifiedTradeSettlementHeaderMonetarySummation/"
                             f"ram:TaxTotalAmount[@currencyID='{tax_currency}']", namespaces=NS)
    if tax_currency == currency:
        found = found[1:] or found
    return r.number(found[0]) if found else None


def parse(root: Any) -> InvoiceData:
    """The invoice a CII document describes."""
    tx = "rsm:SupplyChainTradeTransaction/"
    agreement = r.first(root, tx + "ram:ApplicableHeaderTradeAgreement")
    settlement = r.first(root, tx + "ram:ApplicableHeaderTradeSettlement")
    delivery = r.first(root, tx + "ram:ApplicableHeaderTradeDelivery")
    currency = r.text(settlement, "ram:InvoiceCurrencyCode")
    tax_currency = r.text(settlement, "ram:TaxCurrencyCode")
    s = "ram:SpecifiedTradeSettlementHeaderMonetarySummation/ram:"
    means = "ram:SpecifiedTradeSettlementPaymentMeans/"
    first_tax = r.first(settlement, "ram:ApplicableTradeTax")
    payee = r.first(settlement, "ram:PayeeTradeParty")
    rep = r.first(agreement, "ram:SellerTaxRepresentativeTradeParty")
    payee_id = r.first(payee, "ram:GlobalID|ram:ID") if payee is not None else None
    payee_legal = r.first(payee, "ram:SpecifiedLegalOrganization/ram:ID") if payee is not None \
        else None
    notes = [Note(text=r.text(n, "ram:Content"), subject=r.text(n, "ram:SubjectCode"))
             for n in root.xpath("rsm:ExchangedDocument/ram:IncludedNote", namespaces=NS)]
    additional = agreement.xpath("ram:AdditionalReferencedDocument[ram:TypeCode='50']/"
                                 "ram:IssuerAssignedID", namespaces=NS) \
        if agreement is not None else []
    return InvoiceData(
        number=r.text(root, "rsm:ExchangedDocument/ram:ID"),
        type_code=r.text(root, "rsm:ExchangedDocument/ram:TypeCode"),
        issue_date=_day(root, "rsm:ExchangedDocument/ram:IssueDateTime") or date.min,
        due_date=_day(settlement, "ram:SpecifiedTradePaymentTerms/ram:DueDateDateTime"),
        tax_point_date=_day(first_tax, "ram:TaxPointDate") if first_tax is not None else None,
        tax_point_code=TAX_POINT_FROM_CII.get(code := r.text(first_tax, "ram:DueDateTypeCode"),
                                              code) if first_tax is not None else "",
        currency=currency, tax_currency=tax_currency,
        business_process=r.text(root, "rsm:ExchangedDocumentContext/"
                                "ram:BusinessProcessSpecifiedDocumentContextParameter/ram:ID"),
        specification=r.text(root, "rsm:ExchangedDocumentContext/"
                             "ram:GuidelineSpecifiedDocumentContextParameter/ram:ID"),
        buyer_reference=r.text(agreement, "ram:BuyerReference"),
        project=r.text(agreement, "ram:SpecifiedProcuringProject/ram:ID"),
        contract=r.text(agreement, "ram:ContractReferencedDocument/ram:IssuerAssignedID"),
        purchase_order=r.text(agreement, "ram:BuyerOrderReferencedDocument/ram:IssuerAssignedID"),
        sales_order=r.text(agreement, "ram:SellerOrderReferencedDocument/ram:IssuerAssignedID"),
        tender=(additional[0].text or "").strip() if additional else "",
        despatch_advice=r.text(delivery, "ram:DespatchAdviceReferencedDocument/"
                                         "ram:IssuerAssignedID"),
        receiving_advice=r.text(delivery, "ram:ReceivingAdviceReferencedDocument/"
                                          "ram:IssuerAssignedID"),
        accounting_reference=r.text(settlement, "ram:ReceivableSpecifiedTradeAccountingAccount/"
                                                "ram:ID"),
        preceding_invoice=r.text(settlement, "ram:InvoiceReferencedDocument/"
                                             "ram:IssuerAssignedID"),
        preceding_invoice_date=_day(settlement, "ram:InvoiceReferencedDocument/"
                                                "ram:FormattedIssueDateTime"),
        notes=notes, legal_mentions=None,
        seller=_party(r.first(agreement, "ram:SellerTradeParty")),
        buyer=_party(r.first(agreement, "ram:BuyerTradeParty")),
        payee=Payee(name=r.text(payee, "ram:Name"),
                    identifier=(payee_id.text or "").strip() if payee_id is not None else "",
                    identifier_scheme=(payee_id.get("schemeID") or "") if payee_id is not None
                    else "",
                    legal_id=(payee_legal.text or "").strip() if payee_legal is not None else "",
                    legal_id_scheme=(payee_legal.get("schemeID") or "")
                    if payee_legal is not None else "") if payee is not None else None,
        tax_representative=TaxRepresentative(
            name=r.text(rep, "ram:Name"), address=_address(rep),
            vat_id=r.text(rep, "ram:SpecifiedTaxRegistration/ram:ID")) if rep is not None
        else None,
        delivery=_delivery(delivery), period=_period(settlement),
        lines=[_line(item) for item in root.xpath(
            tx + "ram:IncludedSupplyChainTradeLineItem", namespaces=NS)],
        allowances_charges=[_allowance(n) for n in settlement.xpath(
            "ram:SpecifiedTradeAllowanceCharge", namespaces=NS)] if settlement is not None
        else [],
        vat_breakdown=[VatBreakdown(
            category=r.text(tax, "ram:CategoryCode"), rate=r.dec(tax, "ram:RateApplicablePercent"),
            taxable_amount=r.dec(tax, "ram:BasisAmount") or Decimal(0),
            tax_amount=r.dec(tax, "ram:CalculatedAmount") or Decimal(0),
            exemption_reason=r.text(tax, "ram:ExemptionReason"),
            exemption_code=r.text(tax, "ram:ExemptionReasonCode"))
            for tax in (settlement.xpath("ram:ApplicableTradeTax", namespaces=NS)
                        if settlement is not None else [])],
        totals=Totals(
            line_total=r.dec(settlement, s + "LineTotalAmount") or Decimal(0),
            charges=r.dec(settlement, s + "ChargeTotalAmount"),
            allowances=r.dec(settlement, s + "AllowanceTotalAmount"),
            tax_basis=r.dec(settlement, s + "TaxBasisTotalAmount") or Decimal(0),
            tax_total=r.dec(settlement, s + f"TaxTotalAmount[@currencyID='{currency}']")
            or Decimal(0),
            tax_total_accounting=_accounting_tax(settlement, currency, tax_currency),
            rounding=r.dec(settlement, s + "RoundingAmount"),
            grand_total=r.dec(settlement, s + "GrandTotalAmount") or Decimal(0),
            prepaid=r.dec(settlement, s + "TotalPrepaidAmount") or Decimal(0),
            due=r.dec(settlement, s + "DuePayableAmount") or Decimal(0)),
        payment=Payment(
            means_code=r.text(settlement, means + "ram:TypeCode"),
            means_text=r.text(settlement, means + "ram:Information"),
            iban=r.text(settlement, means + "ram:PayeePartyCreditorFinancialAccount/ram:IBANID")
            or r.text(settlement, means + "ram:PayeePartyCreditorFinancialAccount/"
                                          "ram:ProprietaryID"),
            account_name=r.text(settlement, means + "ram:PayeePartyCreditorFinancialAccount/"
                                                    "ram:AccountName"),
            bic=r.text(settlement, means + "ram:PayeeSpecifiedCreditorFinancialInstitution/"
                                           "ram:BICID"),
            card_number=r.text(settlement, means + "ram:ApplicableTradeSettlementFinancialCard/"
                                                   "ram:ID"),
            debited_account=r.text(settlement, means + "ram:PayerPartyDebtorFinancialAccount/"
                                                       "ram:IBANID"),
            mandate=r.text(settlement, "ram:SpecifiedTradePaymentTerms/"
                                       "ram:DirectDebitMandateID"),
            creditor_id=r.text(settlement, "ram:CreditorReferenceID"),
            terms=r.text(settlement, "ram:SpecifiedTradePaymentTerms/ram:Description"),
            remittance=r.text(settlement, "ram:PaymentReference")))
