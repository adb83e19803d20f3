"""Validation and production of e-invoices: each broken rule names its field and rule in both
languages; the Factur-X opens as a PDF/A-3 whose XML passes the official schema; structured
data survives a round trip through Factur-X and UBL with every amount."""

from __future__ import annotations

import io
from decimal import Decimal
from typing import Any

import facturx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pypdf import PdfReader

from raccord.features.einvoicing import documents
from raccord.features.einvoicing.documents import Format
from raccord.features.einvoicing.invoice import InvoiceData
from raccord.features.einvoicing.structures import Buyer
from raccord.features.einvoicing.validation import check_invoice, check_recipient, check_xml
from tests.chorus.conftest import DEMO_SIRET, sample


def rules_of(data: InvoiceData, company_siret: str | None = DEMO_SIRET) -> set[tuple[str, str]]:
    return {(p.field, p.rule) for p in check_invoice(data, company_siret)}


def test_a_correct_invoice_has_no_problem() -> None:
    assert check_invoice(sample(), DEMO_SIRET) == []


SUMS = ("/rsm:CrossIndustryInvoice[1]/rsm:SupplyChainTradeTransaction[1]/"
        "ram:ApplicableHeaderTradeSettlement[1]/"
        "ram:SpecifiedTradeSettlementHeaderMonetarySummation[1]")


def with_totals(**totals: str) -> dict[str, Any]:
    base = {"line_total": "1383.33", "tax_basis": "1383.33", "tax_total": "273.33",
            "grand_total": "1656.66", "prepaid": "0", "due": "1656.66"}
    return {"totals": {**base, **totals}}


# CHORUS PRO's own rules name the JSON field; the official ones the XPath of the Factur-X XML.
BROKEN = [
    ({"number": "F" * 21}, "number (BT-1)", "CPRO-G1.05"),
    ({"number": "F#1"}, "number (BT-1)", "CPRO-G1.05"),
    ({"number": "F#1"}, "/rsm:CrossIndustryInvoice[1]/rsm:ExchangedDocument[1]/ram:ID[1]",
     "BR-FR-02_BT-1"),
    ({"type_code": "999"}, "/rsm:CrossIndustryInvoice[1]/rsm:ExchangedDocument[1]/"
                           "ram:TypeCode[1]", "FX-SCH-A-000555"),
    ({"type_code": "999"}, "/rsm:CrossIndustryInvoice[1]/rsm:ExchangedDocument[1]/"
                           "ram:TypeCode[1]", "BR-FR-04_BT-3"),
    ({"currency": "EURO"}, "/rsm:CrossIndustryInvoice[1]/rsm:SupplyChainTradeTransaction[1]/"
                           "ram:ApplicableHeaderTradeSettlement[1]/ram:InvoiceCurrencyCode[1]",
     "FX-SCH-A-000595"),
    ({"business_process": "B2"}, "business_process (BT-23)", "CPRO-G1.02"),
    ({"seller": {"name": "S", "siret": "732829320"}}, "seller.siret (BT-29)", "CPRO-SIRET"),
    ({"seller": {"name": "S", "siret": "41816609600069", "vat_id": "FR44418166096"}},
     "seller.siret (BT-29)", "CPRO-SELLER"),
    ({"seller": {"name": "S", "address": {"country": "DE"}}}, "seller.vat_id (BT-31)",
     "CPRO-UE-HORS-FRANCE"),
    ({"seller": {"name": "S", "address": {"country": "CH"}}}, "seller.identifier (BT-29)",
     "CPRO-HORS-UE"),
    ({"buyer": {"name": "B", "siret": "1234"}}, "buyer.siret (BT-46)", "CPRO-SIRET"),
    ({"buyer": {"name": "", "siret": "12345678200051"}}, "/rsm:CrossIndustryInvoice[1]/"
     "rsm:SupplyChainTradeTransaction[1]/ram:ApplicableHeaderTradeAgreement[1]/"
     "ram:BuyerTradeParty[1]/ram:Name[1]", "PEPPOL-EN16931-R008"),
    ({"buyer": {"name": "", "siret": "12345678200051"}}, "/rsm:CrossIndustryInvoice[1]",
     "BR-07"),
    ({"lines": []}, "/rsm:CrossIndustryInvoice[1]", "BR-16"),
    ({"payment": {"means_code": ""}}, "payment.means_code (BT-81)", "CPRO-PAIEMENT"),
    ({"payment": {"means_code": "30"}}, "payment.iban (BT-84)", "CPRO-IBAN"),
    ({"payment": {"means_code": "30", "iban": "FR7630006000011234567890180"}},
     "payment.iban (BT-84)", "CPRO-IBAN"),
    ({"type_code": "381", "preceding_invoice": "F-1", "preceding_invoice_date": "2026-11-01"},
     "payment.means_code (BT-81)", "CPRO-AVOIR"),
    ({"purchase_order": "E" * 51}, "purchase_order (BT-13)", "CPRO-EJ-LENGTH"),
    (with_totals(line_total="1383.34"), SUMS, "BR-CO-10"),
    (with_totals(tax_total="273.00"), SUMS, "BR-CO-14"),
    (with_totals(grand_total="1656.00"), SUMS, "BR-CO-15"),
    (with_totals(due="1000.00"), SUMS, "BR-CO-16"),
]


@pytest.mark.parametrize(("change", "field", "rule"), BROKEN)
def test_each_broken_rule_names_its_field_and_rule(change: dict[str, Any], field: str,
                                                   rule: str) -> None:
    data = sample(**change)
    problems = check_invoice(data, DEMO_SIRET)
    assert any(p.rule == rule and p.field.startswith(field) for p in problems), problems
    for problem in problems:
        assert problem.message.fr and problem.message.en and problem.message.fr != \
            problem.message.en


def test_payment_means_98_and_a_foreign_supplier_with_its_vat_number_are_accepted() -> None:
    assert check_invoice(sample(payment={"means_code": "98"}), DEMO_SIRET) == []
    german = sample(seller={"name": "Muster GmbH", "vat_id": "DE123456789",
                            "electronic_address": "rechnung@muster.de",
                            "address": {"line1": "Hauptstr. 1", "postcode": "10115",
                                        "city": "Berlin", "country": "DE"}})
    assert check_invoice(german, DEMO_SIRET) == []


def test_line_and_vat_breakdown_rules() -> None:
    lines = [{"id": "1", "name": "A", "quantity": "2", "net_price": "10", "vat_rate": "20"},
             {"id": "2", "name": "B", "quantity": "1", "net_price": "5", "vat_category": "E",
              "vat_rate": "0"},
             {"id": "3", "name": "C", "quantity": "1", "net_price": "5", "vat_category": "S",
              "vat_rate": "0"}]
    breakdown = [{"category": "S", "rate": "20", "taxable_amount": "21", "tax_amount": "6.50"},
                 {"category": "E", "rate": "0", "taxable_amount": "5", "tax_amount": "0"}]
    found = {p.rule for p in check_invoice(sample(lines=lines, vat_breakdown=breakdown))}
    assert {"BR-S-05", "BR-S-08", "BR-CO-17", "BR-E-10"} <= found


def test_recipient_rules_of_the_buyers_structure() -> None:
    services = [{"id": 1, "code": "ACHATS", "active": True},
                {"id": 2, "code": "ANCIEN", "active": False},
                {"id": 3, "code": "FACTURES_PUBLIQUES", "active": True}]
    buyer = Buyer("12345678200044", True, "Mairie", 7, service_required=True,
                  engagement_required=True, services=services)
    rules = {p.rule for p in check_recipient(sample(), buyer, False)}
    assert rules == {"CPRO-SERVICE-OBLIGATOIRE", "CPRO-EJ-OBLIGATOIRE"}
    inactive = check_recipient(sample(buyer_reference="ANCIEN", purchase_order="EJ1"), buyer,
                               False)
    assert "ACHATS" in inactive[0].message.en and "ANCIEN" not in inactive[0].message.en[40:]
    public = check_recipient(sample(buyer_reference="FACTURES_PUBLIQUES", purchase_order="E"),
                             buyer, False)
    assert "FACTURES_PUBLIQUES" in public[0].message.fr
    either = Buyer("1", True, "Ville", 8, service_or_engagement=True, services=services)
    assert check_recipient(sample(purchase_order="EJ-1"), either, False) == []
    assert check_recipient(sample(), either, False)[0].rule == "CPRO-SERVICE-OU-EJ"
    unknown = check_recipient(sample(), Buyer("12345678200093", False), False)
    assert unknown[0].field == "buyer.siret (BT-47)"


def test_the_facturx_opens_as_a_pdf_and_its_xml_passes_the_schema() -> None:
    doc = documents.produce(sample(), Format.FACTURX)
    assert doc.syntax == "IN_DP_E2_CII_FACTURX" and doc.file_name.endswith(".pdf")
    reader = PdfReader(io.BytesIO(doc.content))
    text = reader.pages[0].extract_text()
    assert "F-2026-0001" in text and "Démo SARL" in text
    assert "pdfaid" in reader.xmp_metadata.rdf_root.toxml()  # type: ignore[union-attr]
    name, xml = facturx.get_xml_from_pdf(doc.content, check_xsd=False)
    assert name == "factur-x.xml"
    assert facturx.xml_check_xsd(xml, flavor="factur-x", level="en16931")
    assert check_xml(documents.xml_root(xml)) == []


def test_ubl_is_produced_on_request_and_passes_its_schema() -> None:
    doc = documents.produce(sample(), Format.UBL)
    assert doc.syntax == "IN_DP_E1_UBL_INVOICE"
    assert facturx.xml_check_xsd(doc.content, flavor="ubl-2.1-invoice")
    credit = documents.produce(sample(type_code="381", payment={}, preceding_invoice="F-1"),
                               Format.UBL)
    assert facturx.xml_check_xsd(credit.content, flavor="ubl-2.1-creditnote")


def test_a_file_that_breaks_the_schema_is_reported() -> None:
    xml = documents.produce(sample(), Format.CII).content.replace(
        b"<ram:TypeCode>380</ram:TypeCode>", b"<ram:Kind>380</ram:Kind>")
    problems = check_xml(documents.xml_root(xml))
    assert problems and problems[0].rule == "XSD" and problems[0].field == "XML"


def test_unreadable_files_are_refused_with_a_reason() -> None:
    with pytest.raises(documents.UnreadableFile) as error:
        documents.read(b"%PDF-1.4 not really", "x.pdf")
    assert "PDF" in error.value.message.en
    with pytest.raises(documents.UnreadableFile):
        documents.read(b"hello", "x.txt")


amounts = st.decimals(min_value=Decimal("0.01"), max_value=Decimal("99999.99"), places=2)
quantities = st.decimals(min_value=Decimal("0.5"), max_value=Decimal("500"), places=1)


@settings(max_examples=15, deadline=None)
@given(st.lists(st.tuples(quantities, amounts, st.sampled_from(["20", "10", "5.5", "2.1"])),
                min_size=1, max_size=6),
       st.sampled_from([Format.FACTURX, Format.UBL, Format.CII]))
def test_structured_data_round_trips_with_every_amount(
        lines: list[tuple[Decimal, Decimal, str]], fmt: Format) -> None:
    data = sample(lines=[{"id": str(n), "name": f"Article {n}", "quantity": str(q),
                          "net_price": str(p), "vat_rate": r}
                         for n, (q, p, r) in enumerate(lines, 1)])
    doc = documents.produce(data, fmt)
    read_doc, back = documents.read(doc.content, doc.file_name)
    assert read_doc.format is fmt
    assert back.model_dump() == data.canonical().model_dump()
    assert check_invoice(back, DEMO_SIRET) == []


def test_quantities_are_written_without_trailing_zeros_nor_negative_zero() -> None:
    from decimal import Decimal

    from raccord.features.einvoicing.xmltext import amount, number

    assert [number(Decimal(v)) for v in ("1.500", "-0.00", "0", "20")] == ["1.5", "0", "0", "20"]
    assert amount(Decimal("12.5")) == "12.50"
