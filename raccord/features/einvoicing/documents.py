"""E-invoice files: producing Factur-X (EN 16931, PDF/A-3 with the CII embedded), UBL 2.1 or CII
from structured data, and reading back a file the ERP hands over (Factur-X PDF, UBL, CII)."""

from __future__ import annotations

import io
import logging
import re
from dataclasses import dataclass
from enum import StrEnum

from facturx import generate_from_binary
from lxml import etree
from pydantic import ValidationError

from raccord.core.i18n import Tr
from raccord.core.safexml import HostileXml, parse_xml
from raccord.features.einvoicing import cii, cii_read, pdf, pdfa, ubl, ubl_read
from raccord.features.einvoicing.invoice import InvoiceData
from raccord.interfaces.chorus.xsd import CII_NS, UBL_CREDIT_NOTE_NS, UBL_INVOICE_NS

# factur-x logs every generation at INFO: one line per invoice is noise in a worker's log.
logging.getLogger("factur-x").setLevel(logging.WARNING)


class Format(StrEnum):
    FACTURX = "facturx"
    UBL = "ubl"
    CII = "cii"


# What `deposerFluxFacture` calls each format (syntaxeFlux).
SYNTAX = {Format.FACTURX: "IN_DP_E2_CII_FACTURX", Format.UBL: "IN_DP_E1_UBL_INVOICE",
          Format.CII: "IN_DP_E1_CII_16B"}


class UnreadableFile(Exception):
    def __init__(self, message: Tr) -> None:
        super().__init__(message.en)
        self.message = message


@dataclass(frozen=True)
class Document:
    format: Format
    content: bytes
    xml: bytes
    file_name: str

    @property
    def syntax(self) -> str:
        return SYNTAX[self.format]


def safe_name(number: str) -> str:
    return re.sub(r"[^A-Za-z0-9_-]+", "_", number)[:40] or "facture"


def produce(data: InvoiceData, fmt: Format = Format.FACTURX) -> Document:
    """The e-invoice file for structured data (not validated here: see validation)."""
    stem = f"{fmt.value}_chorus_facture_{safe_name(data.number)}"
    if fmt is Format.UBL:
        xml = ubl.build(data)
        return Document(fmt, xml, xml, f"{stem}.xml")
    xml = cii.build(data)
    if fmt is Format.CII:
        return Document(fmt, xml, xml, f"{stem}.xml")
    readable = pdf.render(data)
    content = generate_from_binary(
        readable, xml, flavor="factur-x", level="en16931", check_xsd=False, lang="fr-FR",
        pdf_metadata={"author": data.seller.name, "keywords": "Factur-X, Invoice",
                      "title": f"{data.seller.name}: Invoice {data.number}",
                      "subject": f"Factur-X invoice {data.number} dated "
                                 f"{data.issue_date.isoformat()} issued by {data.seller.name}"})
    return Document(fmt, pdfa.finish(content, "Factur-X, Invoice"), xml, f"{stem}.pdf")


def xml_root(xml: bytes) -> etree._Element:
    try:
        return parse_xml(without_bom(xml))
    except HostileXml:
        raise UnreadableFile(Tr(
            "XML refusé : il déclare un type de document (DOCTYPE, entités) ; une facture UBL "
            "ou CII n'en a pas.",
            "XML refused: it declares a document type (DOCTYPE, entities); a UBL or CII "
            "invoice has none.")) from None
    except etree.XMLSyntaxError as error:
        raise UnreadableFile(Tr(f"XML illisible : {error}.",
                                f"Unreadable XML: {error}.")) from None


def embedded_xml(content: bytes) -> bytes:
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    try:
        attachments = PdfReader(io.BytesIO(content)).attachments
    except (PdfReadError, ValueError, KeyError) as error:
        raise UnreadableFile(Tr(f"PDF illisible : {error}.",
                                f"Unreadable PDF: {error}.")) from None
    for name in ("factur-x.xml", "zugferd-invoice.xml", "ZUGFeRD-invoice.xml"):
        if attachments.get(name):
            return attachments[name][0]
    raise UnreadableFile(Tr(
        "Ce PDF ne contient pas de XML Factur-X (pièce jointe factur-x.xml) : envoyez un "
        "Factur-X, un XML UBL ou CII, ou les données structurées de la facture.",
        "This PDF holds no Factur-X XML (attachment factur-x.xml): send a Factur-X, a UBL or "
        "CII XML, or the invoice's structured data."))


BOM = b"\xef\xbb\xbf"


def without_bom(content: bytes) -> bytes:
    """The bytes without a UTF-8 byte-order mark (and the blanks before the XML)."""
    stripped = content.lstrip()
    return stripped[len(BOM):].lstrip() if stripped.startswith(BOM) else content


def read(content: bytes, file_name: str = "") -> tuple[Document, InvoiceData]:
    """A ready e-invoice from the ERP, and the invoice it describes."""
    content = without_bom(content)
    if content.startswith(b"%PDF"):
        xml, fmt = embedded_xml(content), Format.FACTURX
    elif content.lstrip()[:1] == b"<":
        xml, fmt = content, None
    else:
        raise UnreadableFile(Tr(
            f"« {file_name or 'fichier'} » n'est ni un PDF Factur-X ni un XML UBL/CII.",
            f"'{file_name or 'file'}' is neither a Factur-X PDF nor a UBL/CII XML."))
    root = xml_root(xml)
    namespace = etree.QName(root).namespace
    try:
        if namespace == CII_NS:
            data = cii_read.parse(root)
            fmt = fmt or Format.CII
        elif namespace in (UBL_INVOICE_NS, UBL_CREDIT_NOTE_NS):
            if fmt is Format.FACTURX:
                raise UnreadableFile(Tr("Le XML d'un Factur-X doit être un CII.",
                                        "A Factur-X's XML must be CII."))
            data = ubl_read.parse(root)
            fmt = Format.UBL
        else:
            raise UnreadableFile(Tr(
                f"XML d'un type inconnu ({etree.QName(root).localname}) : attendu une facture "
                "UBL 2.1 ou CII.",
                f"XML of an unknown kind ({etree.QName(root).localname}): expected a UBL 2.1 "
                "or CII invoice."))
    except (ValueError, IndexError, ArithmeticError, ValidationError) as error:
        raise UnreadableFile(Tr(
            f"Facture incomplète ou mal formée : {error}. Vérifiez-la contre le schéma.",
            f"Incomplete or malformed invoice: {error}. Check it against the schema.")) from None
    stem = (file_name.rsplit("/", 1)[-1][-200:]  # the column holds 200 characters
            or f"{fmt.value}_chorus_facture_{safe_name(data.number)}")
    return Document(fmt, content, xml, stem), data
