"""What is checked before an invoice may leave: the XML schema, the EN 16931 business rules that
apply (mandatory terms, code lists, totals and VAT breakdown), and CHORUS PRO's own rules.
Every problem names the field (with its business term) and the rule, in French and English."""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from iso4217 import Currency
from stdnum import iban as iban_number

from raccord.core.i18n import Tr
from raccord.features.einvoicing.invoice import CENT, InvoiceData, money
from raccord.features.einvoicing.structures import PUBLIC_ENTITIES_SERVICE, Buyer
from raccord.interfaces.chorus.xsd import xsd_errors

TYPE_CODES = {"71", "80", "81", "82", "83", "84", "102", "130", "202", "203", "204", "211",
              "218", "219", "261", "262", "295", "296", "308", "325", "326", "331", "380", "381",
              "382", "383", "384", "385", "386", "387", "388", "389", "390", "393", "394", "395",
              "396", "420", "456", "457", "458", "527", "532", "553", "575", "623", "633", "751",
              "780", "817", "870", "875", "876", "877", "935"}
VAT_CATEGORIES = {"S", "Z", "E", "AE", "K", "G", "O", "L", "M"}
ZERO_RATE_CATEGORIES = {"Z", "E", "AE", "K", "G", "O"}
EXEMPTION_NEEDED = {"E", "AE", "K", "G", "O"}
CREDIT_TRANSFER = {"30", "31", "42", "58"}
CHORUS_NUMBER = re.compile(r"^[A-Za-z0-9 +_/-]{1,20}$")
CADRES = {f"A{n}" for n in range(1, 26)}
MAX_ENGAGEMENT = 50


@dataclass(frozen=True)
class Problem:
    field: str
    rule: str
    message: Tr

    def as_dict(self) -> dict[str, str]:
        return {"field": self.field, "rule": self.rule, "fr": self.message.fr,
                "en": self.message.en}

    def text(self, lang: str = "fr") -> str:
        return f"{self.field} [{self.rule}] {self.message(lang)}"


def _p(field: str, rule: str, fr: str, en: str) -> Problem:
    return Problem(field, rule, Tr(fr, en))


def check_xml(root: Any) -> list[Problem]:
    """The official XSD (Factur-X EN 16931 for CII, UBL 2.1) says the document is well built."""
    try:
        errors = xsd_errors(root)
    except ValueError as error:
        return [_p("XML", "XSD", f"Document refusé : {error}.", f"Document refused: {error}.")]
    return [_p("XML", "XSD", f"Non conforme au schéma XML : {e}.",
               f"Not valid against the XML schema: {e}.") for e in errors]


def check_invoice(data: InvoiceData, company_siret: str | None = None) -> list[Problem]:
    """EN 16931 and CHORUS PRO rules that need no call to the portal."""
    problems = list(_mandatory(data)) + list(_code_lists(data)) + list(_amounts(data))
    problems += list(_chorus(data, company_siret))
    return problems


def _mandatory(d: InvoiceData) -> Iterator[Problem]:
    for value, field, rule, fr, en in (
            (d.number, "number (BT-1)", "BR-02", "Le numéro de facture est obligatoire.",
             "The invoice number is required."),
            (d.seller.name, "seller.name (BT-27)", "BR-06", "Le nom du vendeur est obligatoire.",
             "The seller's name is required."),
            (d.buyer.name, "buyer.name (BT-44)", "BR-07", "Le nom de l'acheteur est obligatoire.",
             "The buyer's name is required."),
            (d.seller.address.country, "seller.address.country (BT-40)", "BR-09",
             "Le pays du vendeur est obligatoire.", "The seller's country is required."),
            (d.buyer.address.country, "buyer.address.country (BT-55)", "BR-11",
             "Le pays de l'acheteur est obligatoire.", "The buyer's country is required.")):
        if not value:
            yield _p(field, rule, fr, en)
    if not d.lines:
        yield _p("lines (BG-25)", "BR-16", "La facture doit avoir au moins une ligne.",
                 "The invoice must have at least one line.")
    for n, line in enumerate(d.lines, 1):
        where = f"lines[{n}]"
        if not line.id:
            yield _p(f"{where}.id (BT-126)", "BR-21", "L'identifiant de ligne est obligatoire.",
                     "The line identifier is required.")
        if not line.name:
            yield _p(f"{where}.name (BT-153)", "BR-25", "Le nom de l'article est obligatoire.",
                     "The item name is required.")
        if line.net_price < 0:
            yield _p(f"{where}.net_price (BT-146)", "BR-27",
                     "Le prix net de l'article ne peut pas être négatif.",
                     "The item net price cannot be negative.")
    totals = d.completed().totals
    if totals is not None and totals.due > 0 and not d.due_date and not d.payment.terms:
        yield _p("due_date (BT-9)", "BR-CO-25",
                 "Montant à payer positif : indiquez l'échéance ou les conditions de paiement "
                 "(BT-20).",
                 "Positive amount due: give the due date or the payment terms (BT-20).")


def _code_lists(d: InvoiceData) -> Iterator[Problem]:
    if d.type_code not in TYPE_CODES:
        yield _p("type_code (BT-3)", "BR-CL-01",
                 f"Code de type de facture « {d.type_code} » inconnu (UNTDID 1001 : 380 "
                 "facture, 381 avoir…).",
                 f"Unknown invoice type code '{d.type_code}' (UNTDID 1001: 380 invoice, 381 "
                 "credit note…).")
    try:
        Currency(d.currency)
    except ValueError:
        yield _p("currency (BT-5)", "BR-CL-04", f"Devise « {d.currency} » inconnue (ISO 4217).",
                 f"Unknown currency '{d.currency}' (ISO 4217).")
    for field, country in (("seller.address.country (BT-40)", d.seller.address.country),
                           ("buyer.address.country (BT-55)", d.buyer.address.country)):
        if country and not re.fullmatch(r"[A-Z]{2}", country):
            yield _p(field, "BR-CL-14", f"Code pays « {country} » invalide (ISO 3166-1, ex. FR).",
                     f"Invalid country code '{country}' (ISO 3166-1, e.g. FR).")
    for n, line in enumerate(d.lines, 1):
        if line.vat_category not in VAT_CATEGORIES:
            yield _p(f"lines[{n}].vat_category (BT-151)", "BR-CL-18",
                     f"Catégorie de TVA « {line.vat_category} » inconnue (UNTDID 5305 : S, Z, "
                     "E, AE, K, G, O, L, M).",
                     f"Unknown VAT category '{line.vat_category}' (UNTDID 5305: S, Z, E, AE, K,"
                     " G, O, L, M).")
        elif line.vat_category == "S" and line.vat_rate <= 0:
            yield _p(f"lines[{n}].vat_rate (BT-152)", "BR-S-05",
                     "Taux normal (S) : le taux de TVA doit être supérieur à zéro.",
                     "Standard rate (S): the VAT rate must be above zero.")
        elif line.vat_category in ZERO_RATE_CATEGORIES and line.vat_rate != 0:
            yield _p(f"lines[{n}].vat_rate (BT-152)", f"BR-{line.vat_category}-05",
                     f"Catégorie {line.vat_category} : le taux de TVA doit être 0.",
                     f"Category {line.vat_category}: the VAT rate must be 0.")
        if not re.fullmatch(r"[A-Z0-9]{1,3}", line.unit or ""):
            yield _p(f"lines[{n}].unit (BT-130)", "BR-CL-23",
                     f"Unité « {line.unit} » invalide (UN/ECE rec. 20, ex. C62, HUR, DAY).",
                     f"Invalid unit '{line.unit}' (UN/ECE rec. 20, e.g. C62, HUR, DAY).")
    means = d.payment.means_code
    if means and not (means == "ZZZ" or (means.isdigit() and 1 <= int(means) <= 97)):
        yield _p("payment.means_code (BT-81)", "BR-CL-16",
                 f"Moyen de paiement « {means} » inconnu (UNTDID 4461, ex. 30 virement).",
                 f"Unknown payment means '{means}' (UNTDID 4461, e.g. 30 credit transfer).")


def _amounts(invoice: InvoiceData) -> Iterator[Problem]:
    d = invoice.completed()
    assert d.totals is not None
    t = d.totals
    for n, line in enumerate(d.lines, 1):
        if line.net_amount is not None and abs(line.net_amount - line.computed_net()) > CENT:
            yield _p(f"lines[{n}].net_amount (BT-131)", "RC-LINE-01",
                     f"Montant net {line.net_amount} ≠ quantité × prix net "
                     f"({line.computed_net()}).",
                     f"Net amount {line.net_amount} ≠ quantity × net price "
                     f"({line.computed_net()}).")
    lines_sum = money(sum((ln.net_amount or Decimal(0) for ln in d.lines), Decimal(0)))
    if t.line_total != lines_sum:
        yield _p("totals.line_total (BT-106)", "BR-CO-10",
                 f"Total des lignes {t.line_total} ≠ somme des montants nets des lignes "
                 f"({lines_sum}).",
                 f"Sum of lines {t.line_total} ≠ sum of the lines' net amounts ({lines_sum}).")
    if t.tax_basis != t.line_total:
        yield _p("totals.tax_basis (BT-109)", "BR-CO-13",
                 f"Total HT {t.tax_basis} ≠ total des lignes {t.line_total} (sans remise ni "
                 "frais au niveau du document).",
                 f"Total without VAT {t.tax_basis} ≠ sum of lines {t.line_total} (no "
                 "document-level allowance or charge).")
    if not d.vat_breakdown:
        yield _p("vat_breakdown (BG-23)", "BR-CO-18", "La ventilation de TVA est obligatoire.",
                 "The VAT breakdown is required.")
    tax_sum = money(sum((v.tax_amount for v in d.vat_breakdown), Decimal(0)))
    if t.tax_total != tax_sum:
        yield _p("totals.tax_total (BT-110)", "BR-CO-14",
                 f"Total TVA {t.tax_total} ≠ somme des montants de TVA de la ventilation "
                 f"({tax_sum}).",
                 f"VAT total {t.tax_total} ≠ sum of the breakdown's VAT amounts ({tax_sum}).")
    if t.grand_total != t.tax_basis + t.tax_total:
        yield _p("totals.grand_total (BT-112)", "BR-CO-15",
                 f"Total TTC {t.grand_total} ≠ total HT {t.tax_basis} + TVA {t.tax_total}.",
                 f"Total with VAT {t.grand_total} ≠ total without VAT {t.tax_basis} + VAT "
                 f"{t.tax_total}.")
    if t.due != t.grand_total - t.prepaid:
        yield _p("totals.due (BT-115)", "BR-CO-16",
                 f"Net à payer {t.due} ≠ total TTC {t.grand_total} − déjà payé {t.prepaid}.",
                 f"Amount due {t.due} ≠ total with VAT {t.grand_total} − prepaid {t.prepaid}.")
    yield from _breakdown(d)


def _breakdown(d: InvoiceData) -> Iterator[Problem]:
    bases: dict[tuple[str, Decimal], Decimal] = defaultdict(Decimal)
    for line in d.lines:
        bases[(line.vat_category, line.vat_rate.normalize())] += line.net_amount or Decimal(0)
    given = {(v.category, v.rate.normalize()): v for v in d.vat_breakdown}
    for n, vat in enumerate(d.vat_breakdown, 1):
        where = f"vat_breakdown[{n}]"
        key = (vat.category, vat.rate.normalize())
        if key not in bases:
            yield _p(f"{where}.category (BT-118)", "BR-CO-18",
                     f"Aucune ligne en catégorie {vat.category} à {vat.rate} % : retirez cette "
                     "ventilation.",
                     f"No line in category {vat.category} at {vat.rate} %: remove this "
                     "breakdown.")
            continue
        if vat.taxable_amount != money(bases[key]):
            yield _p(f"{where}.taxable_amount (BT-116)", f"BR-{vat.category}-08",
                     f"Base {vat.taxable_amount} ≠ somme des lignes à {vat.rate} % "
                     f"({money(bases[key])}).",
                     f"Taxable amount {vat.taxable_amount} ≠ sum of the lines at {vat.rate} % "
                     f"({money(bases[key])}).")
        expected = money(vat.taxable_amount * vat.rate / 100)
        if abs(vat.tax_amount - expected) > CENT:
            yield _p(f"{where}.tax_amount (BT-117)", "BR-CO-17",
                     f"TVA {vat.tax_amount} ≠ base × taux ({expected}).",
                     f"VAT {vat.tax_amount} ≠ taxable amount × rate ({expected}).")
        if vat.category in EXEMPTION_NEEDED and not vat.exemption_reason:
            yield _p(f"{where}.exemption_reason (BT-120)", f"BR-{vat.category}-10",
                     f"Catégorie {vat.category} : le motif d'exonération est obligatoire.",
                     f"Category {vat.category}: the exemption reason is required.")
    for category, rate in bases:
        if (category, rate) not in given:
            yield _p("vat_breakdown (BG-23)", f"BR-{category}-01",
                     f"Lignes en catégorie {category} à {rate} % sans ventilation de TVA "
                     "correspondante.",
                     f"Lines in category {category} at {rate} % with no matching VAT "
                     "breakdown.")


def _chorus(d: InvoiceData, company_siret: str | None) -> Iterator[Problem]:
    if d.number and not CHORUS_NUMBER.match(d.number):
        yield _p("number (BT-1)", "CPRO-G1.05",
                 f"CHORUS PRO : le numéro « {d.number} » doit faire 20 caractères au plus "
                 "(lettres, chiffres, espace, + _ / -).",
                 f"CHORUS PRO: the number '{d.number}' must be at most 20 characters (letters, "
                 "digits, space, + _ / -).")
    for field, siret, who_fr, who_en in (("seller.siret (BT-30)", d.seller.siret, "du vendeur",
                                          "seller's"),
                                         ("buyer.siret (BT-47)", d.buyer.siret, "de l'acheteur",
                                          "buyer's")):
        if not re.fullmatch(r"\d{14}", siret or ""):
            yield _p(field, "CPRO-SIRET",
                     f"CHORUS PRO exige le SIRET {who_fr} sur 14 chiffres (reçu « {siret} »).",
                     f"CHORUS PRO requires the {who_en} SIRET, 14 digits (got '{siret}').")
    if company_siret and d.seller.siret and d.seller.siret != company_siret:
        yield _p("seller.siret (BT-30)", "CPRO-SELLER",
                 f"Le SIRET du vendeur {d.seller.siret} n'est pas celui de la société "
                 f"({company_siret}) : le compte technique ne peut déposer que pour elle.",
                 f"The seller SIRET {d.seller.siret} is not the company's ({company_siret}): "
                 "the technical account may only deposit for it.")
    if d.business_process not in CADRES:
        yield _p("business_process (BT-23)", "CPRO-G1.02",
                 f"CHORUS PRO : cadre de facturation « {d.business_process} » invalide (A1 à "
                 "A25 ; A1 pour une facture de fournisseur).",
                 f"CHORUS PRO: invalid billing frame '{d.business_process}' (A1 to A25; A1 for "
                 "a supplier invoice).")
    yield from _chorus_payment(d)
    if len(d.purchase_order) > MAX_ENGAGEMENT:
        yield _p("purchase_order (BT-13)", "CPRO-EJ-LENGTH",
                 f"Le numéro d'engagement dépasse {MAX_ENGAGEMENT} caractères.",
                 f"The engagement number is longer than {MAX_ENGAGEMENT} characters.")


def _chorus_payment(d: InvoiceData) -> Iterator[Problem]:
    pay = d.payment
    if d.credit_note:
        if pay.means_code:
            yield _p("payment.means_code (BT-81)", "CPRO-AVOIR",
                     "CHORUS PRO : un avoir ne porte pas de moyen de paiement.",
                     "CHORUS PRO: a credit note carries no payment means.")
        return
    if not pay.means_code:
        yield _p("payment.means_code (BT-81)", "CPRO-PAIEMENT",
                 "CHORUS PRO : le moyen de paiement est obligatoire (ex. 30 virement).",
                 "CHORUS PRO: the payment means is required (e.g. 30 credit transfer).")
    elif pay.means_code in CREDIT_TRANSFER:
        if not pay.iban:
            yield _p("payment.iban (BT-84)", "BR-61",
                     "Paiement par virement : l'IBAN du bénéficiaire est obligatoire.",
                     "Payment by credit transfer: the payee's IBAN is required.")
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
