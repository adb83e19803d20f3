"""French receipts read from their text: comma decimals, TOTAL TTC / NET A PAYER, TVA by rate
(20 %, 10 %, 5,5 %, 2,1 %), HT, dates in several writings, SIRET, the merchant from the header.

Each value is chosen with the others in mind: a total that equals HT plus the VAT lines, a VAT
amount that is its rate of its base, are kept over a lone match, and the confidence says how
much agreed."""

from __future__ import annotations

import itertools
import re
import unicodedata
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation

from raccord.interfaces.ocr.reading import ReceiptReading, VatAmount

CENT = Decimal("0.01")
RATES = (Decimal("20"), Decimal("10"), Decimal("5.5"), Decimal("2.1"), Decimal("8.5"),
         Decimal("13"), Decimal("19.6"), Decimal("7"), Decimal("0"))
MONTHS = {"janv": 1, "jan": 1, "fev": 2, "feb": 2, "mars": 3, "mar": 3, "avr": 4, "apr": 4,
          "mai": 5, "may": 5, "juin": 6, "jun": 6, "juil": 7, "jul": 7, "aou": 8, "aout": 8,
          "aug": 8, "sep": 9, "sept": 9, "oct": 10, "nov": 11, "dec": 12}
# An amount: 12,50 / 1 234,50 / 12.50, with an OCR space around the comma tolerated.
AMOUNT = re.compile(r"(?<![\d,.])(-?\d{1,3}(?:[ ']\d{3})+|-?\d+) ?[,.] ?(\d{2})(?![\d%])")
RATE = re.compile(r"(?<![\d,.])(\d{1,3}(?:[,.]\d{1,2})?) ?%")
NUMERIC_DATE = re.compile(r"(?<!\d)(\d{1,2}) ?[/.\-] ?(\d{1,2}) ?[/.\-] ?(\d{4}|\d{2})(?![\d])")
ISO_DATE = re.compile(r"(?<!\d)(20\d{2})[-/.](\d{1,2})[-/.](\d{1,2})(?!\d)")
WORD_DATE = re.compile(r"(?<!\d)(\d{1,2})(?:ER)?[ \-/.]?([A-Z]{3,9})\.?[ \-/.]?(\d{4}|\d{2})(?!\d)")
TIME = re.compile(r"(?<!\d)([01]?\d|2[0-3]) ?[:hH] ?([0-5]\d)(?![\d,])")
SIRET = re.compile(r"(?<!\d)(\d(?: ?\d){13})(?!\d)")
TOTAL_STRONG = ("TOTAL TTC", "MONTANT TTC", "NET A PAYER", "TOTAL A PAYER", "A PAYER",
                "TOTAL EUR", "TOTAL EN EUR", "TOTAL T.T.C", "TTC A PAYER", "MONTANT A PAYER",
                "TOTAL CB", "TOTAL DU", "TOTAL NET")
PAYMENT = ("CB", "CARTE", "VISA", "MASTERCARD", "SANS CONTACT", "PAIEMENT", "REGLEMENT",
           "CHEQUE", "TICKET RESTAURANT", "TITRE RESTAURANT")
NOT_TOTAL = ("HT", "H.T", "TVA", "T.V.A", "SOUS", "SUBTOTAL", "SUB TOTAL", "RENDU", "MONNAIE",
             "ESPECES", "REMISE", "ECONOMIE", "FIDELITE", "POINTS", "CAGNOTTE", "ARTICLE",
             "ARTICLES", "HORS TAXE", "HORS TAXES")
HEADER_SKIP = ("BIENVENUE", "TICKET", "FACTURE", "RECU", "SIRET", "SIREN", "TEL", "FAX",
               "WWW", "HTTP", "HTTPS", "@", "TVA", "RCS", "APE", "NAF", "CAISSE", "DATE",
               "MAGASIN N",
               "CLIENT", "DUPLICATA", "NOTE", "ADDITION")
STREET_WORDS = ("RUE", "AVENUE", "AV ", "BD ", "BOULEVARD", "PLACE", "CHEMIN", "ROUTE", "QUAI",
                "ALLEE", "IMPASSE", "ZA ", "ZI ", "ZAC", "CEDEX", "CENTRE COMMERCIAL", "C.C")
CATEGORIES = (
    ("gasoline", ("GAZOLE", "GASOIL", "SP95", "SP98", "E10", "E85", "CARBURANT", "ESSENCE",
                  "DIESEL", "GPL", "POMPE", "EUR/L", "/L ")),
    ("toll", ("PEAGE", "AUTOROUTE", "VINCI AUTOROUTES", "SANEF", "APRR")),
    ("parking", ("PARKING", "STATIONNEMENT", "HORODATEUR")),
    ("accommodation", ("HOTEL", "NUITEE", "CHAMBRE", "TAXE DE SEJOUR", "HEBERGEMENT")),
    ("transport", ("SNCF", "TGV", "TER ", "BILLET", "TAXI", "VTC", "UBER", "RATP", "TCL",
                   "COURSE", "AIR FRANCE", "BUS")),
    ("food", ("RESTAURANT", "BRASSERIE", "CAFE", "BISTRO", "PIZZ", "MENU", "COUVERT", "TABLE",
              "PLAT", "DESSERT", "BOULANGERIE", "TRAITEUR", "BAR ", "SNACK", "BURGER")),
    ("telecom", ("BOUTIQUE ORANGE", "SFR", "BOUYGUES TELECOM", "FREE MOBILE", "FORFAIT")),
    ("shopping", ("CARREFOUR", "MONOPRIX", "LECLERC", "AUCHAN", "LIDL", "FRANPRIX",
                  "INTERMARCHE", "CASINO", "SUPER U", "U EXPRESS", "FNAC", "ARTICLES")),
)


@dataclass(frozen=True)
class Line:
    text: str  # as read
    key: str  # upper case, without accents, for keywords
    confidence: float  # 0..1


def fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).upper()


# Printers that slash or dot their zeros make Tesseract read 6, 8 or 9: where a value fails its
# check (a month of 61, a rate of 16 %, a VAT that is not its rate of its base), the same
# writing with some of those digits read as 0 is tried, fewest changes first.
ZERO_LIKE = "689"


def zero_variants(text: str, most: int = 3) -> list[str]:
    spots = [i for i, c in enumerate(text) if c in ZERO_LIKE]
    found = []
    for n in range(1, min(most, len(spots)) + 1):
        for combo in itertools.combinations(spots, n):
            chars = list(text)
            for i in combo:
                chars[i] = "0"
            found.append("".join(chars))
    return found


def value_variants(value: Decimal) -> list[Decimal]:
    """The amount as read, then as it may have been printed (slashed zeros)."""
    return [value, *(Decimal(v) for v in zero_variants(f"{value:.2f}"))]


DIGIT_LOOKALIKES = str.maketrans({"θ": "0", "Θ": "0", "ø": "0", "Ø": "0",
                                  "O": "0", "o": "0", "D": "0", "Q": "0", "l": "1", "I": "1",
                                  "|": "1", "!": "1", "S": "5", "s": "5", "B": "8", "Z": "2",
                                  "z": "2", "G": "6"})
LOOKALIKE_NUMBER = re.compile(r"(?<![A-Za-z])[0-9OoDQlI|SsBZzG]{1,6} ?[,.] ?[0-9OoDQlI|SsBZzG]{2}"
                              r"(?![A-Za-z0-9])")


def repair_numbers(text: str) -> str:
    """Letters OCR mistakes for digits, where a number is expected (`1O,5O` → `10,50`), and
    the euro sign read as a letter after an amount."""
    def fix(match: re.Match[str]) -> str:
        token = match.group(0)
        if sum(c.isdigit() for c in token) < 2:
            return token
        return token.translate(DIGIT_LOOKALIKES)

    text = LOOKALIKE_NUMBER.sub(fix, text)
    return re.sub(r"(\d[,.]\d{2}) ?[€Ee](?![A-Za-z])", r"\1 €", text)


def make_lines(raw: list[tuple[str, float]]) -> list[Line]:
    lines = []
    for text, confidence in raw:
        text = " ".join(text.split())
        if text:
            fixed = repair_numbers(text)
            lines.append(Line(fixed, fold(fixed), confidence))
    return lines


def _decimal(whole: str, cents: str) -> Decimal | None:
    try:
        return Decimal(f"{whole.replace(' ', '').replace(chr(39), '')}.{cents}")
    except InvalidOperation:
        return None


def _masked(key: str) -> str:
    """The line without its dates, times and percentages, so none is taken for an amount."""
    key = NUMERIC_DATE.sub(" ", key)
    key = ISO_DATE.sub(" ", key)
    key = RATE.sub(" ", key)
    return TIME.sub(lambda m: " " if ":" in m.group(0) or "H" in m.group(0) else m.group(0),
                    key)


def amounts(line: Line) -> list[Decimal]:
    found = []
    for match in AMOUNT.finditer(_masked(line.key)):
        value = _decimal(match.group(1), match.group(2))
        if value is not None and value >= 0:
            found.append(value)
    return found


def has(key: str, words: tuple[str, ...]) -> bool:
    """Whether the line holds one of the words (as whole words; marks such as "@" anywhere)."""
    for word in words:
        word = word.strip()
        if word[0].isalnum() and word[-1].isalnum():
            if re.search(rf"(?<![A-Z0-9]){re.escape(word)}(?![A-Z0-9])", key):
                return True
        elif word in key:
            return True
    return False


# -- the date -----------------------------------------------------------------------------------
def _valid(year: int, month: int, day: int) -> date | None:
    if year < 100:
        year += 2000
    try:
        found = date(year, month, day)
    except ValueError:
        return None
    return found if 2000 <= found.year <= 2099 else None


LOOSE_ISO = re.compile(r"(?<!\d)([2-9][069]\d{2})[-/.](\d{1,2})[-/.](\d{1,2})(?!\d)")


def _repaired(match: re.Match[str], order: tuple[int, int, int]) -> tuple[date | None, bool]:
    """The date a match writes (groups in year, month, day `order`), or the nearest one with
    slashed zeros read back as 0."""
    parts = [match.group(i) for i in order]
    if (d := _valid(int(parts[0]), int(parts[1]), int(parts[2]))) is not None:
        return d, False
    joined = "|".join(parts)
    for variant in zero_variants(joined):
        y, m, dd = variant.split("|")
        if (d := _valid(int(y), int(m), int(dd))) is not None:
            return d, True
    return None, False


def dates_read(line: Line) -> list[tuple[date, bool]]:
    """The dates on a line, each with whether slashed zeros had to be read back."""
    found = []
    key = line.key.replace("O", "0") if re.search(r"\d[O0]?[/.\-]", line.key) else line.key
    iso_spans = []
    for m in LOOSE_ISO.finditer(key):
        d, fixed = _repaired(m, (1, 2, 3))
        if d is not None:
            found.append((d, fixed))
            iso_spans.append(m.span())
    for m in NUMERIC_DATE.finditer(key):
        if any(a <= m.start() < b for a, b in iso_spans):
            continue
        d, fixed = _repaired(m, (3, 2, 1))
        if d is not None:
            found.append((d, fixed))
    for m in WORD_DATE.finditer(key):
        month = next((n for name, n in MONTHS.items() if m.group(2).startswith(name.upper())
                      and len(m.group(2)) <= len(name) + 6), None)
        if month is None:
            continue
        year, day = m.group(3), m.group(1)
        for y in (year, *zero_variants(year)):
            if (d := _valid(int(y), month, int(day))) is not None:
                found.append((d, y != year))
                break
    return found


def dates(line: Line) -> list[date]:
    found = [d for d, _ in dates_read(line)]
    return found


def pick_date(lines: list[Line]) -> tuple[date | None, float]:
    best: tuple[float, date] | None = None
    for line in lines:
        for found, fixed in dates_read(line):
            score = line.confidence + (0.3 if has(line.key, ("DATE", "LE")) else 0.0)
            score -= 0.25 if fixed else 0.0
            if best is None or score > best[0]:
                best = (score, found)
    if best is None:
        return None, 0.0
    return best[1], min(0.99, 0.55 + 0.4 * min(best[0], 1.0))


def pick_time(lines: list[Line]) -> str | None:
    for line in lines:
        if dates(line) or has(line.key, ("HEURE", "H")):
            for m in TIME.finditer(NUMERIC_DATE.sub(" ", line.key)):
                return f"{int(m.group(1)):02d}:{m.group(2)}"
    return None


# -- the VAT lines ------------------------------------------------------------------------------
def _rate(text: str) -> Decimal | None:
    for written in (text, *zero_variants(text, 2)):
        try:
            value = Decimal(written.replace(",", "."))
        except InvalidOperation:
            continue
        rate = next((r for r in RATES if abs(r - value) < Decimal("0.01")), None)
        if rate is not None:
            return rate
    return None


def _vat_of(base: Decimal, rate: Decimal) -> Decimal:
    return (base * rate / 100).quantize(CENT)


def _close(a: Decimal, b: Decimal, cents: int = 2) -> bool:
    return abs(a - b) <= CENT * cents


def _pair(values: list[Decimal], rate: Decimal, strict: bool) -> VatAmount | None:
    """A base and its VAT among a line's amounts (as read, else with zeros read back)."""
    options = [[v] for v in values] if strict else [value_variants(v) for v in values]
    for i in range(len(values)):  # base and VAT, the base first in a table row
        for j in [*range(i + 1, len(values)), *range(i)]:
            for base, amount in itertools.product(options[i], options[j]):
                if amount < base and _close(_vat_of(base, rate), amount, 1):
                    return VatAmount(rate, amount, base)
    for i in range(len(values)):  # VAT given with the incl.-tax amount only
        for j in range(len(values)):
            if i == j:
                continue
            for incl, amount in itertools.product(options[i], options[j]):
                if amount < incl and _close(
                        incl - (incl / (1 + rate / 100)).quantize(CENT), amount, 1):
                    return VatAmount(rate, amount, incl - amount)
    return None


LOST_COMMA = re.compile(r"(?<![\d,.])(\d{3,5})(?![\d,.%])")


def row_amounts(line: Line) -> list[Decimal]:
    """A VAT row's amounts, with "196" read as 1,96 when the comma was lost (and no real
    amount stands at that place)."""
    masked = _masked(line.key)
    found: list[tuple[int, Decimal]] = []
    for match in AMOUNT.finditer(masked):
        value = _decimal(match.group(1), match.group(2))
        if value is not None:
            found.append((match.start(), value))
    for match in LOST_COMMA.finditer(AMOUNT.sub(lambda m: "#" * len(m.group(0)), masked)):
        found.append((match.start(), (Decimal(match.group(1)) / 100).quantize(CENT)))
    return [v for _, v in sorted(found)]


def vat_from_line(line: Line, rate: Decimal) -> VatAmount | None:
    values = row_amounts(line)
    if rate == 0:
        return VatAmount(rate, Decimal("0.00"), values[0] if values else None)
    found = _pair(values, rate, strict=True) or _pair(values, rate, strict=False)
    if found is not None:
        return found
    if len(values) == 1:
        return VatAmount(rate, values[0], None)
    return None


def vat_without_rate(line: Line) -> VatAmount | None:
    """A VAT table row whose rate could not be read: the rate its amounts agree on."""
    values = row_amounts(line)
    if len(values) < 2:
        return None
    for strict in (True, False):
        for rate in RATES[:-1]:
            found = _pair(values, rate, strict)
            if found is not None and found.base is not None and found.base > 1:
                return found
    return None


def pick_vat(lines: list[Line]) -> tuple[list[VatAmount], float]:
    found: dict[Decimal, VatAmount] = {}
    confidences: list[float] = []
    in_table = False
    for line in lines:
        if has(line.key, ("TAUX", "TVA", "T.V.A")) and has(line.key, ("HT", "TTC", "BASE")) \
                and not amounts(line):
            in_table = True
            continue
        if has(line.key, ("REMISE", "PROMO")):
            continue
        rates = [r for m in RATE.finditer(line.key) if (r := _rate(m.group(1))) is not None]
        if len(rates) != 1:
            if (in_table or "%" in line.key) and not has(line.key, TOTAL_STRONG):
                found_row = vat_without_rate(line)
                if found_row is not None and found_row.rate not in found:
                    found[found_row.rate] = found_row
                    confidences.append(line.confidence * 0.7)
            continue
        rate = rates[0]
        vat = vat_from_line(line, rate)
        if vat is None or rate in found and found[rate].base is not None:
            continue
        if rate == 0 and not in_table and not has(line.key, ("TVA", "T.V.A", "TAUX", "EXO")):
            continue
        if vat.base is None and not has(line.key, ("TVA", "T.V.A", "VAT")):
            continue
        found[rate] = vat
        confidences.append(line.confidence * (1.0 if vat.base is not None else 0.85))
    lines_found = sorted(found.values(), key=lambda v: -v.rate)
    if not lines_found:
        return [], 0.0
    return lines_found, sum(confidences) / len(confidences)


# -- the totals ---------------------------------------------------------------------------------
def total_candidates(lines: list[Line]) -> list[tuple[float, Decimal, float]]:
    """(how much the line says "total", the amount, the line's confidence)."""
    found = []
    for i, line in enumerate(lines):
        values = amounts(line)
        if has(line.key, NOT_TOTAL) and not has(line.key, ("TTC",)):
            continue
        if has(line.key, TOTAL_STRONG):
            weight = 3.0
        elif has(line.key, ("TOTAL", "MONTANT", "SOMME")):
            weight = 2.0
        elif has(line.key, PAYMENT):
            weight = 1.0
        else:
            continue
        confidence = line.confidence
        if not values and i + 1 < len(lines) and not has(lines[i + 1].key, NOT_TOTAL):
            values = amounts(lines[i + 1])[-1:]  # the amount printed below its label
        if not values and weight >= 2:  # "1280": a blurred comma lost, read as cents
            values, confidence = row_amounts(line)[-1:], confidence * 0.6
        if values:
            found.append((weight, values[-1], confidence))
    return found


def net_candidates(lines: list[Line]) -> list[Decimal]:
    found = []
    for line in lines:
        if has(line.key, ("HT", "H.T", "HORS TAXE", "HORS TAXES")) and not RATE.search(line.key):
            values = amounts(line)
            if values:
                found.append(values[-1])
    return found


def pick_totals(lines: list[Line], vat: list[VatAmount]) -> tuple[
        Decimal | None, Decimal | None, float, float]:
    """(total incl. tax, total excl. tax, their confidences)."""
    candidates = total_candidates(lines)
    nets = net_candidates(lines)
    vat_sum = sum((v.amount for v in vat if v.amount is not None), Decimal("0"))
    by_vat = (sum((v.base + v.amount for v in vat if v.base is not None and v.amount is not None),
                  Decimal("0")) if vat and all(v.base is not None for v in vat) else None)
    scores: dict[Decimal, float] = {}
    for weight, read, confidence in candidates:
        value = read
        if by_vat is not None and not _close(read, by_vat, 1 + len(vat)):
            value = next((v for v in value_variants(read)[1:]
                          if _close(v, by_vat, 1 + len(vat))), read)
        score = weight + confidence
        if by_vat is not None and _close(value, by_vat, 1 + len(vat)):
            score += 3.0
        if vat and any(_close(value - vat_sum, n) for n in nets):
            score += 2.0
        scores[value] = max(scores.get(value, 0.0), score) + 0.3  # printed twice: more sure
    total: Decimal | None = None
    confidence = 0.0
    if scores:
        total = max(scores, key=lambda v: (scores[v], v))
        confidence = min(0.99, 0.35 + scores[total] / 9)
    elif by_vat is not None:
        total, confidence = by_vat, 0.6
    else:  # no "total" word read: the largest amount that is not change or cash handed over
        pool = [a for line in lines if not has(line.key, NOT_TOTAL) for a in amounts(line)]
        if pool:
            total, confidence = max(pool), 0.3
    net: Decimal | None = None
    net_confidence = 0.0
    if total is not None:
        matching = [v for n in nets for v in value_variants(n)
                    if vat and _close(v + vat_sum, total, 1 + len(vat))]
        if matching:
            net, net_confidence = matching[0], min(0.97, confidence + 0.05)
        elif vat and all(v.amount is not None for v in vat):
            net, net_confidence = total - vat_sum, confidence * 0.85
        elif nets and nets[0] <= total:
            net, net_confidence = nets[0], 0.5
    return total, net, confidence, net_confidence


# -- who sold ------------------------------------------------------------------------------------
def pick_merchant(lines: list[Line]) -> tuple[str | None, float]:
    for line in lines[:8]:
        letters = sum(c.isalpha() for c in line.text)
        if letters < 3 or letters < len(line.text.replace(" ", "")) * 0.6:
            continue
        if has(line.key, HEADER_SKIP) or has(line.key, STREET_WORDS):
            continue
        if re.search(r"\d{5}", line.key) or amounts(line) or dates(line):
            continue
        name = re.sub(r"^[^\w'&]+|[^\w'&.)]+$", "", line.text).strip()
        if len(name) >= 3:
            return name, min(0.95, line.confidence * 0.9)
    return None, 0.0


def luhn_ok(number: str) -> bool:
    total = 0
    for i, ch in enumerate(reversed(number)):
        d = int(ch) * (2 if i % 2 else 1)
        total += d - 9 if d > 9 else d
    return total % 10 == 0


def pick_siret(lines: list[Line]) -> str | None:
    for line in lines:
        for m in SIRET.finditer(line.key.replace("O", "0") if "SIRET" in line.key else line.key):
            digits = m.group(1).replace(" ", "")
            if luhn_ok(digits) or "SIRET" in line.key:
                return digits
    return None


def pick_currency(lines: list[Line]) -> tuple[str, float]:
    text = " ".join(line.key for line in lines)
    for code, marks in (("CHF", ("CHF",)), ("GBP", ("GBP", "£")), ("USD", ("USD", "US$")),
                        ("EUR", ("EUR", "€", "EURO"))):
        if any(mark in text for mark in marks):
            return code, 0.95
    return "EUR", 0.6  # a French receipt without a currency mark is in euros


def pick_category(lines: list[Line]) -> tuple[str, float]:
    text = " " + " ".join(line.key for line in lines) + " "
    hits = {category: sum(1 for w in words if w in text) for category, words in CATEGORIES}
    best = max(hits, key=lambda c: hits[c])  # the first listed wins a tie
    if hits[best]:
        return best, min(0.9, 0.5 + 0.15 * hits[best])
    return "miscellaneous", 0.3


def bounded(vat: VatAmount, total: Decimal) -> VatAmount:
    """A VAT amount cannot exceed its rate's share of the total: when it does, the amount
    with slashed zeros read back that fits."""
    if vat.amount is None or vat.rate == 0:
        return vat
    ceiling = total * vat.rate / (100 + vat.rate) + CENT
    if vat.amount <= ceiling:
        return vat
    fitting = [v for v in value_variants(vat.amount)[1:] if v <= ceiling]
    if not fitting:
        return vat
    base = vat.base if vat.base is None or vat.base <= total else None
    return VatAmount(vat.rate, fitting[0], base)


def read_text(raw: list[tuple[str, float]], provider: str = "OCR_LOCAL") -> ReceiptReading:
    """The fields of a receipt from its lines of text (each with the reader's confidence)."""
    lines = make_lines(raw)
    vat, vat_confidence = pick_vat(lines)
    total, net, total_confidence, net_confidence = pick_totals(lines, vat)
    if total is not None and vat:
        vat = [bounded(v, total) for v in vat]
        total, net, total_confidence, net_confidence = pick_totals(lines, vat)
    if total is not None and vat:
        vat_sum = sum((v.amount for v in vat if v.amount is not None), Decimal("0"))
        if vat_sum >= total:  # a VAT "amount" that is in fact a base: drop the guess
            vat, vat_confidence = [], 0.0
        elif net is not None and _close(net + vat_sum, total, 1 + len(vat)):
            vat_confidence = min(0.97, vat_confidence + 0.1)
    if not vat and total is not None and net is not None and net < total:
        tax = total - net
        rate = next((r for r in RATES if r and _close(_vat_of(net, r), tax)), None)
        if rate is not None:
            vat, vat_confidence = [VatAmount(rate, tax, net)], 0.5
    day, date_confidence = pick_date(lines)
    merchant, merchant_confidence = pick_merchant(lines)
    currency, currency_confidence = pick_currency(lines)
    category, category_confidence = pick_category(lines)
    siret = pick_siret(lines)
    return ReceiptReading(
        provider=provider, date=day, time=pick_time(lines), total_incl_tax=total,
        total_excl_tax=net, vat=tuple(vat), merchant=merchant, category=category,
        currency=currency, siret=siret,
        confidence={"date": date_confidence, "time": 0.8 if day else 0.0,
                    "total_incl_tax": total_confidence, "total_excl_tax": net_confidence,
                    "vat": vat_confidence, "merchant": merchant_confidence,
                    "category": category_confidence, "currency": currency_confidence,
                    "siret": 0.9 if siret and luhn_ok(siret) else 0.4 if siret else 0.0})
