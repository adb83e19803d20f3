"""The simulated CHORUS PRO portal behind the simulator's routes: structures, technical accounts,
flows and invoices, and its own reading of deposited files (independent of raccord's e-invoice
code, so that the two check each other).

Texts of flow rejections follow the portal's (accents dropped, as the portal sends them); the
catalogue of codes is not public, so the few synchronous refusal codes here are the simulator's.
"""

from __future__ import annotations

import base64
import binascii
import io
import re
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from lxml import etree

from raccord.core.safexml import HostileXml, parse_xml
from raccord.interfaces.chorus.settings import PARIS
from raccord.interfaces.chorus.xsd import CII_NS, xsd_errors

SUPPORTED_SYNTAXES = {"IN_DP_E2_CII_FACTURX": "1117", "IN_DP_E1_CII_16B": "1106",
                      "IN_DP_E1_UBL_INVOICE": "1100"}
KNOWN_SYNTAXES = set(SUPPORTED_SYNTAXES) | {
    "IN_DP_E1_CII", "IN_DP_E1_PES_FACTURE", "IN_DP_E1_XCBL", "IN_DP_E2_UBL_INVOICE_MIN",
    "IN_DP_E2_CII_MIN_16B", "IN_DP_E2_CII_MIN", "IN_DP_E2_CPP_FACTURE_MIN",
    "IN_DP_E2_PES_FACTURE_MIN", "IN_DP_E3_UBL_INVOICE"}
FINAL_FLOW_STATES = {"IN_INTEGRE", "IN_INTEGRE_PARTIEL", "IN_REJETE", "IN_INCIDENTE"}
INVOICE_NUMBER = re.compile(r"^[A-Za-z0-9 +_/-]{1,20}$")
CADRES = {f"A{n}" for n in range(1, 26)}
CREDIT_NOTE_CODES = {"381", "261", "262", "296", "308", "396", "420", "458", "532"}
CII = {"rsm": CII_NS,
       "ram": "urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100",
       "udt": "urn:un:unece:uncefact:data:standard:UnqualifiedDataType:100"}
UBL = {"cbc": "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2",
       "cac": "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2"}


@dataclass
class Service:
    id: int
    code: str
    name: str
    active: bool = True
    engagement_required: bool = False


@dataclass
class Structure:
    id: int
    siret: str
    name: str
    public: bool = True
    service_required: bool = False
    engagement_required: bool = False
    service_or_engagement: bool = False
    services: list[Service] = field(default_factory=list)


@dataclass
class Facts:
    """What the portal reads from a deposited invoice."""

    number: str = ""
    type_code: str = ""
    issue_date: str = ""
    cadre: str = ""
    seller: str = ""
    buyer: str = ""
    service_code: str = ""
    engagement: str = ""
    payment_means: str = ""
    currency: str = "EUR"
    line_total: Decimal | None = None
    tax_basis: Decimal | None = None
    tax_total: Decimal = Decimal("0")
    grand_total: Decimal | None = None
    prepaid: Decimal = Decimal("0")
    due: Decimal | None = None
    lines_net: list[Decimal] = field(default_factory=list)

    @property
    def credit_note(self) -> bool:
        return self.type_code in CREDIT_NOTE_CODES


@dataclass
class Flow:
    number: str
    syntax: str
    file_name: str
    login: str
    deposited_at: float
    outcome: str
    errors_dp: list[dict[str, str]]
    errors_tech: list[dict[str, str]]
    facts: Facts | None
    state: str = "IN_DEPOT_PORTAIL_EN_ATTENTE_TRAITEMENT_SE_CPP"
    changed_at: float = 0.0


@dataclass
class PortalInvoice:
    id: int
    number: str
    flow: str
    facts: Facts
    deposited_on: str
    status: str = "DEPOSEE"
    changed_at: float = 0.0
    history: list[tuple[str, float, str]] = field(default_factory=list)


def _quality_structures() -> list[Structure]:
    """The qualification space's test structures ("matelas de données") and two of ours."""
    return [
        Structure(26300101, "12345678200051", "DESTINATAIRE SANS PARAMETRE", services=[
            Service(27946101, "ACHATS", "Service achats"),
            Service(27946102, "SERV_EJ_OBL", "Service engagement obligatoire",
                    engagement_required=True),
            Service(27946103, "ANCIEN", "Service ferme", active=False),
            Service(27946104, "FACTURES_PUBLIQUES", "Factures entre entites publiques")]),
        Structure(26300102, "12345678200036", "DESTINATAIRE EJ OBLIGATOIRE",
                  engagement_required=True,
                  services=[Service(27946111, "COMPTA", "Comptabilite")]),
        Structure(26300103, "12345678200028", "DESTINATAIRE SERVICE OBLIGATOIRE",
                  service_required=True,
                  services=[Service(27946121, "SERVICE_DEST_SERV_OBL", "Service obligatoire")]),
        Structure(26300104, "12345678200044", "DESTINATAIRE SERVICE ET EJ OBLIGATOIRES",
                  service_required=True, engagement_required=True,
                  services=[Service(27946131, "SERV_ET_EJ", "Service et engagement")]),
        Structure(26300105, "11000201100044", "ETAT - SERVICES FACTURIERS",
                  service_required=True,
                  services=[Service(27946141, "SFACETAT", "Service facturier de l'Etat")]),
        # Not in AIFE's list: a structure asking for a service code OR an engagement number.
        Structure(26300106, "12345678200069", "DESTINATAIRE SERVICE OU EJ",
                  service_or_engagement=True,
                  services=[Service(27946151, "MAIRIE", "Mairie")]),
    ]


class Portal:
    """Flows and invoices of the simulated portal. Thread-safe (handlers run in a pool)."""

    def __init__(self, suppliers: dict[str, str], accounts: dict[str, tuple[str, set[str]]]
                 ) -> None:
        self.lock = threading.RLock()
        self.structures = {s.siret: s for s in _quality_structures()}
        next_id = 26400001
        for siret, name in suppliers.items():
            self.structures[siret] = Structure(next_id, siret, name, public=False)
            next_id += 1
        # login -> (password, SIRETs of the supplier structures it may deposit for)
        self.accounts = accounts
        self.processing_s = 2.0
        self.token_lifetime_s = 3600
        self.lose_next_deposits = 0
        self.reset()

    def reset(self) -> None:
        with self.lock:
            self.flows: dict[str, Flow] = {}
            self.pending: list[Flow] = []
            self.invoices: dict[int, PortalInvoice] = {}
            self.deposits: Counter[str] = Counter()
            self.integrated: set[tuple[str, str]] = set()
            self.arrivals: list[float] = []
            self._flow_seq = 0
            self._invoice_seq = 3125100

    # -- accounts ------------------------------------------------------------------------
    def account(self, header: str | None) -> str | None:
        """The login of a valid `cpro-account` header (base64 of login:password)."""
        if not header:
            return None
        try:
            login, _, password = base64.b64decode(header, validate=True).decode().partition(":")
        except (binascii.Error, UnicodeDecodeError):
            return None
        known = self.accounts.get(login)
        return login if known is not None and known[0] == password else None

    def suppliers_of(self, login: str) -> set[str]:
        return self.accounts[login][1]

    # -- deposit -------------------------------------------------------------------------
    def deposit(self, login: str, syntax: str, file_name: str, content: bytes) -> Flow:
        facts, tech = read_file(syntax, content)
        errors_dp = [] if facts is None or tech else self._business_errors(login, facts)
        outcome = "IN_REJETE" if tech or errors_dp else "IN_INTEGRE"
        with self.lock:
            self._flow_seq += 1
            code = SUPPORTED_SYNTAXES.get(syntax, "1100")
            number = f"CPP001{code}{self._flow_seq:015d}"
            flow = Flow(number, syntax, file_name, login, time.time(), outcome, errors_dp, tech,
                        facts)
            flow.changed_at = flow.deposited_at
            self.flows[number] = flow
            self.pending.append(flow)
            key = f"{facts.seller}/{facts.number}" if facts and facts.number else file_name
            self.deposits[key] += 1
            if outcome == "IN_INTEGRE" and facts is not None:
                self.integrated.add((facts.seller, facts.number))
        return flow

    def _business_errors(self, login: str, f: Facts) -> list[dict[str, str]]:
        errors: list[str] = []
        if not INVOICE_NUMBER.match(f.number):
            errors.append("Le champ identifiant de la facture (FichierXml.ExchangedDocument.ID"
                          ".value) ne doit pas depasser 20 caracteres et ne contient que des "
                          "lettres, chiffres, espaces et + _ / -")
        if f.cadre not in CADRES:
            errors.append("BusinessProcessSpecifiedDocumentContextParameter.ID.value : le "
                          f"cadre de facturation '{f.cadre}' n'est pas valide (A1 a A25)")
        if not f.credit_note and not f.payment_means:
            errors.append("ApplicableHeaderTradeSettlement.SpecifiedTradeSettlementPaymentMeans"
                          ".TypeCode.value est obligatoire")
        if f.seller not in self.suppliers_of(login):
            errors.append("L'identifiant fournisseur de la demande de paiement (balise : "
                          "SellerTradeParty.SpecifiedLegalOrganization.ID.value) n'est pas "
                          "reference dans notre systeme. ")
        buyer = self.structures.get(f.buyer)
        if buyer is None or not buyer.public:
            errors.append("L'identifiant destinataire de la demande de paiement (balise : "
                          "BuyerTradeParty.SpecifiedLegalOrganization.ID.value) n'est pas "
                          "reference dans notre systeme. ")
        else:
            errors += self._recipient_errors(buyer, f)
        errors += _amount_errors(f)
        if (f.seller, f.number) in self.integrated:
            errors.append(f"La facture {f.number} existe deja pour ce fournisseur (doublon).")
        return [{"numeroDP": f.number, "identifiantFournisseur": f.seller,
                 "identifiantDestinataire": f.buyer, "libelleErreurDP": e[:250]}
                for e in errors]

    @staticmethod
    def _recipient_errors(buyer: Structure, f: Facts) -> list[str]:
        errors = []
        service = next((s for s in buyer.services if s.code == f.service_code), None)
        if f.service_code and (service is None or not service.active):
            errors.append(f"Le code service {f.service_code} n'existe pas ou n'est pas actif "
                          f"pour le destinataire {buyer.siret}")
        if f.service_code == "FACTURES_PUBLIQUES":
            errors.append("Le service FACTURES_PUBLIQUES est reserve aux factures entre entites "
                          "publiques")
        if buyer.service_or_engagement:
            if not f.service_code and not f.engagement:
                errors.append(f"Le destinataire {buyer.siret} exige un code service ou un "
                              "numero d'engagement")
            return errors
        if buyer.service_required and not f.service_code:
            errors.append(f"Le code service est obligatoire pour le destinataire {buyer.siret}")
        needs_ej = buyer.engagement_required or (service is not None
                                                 and service.engagement_required)
        if needs_ej and not f.engagement:
            errors.append("Le numero d'engagement est obligatoire pour le destinataire "
                          f"{buyer.siret}")
        return errors

    # -- processing (lazy: states move when someone looks) -------------------------------
    def settle(self, now: float | None = None) -> None:
        now = now or time.time()
        with self.lock:
            still = []
            for flow in self.pending:
                age = now - flow.deposited_at
                if age < self.processing_s / 2:
                    still.append(flow)
                    continue
                if age < self.processing_s:
                    if flow.state != "IN_EN_COURS_TRAITEMENT_CPP":
                        flow.state, flow.changed_at = "IN_EN_COURS_TRAITEMENT_CPP", now
                    still.append(flow)
                    continue
                flow.state, flow.changed_at = flow.outcome, now
                if flow.outcome == "IN_INTEGRE" and flow.facts is not None:
                    self._integrate(flow, now)
            self.pending = still

    def _integrate(self, flow: Flow, now: float) -> None:
        assert flow.facts is not None
        self._invoice_seq += 1
        invoice = PortalInvoice(self._invoice_seq, flow.facts.number, flow.number, flow.facts,
                                _day(flow.deposited_at))
        invoice.history = [("DEPOSEE", flow.deposited_at, ""), ("MISE_A_DISPOSITION", now, "")]
        invoice.status, invoice.changed_at = "MISE_A_DISPOSITION", now
        self.invoices[invoice.id] = invoice

    def set_status(self, invoice_id: int, status: str, comment: str = "") -> PortalInvoice:
        with self.lock:
            invoice = self.invoices[invoice_id]
            now = time.time()
            invoice.status, invoice.changed_at = status, now
            invoice.history.append((status, now, comment))
            return invoice

    def visible_flow(self, login: str, number: str) -> Flow | None:
        self.settle()
        flow = self.flows.get(number)
        return flow if flow is not None and flow.login == login else None

    def visible_invoices(self, login: str) -> list[PortalInvoice]:
        self.settle()
        mine = self.suppliers_of(login)
        with self.lock:
            return [i for i in self.invoices.values() if i.facts.seller in mine]


def _amount_errors(f: Facts) -> list[str]:
    errors = []
    cents = Decimal("0.01")
    if f.lines_net and f.line_total is not None and sum(f.lines_net) != f.line_total:
        errors.append(f"Le montant total HT des lignes ({f.line_total}) n'est pas egal a la "
                      f"somme des montants HT des lignes ({sum(f.lines_net)})")
    if f.tax_basis is not None and f.grand_total is not None and \
            (f.tax_basis + f.tax_total).quantize(cents) != f.grand_total:
        errors.append(f"Le montant TTC ({f.grand_total}) n'est pas egal au montant HT "
                      f"({f.tax_basis}) augmente de la TVA ({f.tax_total})")
    if f.grand_total is not None and f.due is not None and f.grand_total - f.prepaid != f.due:
        errors.append(f"Le montant a payer ({f.due}) n'est pas egal au montant TTC "
                      f"({f.grand_total}) diminue des acomptes ({f.prepaid})")
    return errors


def _day(at: float) -> str:
    return datetime.fromtimestamp(at, PARIS).strftime("%Y-%m-%d")


def stamp(at: float) -> str:
    """`2018-02-16T15:10:25.536+01:00`, the CR's date-time format."""
    return datetime.fromtimestamp(at, PARIS).isoformat(timespec="milliseconds")


def minute(at: float) -> str:
    """`2024-05-02 10:12`, the invoice history's date-time format."""
    return datetime.fromtimestamp(at, PARIS).strftime("%Y-%m-%d %H:%M")


# -- reading deposited files --------------------------------------------------------------
def _tech(code: str, text: str) -> dict[str, str]:
    return {"codeErreur": code, "libelleErreur": f"IRRECEVABILITE: {text}"[:500],
            "natureErreur": "IRRECEVABILITE"}


def read_file(syntax: str, content: bytes) -> tuple[Facts | None, list[dict[str, str]]]:
    """The facts of the one invoice in a flow, or the technical errors that make it
    unreceivable."""
    if syntax not in SUPPORTED_SYNTAXES:
        return None, [_tech("ERR_FORMAT_001",
                            f"la syntaxe {syntax} n'est pas traitee par ce portail de test")]
    xml = content
    if syntax == "IN_DP_E2_CII_FACTURX":
        if not content.startswith(b"%PDF"):
            return None, [_tech("ERR_PDF_001", "le fichier n'est pas un PDF")]
        embedded = _embedded_xml(content)
        if embedded is None:
            return None, [_tech("ERR_PDF_002", "le PDF ne contient pas de fichier "
                                               "factur-x.xml")]
        xml = embedded
    try:
        root = parse_xml(xml)
    except (etree.XMLSyntaxError, HostileXml) as error:
        return None, [_tech("ERR_XML_001", f"XML mal forme - {error}")]
    is_cii = etree.QName(root).namespace == CII_NS
    if syntax != "IN_DP_E1_UBL_INVOICE" and not is_cii:
        return None, [_tech("ERR_XSD_001", "le document n'est pas une facture CII")]
    if syntax == "IN_DP_E1_UBL_INVOICE" and is_cii:
        return None, [_tech("ERR_XSD_001", "le document n'est pas une facture UBL")]
    try:
        problems = xsd_errors(root)
    except ValueError as error:
        return None, [_tech("ERR_XSD_001", str(error))]
    if problems:
        return None, [_tech("ERR_XSD_001", p) for p in problems]
    facts = _cii_facts(root) if is_cii else _ubl_facts(root)
    return facts, []


def _embedded_xml(pdf: bytes) -> bytes | None:
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    try:
        reader = PdfReader(io.BytesIO(pdf))
        for name, contents in reader.attachments.items():
            if name.lower() == "factur-x.xml" and contents:
                return contents[0]
    except (PdfReadError, ValueError, KeyError):
        return None
    return None


def _amount(node: Any, path: str, ns: dict[str, str]) -> Decimal | None:
    found = node.xpath(path, namespaces=ns)
    if not found:
        return None
    try:
        return Decimal(str(found[0].text).strip())
    except (InvalidOperation, AttributeError):
        return None


def _text(node: Any, path: str, ns: dict[str, str]) -> str:
    found = node.xpath(path, namespaces=ns)
    return str(found[0].text or "").strip() if found else ""


def _cii_facts(root: Any) -> Facts:
    head = "rsm:SupplyChainTradeTransaction/"
    agreement = head + "ram:ApplicableHeaderTradeAgreement/"
    settlement = head + "ram:ApplicableHeaderTradeSettlement/"
    sums = settlement + "ram:SpecifiedTradeSettlementHeaderMonetarySummation/"
    currency = _text(root, settlement + "ram:InvoiceCurrencyCode", CII) or "EUR"
    return Facts(
        number=_text(root, "rsm:ExchangedDocument/ram:ID", CII),
        type_code=_text(root, "rsm:ExchangedDocument/ram:TypeCode", CII),
        issue_date=_text(root, "rsm:ExchangedDocument/ram:IssueDateTime/udt:DateTimeString",
                         CII),
        cadre=_text(root, "rsm:ExchangedDocumentContext/"
                    "ram:BusinessProcessSpecifiedDocumentContextParameter/ram:ID", CII),
        # The SIRET: the party identifier of scheme 0009 (BT-29/BT-46), else the legal one.
        seller=_text(root, agreement + "ram:SellerTradeParty/ram:GlobalID[@schemeID='0009']",
                     CII) or _text(root, agreement + "ram:SellerTradeParty/"
                                   "ram:SpecifiedLegalOrganization/ram:ID", CII),
        buyer=_text(root, agreement + "ram:BuyerTradeParty/ram:GlobalID[@schemeID='0009']",
                    CII) or _text(root, agreement + "ram:BuyerTradeParty/"
                                  "ram:SpecifiedLegalOrganization/ram:ID", CII),
        service_code=_text(root, agreement + "ram:BuyerReference", CII),
        engagement=_text(root, agreement + "ram:BuyerOrderReferencedDocument/"
                         "ram:IssuerAssignedID", CII),
        payment_means=_text(root, settlement + "ram:SpecifiedTradeSettlementPaymentMeans/"
                            "ram:TypeCode", CII),
        currency=currency,
        line_total=_amount(root, sums + "ram:LineTotalAmount", CII),
        tax_basis=_amount(root, sums + "ram:TaxBasisTotalAmount", CII),
        tax_total=_amount(root, sums + f"ram:TaxTotalAmount[@currencyID='{currency}']", CII)
        or Decimal("0"),
        grand_total=_amount(root, sums + "ram:GrandTotalAmount", CII),
        prepaid=_amount(root, sums + "ram:TotalPrepaidAmount", CII) or Decimal("0"),
        due=_amount(root, sums + "ram:DuePayableAmount", CII),
        lines_net=[Decimal(str(n.text).strip()) for n in root.xpath(
            head + "ram:IncludedSupplyChainTradeLineItem/ram:SpecifiedLineTradeSettlement/"
            "ram:SpecifiedTradeSettlementLineMonetarySummation/ram:LineTotalAmount",
            namespaces=CII)])


def _ubl_facts(root: Any) -> Facts:
    party = "cac:{}/cac:Party/cac:PartyLegalEntity/cbc:CompanyID"
    # Where CHORUS PRO reads the supplier (PartyIdentification, docs §2.2.1), SIRET 0009.
    siret = "cac:{}/cac:Party/cac:PartyIdentification/cbc:ID[@schemeID='0009']"
    total = "cac:LegalMonetaryTotal/cbc:"
    line_tag = "cac:CreditNoteLine" if "CreditNote" in root.tag else "cac:InvoiceLine"
    return Facts(
        number=_text(root, "cbc:ID", UBL),
        type_code=_text(root, "cbc:InvoiceTypeCode", UBL)
        or _text(root, "cbc:CreditNoteTypeCode", UBL),
        issue_date=_text(root, "cbc:IssueDate", UBL),
        cadre=_text(root, "cbc:ProfileID", UBL),
        seller=_text(root, siret.format("AccountingSupplierParty"), UBL)
        or _text(root, party.format("AccountingSupplierParty"), UBL),
        buyer=_text(root, siret.format("AccountingCustomerParty"), UBL)
        or _text(root, party.format("AccountingCustomerParty"), UBL),
        service_code=_text(root, "cbc:BuyerReference", UBL),
        engagement=_text(root, "cac:OrderReference/cbc:ID", UBL),
        payment_means=_text(root, "cac:PaymentMeans/cbc:PaymentMeansCode", UBL),
        currency=_text(root, "cbc:DocumentCurrencyCode", UBL) or "EUR",
        line_total=_amount(root, total + "LineExtensionAmount", UBL),
        tax_basis=_amount(root, total + "TaxExclusiveAmount", UBL),
        tax_total=_amount(root, "cac:TaxTotal/cbc:TaxAmount", UBL) or Decimal("0"),
        grand_total=_amount(root, total + "TaxInclusiveAmount", UBL),
        prepaid=_amount(root, total + "PrepaidAmount", UBL) or Decimal("0"),
        due=_amount(root, total + "PayableAmount", UBL),
        lines_net=[Decimal(str(n.text).strip()) for n in root.xpath(
            f"{line_tag}/cbc:LineExtensionAmount", namespaces=UBL)])
