"""Receipt images with a known ground truth: French tickets (supermarket, restaurant, fuel,
hotel, parking, train) in varied layouts, fonts and sizes, photographed badly on purpose
(noise, blur, rotation, perspective, creases, uneven light).

The truth travels inside the file (a PNG text chunk or a JPEG comment, key `raccord:receipt`)
so the Mindee simulator can answer with it. The local reader never looks at it: it reads the
pixels, like any receipt made elsewhere."""

from __future__ import annotations

import io
import json
import random
from dataclasses import asdict, dataclass, field
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from functools import lru_cache
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw, ImageFilter, ImageFont
from PIL.PngImagePlugin import PngInfo

TRUTH_KEY = "raccord:receipt"
CENT = Decimal("0.01")
FONT_FILES = (  # Debian: fonts-dejavu-core, fonts-liberation, fonts-freefont-ttf
    "/usr/share/fonts/truetype/dejavu/DejaVuSansMono.ttf",
    "/usr/share/fonts/truetype/dejavu/DejaVuSansMono-Bold.ttf",
    "/usr/share/fonts/truetype/liberation/LiberationMono-Regular.ttf",
    "/usr/share/fonts/truetype/liberation/LiberationMono-Bold.ttf",
    "/usr/share/fonts/truetype/freefont/FreeMono.ttf",
    "/usr/share/fonts/truetype/freefont/FreeMonoBold.ttf",
    "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
    "/usr/share/fonts/truetype/liberation/LiberationSans-Regular.ttf",
    "/usr/share/fonts/truetype/liberation/LiberationSansNarrow-Regular.ttf",
    "/usr/share/fonts/truetype/freefont/FreeSans.ttf",
    "/usr/share/fonts/truetype/dejavu/DejaVuSerif.ttf",
    "/usr/share/fonts/truetype/liberation/LiberationSerif-Regular.ttf",
)
MONTHS = ("janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre",
          "octobre", "novembre", "décembre")

# (kind, category, merchants, items (label, unit price range, VAT rate))
SHOPS = (
    ("supermarket", "shopping",
     ("CARREFOUR MARKET", "MONOPRIX", "INTERMARCHE SUPER", "LECLERC DRIVE", "FRANPRIX",
      "AUCHAN SUPERMARCHE", "LIDL", "U EXPRESS"),
     (("EAU MINERALE 1,5L", (0.45, 0.9), "5.5"), ("PAIN DE MIE", (1.2, 2.6), "5.5"),
      ("CAFE MOULU 250G", (2.5, 5.9), "5.5"), ("SANDWICH JAMBON", (2.9, 4.9), "10"),
      ("PILES AA X4", (3.9, 8.9), "20"), ("CAHIER A4", (1.5, 3.9), "20"),
      ("SALADE COMPOSEE", (3.5, 6.9), "10"), ("JUS D'ORANGE 1L", (1.6, 3.2), "5.5"),
      ("STYLO BILLE X3", (1.9, 4.5), "20"), ("YAOURT NATURE X4", (1.1, 2.4), "5.5"))),
    ("restaurant", "food",
     ("LE BOUCHON DES CORDELIERS", "BRASSERIE DU COMMERCE", "CAFE DE LA GARE",
      "LA TABLE DE JEANNE", "LE PETIT ZINC", "PIZZERIA NAPOLI", "AU BON COIN", "L'ESCALE"),
     (("MENU DU JOUR", (14.0, 24.0), "10"), ("PLAT DU JOUR", (11.0, 19.0), "10"),
      ("CAFE", (1.6, 2.8), "10"), ("DESSERT", (5.0, 8.5), "10"),
      ("EAU PETILLANTE 50CL", (3.0, 5.0), "10"), ("VERRE DE VIN", (4.5, 8.0), "20"),
      ("BIERE PRESSION", (4.0, 7.0), "20"), ("ENTREE", (6.0, 11.0), "10"))),
    ("fuel", "gasoline",
     ("TOTALENERGIES RELAIS", "ESSO EXPRESS", "STATION AVIA", "BP STATION", "SHELL"),
     (("GAZOLE", (40.0, 95.0), "20"), ("SP95-E10", (35.0, 90.0), "20"),
      ("LAVAGE AUTO", (8.0, 15.0), "20"))),
    ("hotel", "accommodation",
     ("HOTEL IBIS LYON CENTRE", "HOTEL DE LA PAIX", "CAMPANILE NANTES", "HOTEL DU PARC"),
     (("NUITEE CHAMBRE", (62.0, 140.0), "10"), ("PETIT DEJEUNER", (9.0, 16.0), "10"),
      ("TAXE DE SEJOUR", (0.9, 2.5), "0"), ("PARKING", (8.0, 18.0), "20"))),
    ("parking", "parking",
     ("INDIGO GARE PART-DIEU", "EFFIA PARKING", "SAEMES PARKING", "ONEPARK"),
     (("STATIONNEMENT", (3.0, 32.0), "20"),)),
    ("train", "transport",
     ("SNCF VOYAGEURS", "TAXI G7", "TCL LYON"),
     (("BILLET", (12.0, 120.0), "10"), ("COURSE", (9.0, 60.0), "10"))),
)
STREETS = ("RUE DE LA REPUBLIQUE", "AVENUE JEAN JAURES", "BD VICTOR HUGO", "PLACE BELLECOUR",
           "RUE MERCIERE", "QUAI DE SAONE", "RUE DU COMMERCE", "AVENUE DE LA GARE")
CITIES = (("69002", "LYON"), ("75011", "PARIS"), ("13001", "MARSEILLE"), ("44000", "NANTES"),
          ("31000", "TOULOUSE"), ("33000", "BORDEAUX"), ("59000", "LILLE"),
          ("67000", "STRASBOURG"))


@dataclass
class VatLine:
    rate: str  # "20", "10", "5.5", "0"
    base: str
    amount: str


@dataclass
class ReceiptTruth:
    merchant: str
    siret: str
    address: str
    date: str  # ISO
    time: str
    total_incl_tax: str
    total_excl_tax: str
    vat: list[VatLine]
    category: str
    currency: str = "EUR"
    items: list[tuple[str, str, str]] = field(default_factory=list)  # label, amount, rate

    def to_json(self) -> str:
        return json.dumps(asdict(self), ensure_ascii=False, separators=(",", ":"))

    @classmethod
    def from_json(cls, text: str) -> ReceiptTruth:
        raw = json.loads(text)
        raw["vat"] = [VatLine(**v) for v in raw.get("vat", [])]
        raw["items"] = [tuple(i) for i in raw.get("items", [])]
        return cls(**raw)


def _money(value: Decimal | float) -> Decimal:
    return Decimal(str(value)).quantize(CENT, ROUND_HALF_UP)


def fr(amount: Decimal) -> str:
    """12.5 → "12,50"; 1234.5 → "1 234,50" (a few tickets group thousands)."""
    whole, cents = f"{amount:.2f}".split(".")
    if len(whole) > 3:
        whole = f"{int(whole):,}".replace(",", " ")
    return f"{whole},{cents}"


def _siret(rng: random.Random) -> str:
    """A SIRET with a right Luhn key."""
    digits = [rng.randint(0, 9) for _ in range(13)]
    digits[0] = rng.randint(1, 9)
    for last in range(10):
        number = [*digits, last]
        total = sum(d if i % 2 == 0 else (d * 2 - 9 if d * 2 > 9 else d * 2)
                    for i, d in enumerate(reversed(number)))
        if total % 10 == 0:
            return "".join(map(str, number))
    raise AssertionError("a Luhn key always exists")


def random_truth(rng: random.Random) -> ReceiptTruth:
    kind, category, merchants, catalogue = rng.choice(SHOPS)
    merchant = rng.choice(merchants)
    postcode, city = rng.choice(CITIES)
    address = f"{rng.randint(1, 180)} {rng.choice(STREETS)} {postcode} {city}"
    day = date(2025, 1, 1) + timedelta(days=rng.randint(0, 700))
    count = 1 if kind in ("parking", "train") else rng.randint(1, 3 if kind == "fuel" else 7)
    items: list[tuple[str, Decimal, str]] = []
    for _ in range(count):
        label, (low, high), rate = rng.choice(catalogue)
        if kind in ("supermarket", "restaurant") and rng.random() < 0.25:
            label = f"{rng.randint(2, 4)} X {label}"
        items.append((label, _money(rng.uniform(low, high)), rate))
    by_rate: dict[str, Decimal] = {}
    for _, amount, rate in items:
        by_rate[rate] = by_rate.get(rate, Decimal("0")) + amount
    vat = []
    for rate, incl in sorted(by_rate.items(), key=lambda kv: -float(kv[0])):
        base = _money(incl / (1 + Decimal(rate) / 100))
        vat.append(VatLine(rate, str(base), str(incl - base)))
    total = sum((a for _, a, _ in items), Decimal("0"))
    net = sum((Decimal(v.base) for v in vat), Decimal("0"))
    return ReceiptTruth(merchant, _siret(rng), address, day.isoformat(),
                        f"{rng.randint(7, 22):02d}:{rng.randint(0, 59):02d}", str(total),
                        str(net), vat, category,
                        items=[(label, str(a), r) for label, a, r in items])


def _date_text(truth: ReceiptTruth, rng: random.Random) -> str:
    d = date.fromisoformat(truth.date)
    styles = (f"{d:%d/%m/%Y}", f"{d:%d/%m/%y}", f"{d:%d-%m-%Y}", f"{d:%d.%m.%Y}",
              f"{d.day} {MONTHS[d.month - 1]} {d.year}", f"{d:%Y-%m-%d}",
              f"{d.day:02d} {MONTHS[d.month - 1][:4].rstrip('.').upper()} {d.year}")
    text = rng.choice(styles)
    pattern = rng.choice(("{d} {t}", "Le {d} à {t}", "DATE : {d}  HEURE : {t}", "{d}  {t}",
                          "{t}  {d}", "Date {d}"))
    return pattern.format(d=text, t=truth.time.replace(":", rng.choice((":", "h"))))


def _rate_text(rate: str) -> str:
    return rate.replace(".", ",") + "%" if rate != "0" else "0%"


def ticket_lines(truth: ReceiptTruth, rng: random.Random) -> list[tuple[str, str, str]]:
    """The ticket as (left text, right text, style) lines; style: title, center, line, big."""
    width_sep = "-" * rng.choice((24, 28, 32))
    siret = truth.siret
    if rng.random() < 0.5:
        siret = f"{siret[:3]} {siret[3:6]} {siret[6:9]} {siret[9:]}"
    street, _, place = truth.address.rpartition(" ")
    head = [(truth.merchant, "", "title")]
    parts = truth.address.split(" ")
    head.append((" ".join(parts[:-2]), "", "center"))
    head.append((f"{parts[-2]} {parts[-1]}", "", "center"))
    if rng.random() < 0.7:
        head.append((f"TEL {rng.choice(('04', '01', '05'))} {rng.randint(10, 99)} "
                     f"{rng.randint(10, 99)} {rng.randint(10, 99)} {rng.randint(10, 99)}", "",
                     "center"))
    head.append((rng.choice(("SIRET", "SIRET :", "Siret")) + f" {siret}", "", "center"))
    if rng.random() < 0.4:
        head.append((f"TVA INTRA FR{rng.randint(10, 99)}{truth.siret[:9]}", "", "center"))
    lines = [*head, (width_sep, "", "line")]
    date_line = (_date_text(truth, rng), "", "line")
    top_date = rng.random() < 0.6
    if top_date:
        lines.append(date_line)
        if rng.random() < 0.5:
            lines.append((f"TICKET {rng.randint(1000, 99999)}  CAISSE {rng.randint(1, 9)}", "",
                          "line"))
    if truth.category == "food" and rng.random() < 0.6:
        lines.append((f"TABLE {rng.randint(1, 40)}   COUVERTS {rng.randint(1, 6)}", "", "line"))
    for label, amount, _rate in truth.items:
        right = fr(Decimal(amount))
        if rng.random() < 0.3:
            right += rng.choice((" €", " EUR"))
        if truth.category == "gasoline" and label in ("GAZOLE", "SP95-E10"):
            price = Decimal(str(round(rng.uniform(1.65, 1.95), 3)))
            litres = (Decimal(amount) / price).quantize(CENT)
            lines.append((f"{label} POMPE {rng.randint(1, 8)}", "", "line"))
            lines.append((f"  {fr(litres)} L x {str(price).replace('.', ',')} EUR/L", right,
                          "line"))
            continue
        lines.append((label, right, "line"))
    lines.append((width_sep, "", "line"))
    total = fr(Decimal(truth.total_incl_tax))
    net = fr(Decimal(truth.total_excl_tax))
    layout = rng.randint(0, 3)
    if len(truth.items) > 1 and rng.random() < 0.5:
        lines.append((f"{len(truth.items)} ARTICLES", "", "line"))
    if layout == 0:
        lines.append((rng.choice(("TOTAL TTC", "TOTAL", "TOTAL EUR", "MONTANT TTC")), total,
                      "big"))
    elif layout == 1:
        lines.append((rng.choice(("TOTAL HT", "Total HT", "MONTANT HT")), net, "line"))
        for v in truth.vat:
            lines.append((f"TVA {_rate_text(v.rate)}", fr(Decimal(v.amount)), "line"))
        lines.append((rng.choice(("TOTAL TTC", "Total TTC", "NET A PAYER")), total, "big"))
    elif layout == 2:
        lines.append((rng.choice(("A PAYER", "TOTAL A PAYER", "NET A PAYER")), total, "big"))
    else:
        lines.append(("TOTAL TTC", total + " €", "big"))
    paid = rng.choice(("CB", "CARTE BANCAIRE", "CB SANS CONTACT", "ESPECES"))
    lines.append((paid, total, "line"))
    if paid == "ESPECES" and rng.random() < 0.6:
        given = (Decimal(truth.total_incl_tax) // 10 + 1) * 10
        lines[-1] = (paid, fr(given), "line")
        lines.append(("RENDU", fr(given - Decimal(truth.total_incl_tax)), "line"))
    if layout != 1:
        lines.append((width_sep, "", "line"))
        table = rng.random() < 0.6
        if table:
            lines.append(("TAUX      HT     TVA     TTC", "", "line"))
        for v in truth.vat:
            vat_base, vat_amount = Decimal(v.base), Decimal(v.amount)
            if table:
                lines.append((f"{_rate_text(v.rate):<6} {fr(vat_base):>8} {fr(vat_amount):>7} "
                              f"{fr(vat_base + vat_amount):>8}", "", "line"))
            else:
                lines.append((f"TVA {_rate_text(v.rate)} SUR {fr(vat_base)}", fr(vat_amount),
                              "line"))
    if not top_date:
        lines.append((width_sep, "", "line"))
        lines.append(date_line)
    lines.append((rng.choice(("MERCI DE VOTRE VISITE", "A BIENTOT", "MERCI ET BONNE ROUTE",
                              "CONSERVEZ CE TICKET")), "", "center"))
    return lines


@lru_cache(maxsize=64)
def _font(path: str, size: int) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(path, size)


def fonts() -> list[str]:
    return [f for f in FONT_FILES if Path(f).exists()]


def render(truth: ReceiptTruth, rng: random.Random) -> Image.Image:
    """The clean ticket: black print on slightly tinted paper."""
    lines = ticket_lines(truth, rng)
    font_path = rng.choice(fonts())
    size = rng.randint(20, 30)
    font = _font(font_path, size)
    big = _font(font_path, int(size * rng.choice((1.0, 1.2, 1.4))))
    title = _font(rng.choice(fonts()), int(size * rng.uniform(1.2, 1.7)))
    width = int(size * rng.uniform(19, 24))
    margin = int(size * 0.8)
    gap = int(size * rng.uniform(0.25, 0.6))
    heights = [(title if s == "title" else big if s == "big" else font).size + gap
               for _, _, s in lines]
    height = int(sum(heights) + 2 * margin)
    paper = rng.randint(232, 255)
    image = Image.new("L", (width, height), paper)
    draw = ImageDraw.Draw(image)
    y: float = margin
    ink = rng.randint(0, 70)
    for (left, right, style), h in zip(lines, heights, strict=True):
        face = title if style == "title" else big if style == "big" else font
        if style in ("title", "center"):
            w = draw.textlength(left, font=face)
            while w > width - 2 * margin and face.size > 12:
                face = _font(str(face.path), int(face.size) - 2)
                w = draw.textlength(left, font=face)
            draw.text(((width - w) / 2, y), left, fill=ink, font=face)
        else:
            draw.text((margin, y), left, fill=ink, font=face)
            if right:
                w = draw.textlength(right, font=face)
                draw.text((width - margin - w, y), right, fill=ink, font=face)
        y += h
    return image


def _perspective_coefficients(src: list[tuple[float, float]],
                              dst: list[tuple[float, float]]) -> list[float]:
    rows = []
    for (x, y), (u, v) in zip(dst, src, strict=True):
        rows.append([x, y, 1, 0, 0, 0, -u * x, -u * y])
        rows.append([0, 0, 0, x, y, 1, -v * x, -v * y])
    a = np.array(rows, dtype=float)
    b = np.array([c for point in src for c in point], dtype=float)
    return list(np.linalg.solve(a, b))


def photograph(clean: Image.Image, rng: random.Random, level: float) -> Image.Image:
    """The ticket as a phone sees it: on a table, a little turned, seen from an angle, folded,
    under uneven light, blurred and noisy. `level` 0 (scan) to 1 (bad photo)."""
    w, h = clean.size
    page = np.asarray(clean, dtype=np.float32)
    # Creases: a few faint lines across the paper, with a shadow beside each.
    for _ in range(rng.randint(0, int(3 * level) + 1)):
        y0 = rng.randint(0, h - 1)
        slope = rng.uniform(-0.05, 0.05)
        ys = (y0 + slope * np.arange(w)).astype(int).clip(0, h - 3)
        darkness = rng.uniform(20, 60) * level
        page[ys, np.arange(w)] -= darkness
        page[ys + 1, np.arange(w)] -= darkness / 2
        page[ys + 2, np.arange(w)] += darkness / 3
    # Uneven light: a gradient over the page.
    gx = np.linspace(0, 1, w)[None, :]
    gy = np.linspace(0, 1, h)[:, None]
    light = 1 - level * rng.uniform(0.0, 0.35) * (rng.random() * gx + rng.random() * gy) / 2
    page = (page * light).clip(0, 255)
    sheet = Image.fromarray(page.astype(np.uint8))
    # Onto a background larger than the ticket, then turned and seen from an angle.
    pad = int(max(w, h) * 0.08 * level) + 10
    background = rng.randint(60, 180) if level > 0.3 else 255
    canvas = Image.new("L", (w + 2 * pad, h + 2 * pad), background)
    canvas.paste(sheet, (pad, pad))
    angle = rng.uniform(-6, 6) * level
    canvas = canvas.rotate(angle, resample=Image.Resampling.BICUBIC, expand=True,
                           fillcolor=background)
    if level > 0.2:
        cw, ch = canvas.size
        j = 0.04 * level
        dst = [(0.0, 0.0), (cw, 0.0), (cw, ch), (0.0, ch)]
        src = [(rng.uniform(0, j) * cw, rng.uniform(0, j) * ch),
               (cw - rng.uniform(0, j) * cw, rng.uniform(0, j) * ch),
               (cw - rng.uniform(0, j) * cw, ch - rng.uniform(0, j) * ch),
               (rng.uniform(0, j) * cw, ch - rng.uniform(0, j) * ch)]
        canvas = canvas.transform(canvas.size, Image.Transform.PERSPECTIVE,
                                  _perspective_coefficients(src, dst),
                                  Image.Resampling.BICUBIC, fillcolor=background)
    blur = rng.uniform(0, 1.3) * level
    if blur > 0.2:
        canvas = canvas.filter(ImageFilter.GaussianBlur(blur))
    noisy = np.asarray(canvas, dtype=np.float32)
    noisy += np.random.default_rng(rng.randint(0, 2**31)).normal(0, 10 * level, noisy.shape)
    scale = rng.uniform(0.8, 1.4)
    photo = Image.fromarray(noisy.clip(0, 255).astype(np.uint8))
    photo = photo.resize((int(photo.width * scale), int(photo.height * scale)),
                         Image.Resampling.BILINEAR)
    if rng.random() < 0.5:  # a colour photo, slightly warm
        tint = (rng.randint(0, 20), rng.randint(0, 12), 0)
        arr = np.asarray(photo.convert("RGB"), dtype=np.int16) - np.array(tint, dtype=np.int16)
        photo = Image.fromarray(arr.clip(0, 255).astype(np.uint8), "RGB")
    return photo


def encode(image: Image.Image, truth: ReceiptTruth, fmt: str = "PNG",
           quality: int = 85) -> bytes:
    """The image file with the truth inside (PNG text chunk or JPEG comment)."""
    buffer = io.BytesIO()
    if fmt == "PNG":
        info = PngInfo()
        info.add_text(TRUTH_KEY, truth.to_json())
        image.save(buffer, "PNG", pnginfo=info, optimize=False)
    else:
        comment = (TRUTH_KEY + "=" + truth.to_json()).encode()
        image.convert("RGB").save(buffer, "JPEG", quality=quality, comment=comment)
    return buffer.getvalue()


def encode_pdf(image: Image.Image, truth: ReceiptTruth) -> bytes:
    """The receipt as a one-page PDF (a scan: an image, no text layer), the truth in the
    document's subject."""
    buffer = io.BytesIO()
    image.convert("RGB").save(buffer, "PDF", resolution=150.0, title="Ticket de caisse",
                              subject=TRUTH_KEY + "=" + truth.to_json())
    return buffer.getvalue()


def _pdf_truth(content: bytes) -> str | None:
    from pypdf import PdfReader

    metadata = PdfReader(io.BytesIO(content)).metadata
    subject = str((metadata.get("/Subject") if metadata is not None else None) or "")
    prefix = TRUTH_KEY + "="
    return subject[len(prefix):] if subject.startswith(prefix) else None


def embedded_truth(content: bytes) -> ReceiptTruth | None:
    """The truth a generated receipt carries (for the Mindee simulator), or None."""
    try:
        if content.startswith(b"%PDF"):
            text = _pdf_truth(content)
            return ReceiptTruth.from_json(text) if text else None
        with Image.open(io.BytesIO(content)) as image:
            text = getattr(image, "text", {}).get(TRUTH_KEY) if image.format == "PNG" else None
            if text is None:
                comment = image.info.get("comment", b"")
                if isinstance(comment, bytes):
                    comment = comment.decode("utf-8", "replace")
                prefix = TRUTH_KEY + "="
                text = comment[len(prefix):] if comment.startswith(prefix) else None
        return ReceiptTruth.from_json(text) if text else None
    except Exception:  # any image Pillow cannot open, or a JSON that is not ours
        return None


def make_receipt(seed: int, level: float | None = None,
                 fmt: str | None = None) -> tuple[bytes, ReceiptTruth, str]:
    """One receipt file from its seed: (content, truth, content type)."""
    rng = random.Random(seed)
    truth = random_truth(rng)
    clean = render(truth, rng)
    photo = photograph(clean, rng, rng.uniform(0.1, 1.0) if level is None else level)
    kind = fmt or rng.choice(("PNG", "JPEG", "JPEG"))
    content = encode(photo, truth, kind, quality=rng.randint(70, 92))
    return content, truth, "image/png" if kind == "PNG" else "image/jpeg"


SAMPLE_SEEDS = (11, 23, 42, 57)


def sample(index: int) -> tuple[bytes, ReceiptTruth, str]:
    """One of the few samples the sandbox offers on the upload page."""
    return make_receipt(SAMPLE_SEEDS[index % len(SAMPLE_SEEDS)], level=0.5, fmt="JPEG")


def pdf_sample(seed: int = 87) -> tuple[bytes, ReceiptTruth, str]:
    """A receipt scanned to PDF, as an employee's scanner application makes it."""
    rng = random.Random(seed)
    truth = random_truth(rng)
    photo = photograph(render(truth, rng), rng, 0.2)
    return encode_pdf(photo, truth), truth, "application/pdf"
