"""Reading XML that comes from outside (an ERP's invoice, a service's answer): no document
type declaration at all, so no entity (external, or the billion laughs), no DTD fetched, no
network."""

from __future__ import annotations

from lxml import etree


class HostileXml(ValueError):
    """The XML declares a document type (entities): refused before anything reads it."""


def parse_xml(data: bytes) -> etree._Element:
    """The root element of `data`. Raises etree.XMLSyntaxError for broken XML and HostileXml
    for a document type declaration (an invoice or an API answer never needs one)."""
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False,
                             dtd_validation=False, huge_tree=False)
    root = etree.fromstring(data, parser=parser)
    docinfo = root.getroottree().docinfo
    if docinfo.doctype or docinfo.internalDTD is not None or docinfo.externalDTD is not None:
        raise HostileXml("a document type declaration (DOCTYPE) is not accepted")
    return root
