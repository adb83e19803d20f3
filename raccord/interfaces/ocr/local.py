"""OCR_LOCAL: receipts read on this server, never sent outside.

The file (JPEG, PNG, HEIC, WEBP, TIFF, or a PDF's first page: its text layer when it has one,
else its scanned image) is cleaned up with OpenCV: the paper is found and flattened, the text
brought to the size Tesseract reads best, turned straight, and the light evened out. Tesseract
(Debian's `tesseract-ocr` with its French data, through pytesseract) reads the lines, and
`french.read_text` takes the fields from them."""

from __future__ import annotations

import io
import os
import shutil
from dataclasses import dataclass

import cv2
import numpy as np
import pytesseract
from PIL import Image, ImageOps, UnidentifiedImageError

from raccord.core.i18n import Tr
from raccord.interfaces.ocr.french import read_text
from raccord.interfaces.ocr.reading import (
    DAMAGED,
    EMPTY,
    NOT_A_DOCUMENT,
    NOT_A_RECEIPT,
    TOO_LARGE,
    ReceiptReading,
    ReceiptUnreadable,
)

# One reading, one core: Tesseract's OpenMP threads fight each other on a busy server (a
# worker reads several receipts side by side instead).
os.environ.setdefault("OMP_THREAD_LIMIT", "1")
cv2.setNumThreads(1)
MAX_BYTES = 10 * 1024 * 1024
MAX_PIXELS = 40_000_000
TEXT_HEIGHT = 30  # pixels for a capital letter: where Tesseract's LSTM model reads best
TESSERACT_CONFIG = "--oem 1 --psm 6 -c tessedit_do_invert=0"
PROVIDER = "OCR_LOCAL"
IMAGE_SIGNATURES = (b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff", b"II*\x00", b"MM\x00*", b"GIF8",
                    b"BM")
NO_TESSERACT = Tr("Tesseract n'est pas installé sur ce serveur : lancez « scripts/install.sh » "
                  "(paquets Debian tesseract-ocr, tesseract-ocr-fra).",
                  "Tesseract is not installed on this server: run 'scripts/install.sh' (Debian "
                  "packages tesseract-ocr, tesseract-ocr-fra).")


def _heif_registered() -> bool:
    from pillow_heif import register_heif_opener

    register_heif_opener()
    return True


_HEIF = _heif_registered()


def is_heif(content: bytes) -> bool:
    return content[4:8] == b"ftyp" and content[8:12] in (b"heic", b"heix", b"mif1", b"msf1",
                                                          b"hevc", b"avif")


def kind_of(content: bytes) -> str | None:
    if content.startswith(b"%PDF"):
        return "pdf"
    if content.startswith(IMAGE_SIGNATURES) or is_heif(content) or (
            content[:4] == b"RIFF" and content[8:12] == b"WEBP"):
        return "image"
    return None


def open_image(content: bytes) -> Image.Image:
    try:
        opened = Image.open(io.BytesIO(content))
        if opened.width * opened.height > MAX_PIXELS:
            raise ReceiptUnreadable(TOO_LARGE)
        image = ImageOps.exif_transpose(opened) or opened
        image.load()
    except (UnidentifiedImageError, OSError, ValueError, Image.DecompressionBombError):
        raise ReceiptUnreadable(DAMAGED) from None
    return image


def pdf_first_page(content: bytes) -> tuple[str | None, Image.Image | None]:
    """The first page's text layer, or its largest image (a scan), or neither."""
    from pypdf import PdfReader
    from pypdf.errors import PyPdfError

    try:
        reader = PdfReader(io.BytesIO(content))
        if not reader.pages:
            raise ReceiptUnreadable(EMPTY)
        page = reader.pages[0]
        text = page.extract_text(extraction_mode="layout") or ""
        if sum(c.isalnum() for c in text) >= 20:
            return text, None
        images = [i.image for i in page.images if i.image is not None]
    except (PyPdfError, ValueError, KeyError, OSError):
        raise ReceiptUnreadable(DAMAGED) from None
    if not images:
        return None, None
    return None, max(images, key=lambda i: i.width * i.height)


# -- clean-up -----------------------------------------------------------------------------------
def _order(points: np.ndarray) -> np.ndarray:
    s, d = points.sum(axis=1), np.diff(points, axis=1).ravel()
    return np.array([points[np.argmin(s)], points[np.argmin(d)], points[np.argmax(s)],
                     points[np.argmax(d)]], dtype=np.float32)


def flatten_paper(gray: np.ndarray) -> np.ndarray:
    """The receipt alone, seen from above, when it stands out from a darker background."""
    h, w = gray.shape
    scale = 600 / max(h, w)
    small = cv2.resize(gray, (int(w * scale), int(h * scale)), interpolation=cv2.INTER_AREA)
    small = cv2.GaussianBlur(small, (5, 5), 0)
    _, mask = cv2.threshold(small, 0, 255, cv2.THRESH_BINARY + cv2.THRESH_OTSU)
    mask = cv2.morphologyEx(mask, cv2.MORPH_CLOSE, np.ones((15, 15), np.uint8))
    contours, _ = cv2.findContours(mask, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)
    if not contours:
        return gray
    paper = max(contours, key=cv2.contourArea)
    area = cv2.contourArea(paper)
    if area < 0.15 * mask.size or area > 0.97 * mask.size:
        return gray  # no distinct sheet: a scan, or a close-up of the text
    # The sheet must be clearly brighter than what surrounds it.
    inside = small[mask > 0].mean()
    outside = small[mask == 0].mean() if (mask == 0).any() else inside
    if inside - outside < 40:
        return gray
    quad = cv2.approxPolyDP(paper, 0.02 * cv2.arcLength(paper, True), True)
    if len(quad) == 4:
        corners = _order(quad.reshape(4, 2).astype(np.float32) / scale)
        tl, tr, br, bl = corners
        width = int(max(np.linalg.norm(tr - tl), np.linalg.norm(br - bl)))
        height = int(max(np.linalg.norm(bl - tl), np.linalg.norm(br - tr)))
        if width > 50 and height > 50:
            target = np.array([[0, 0], [width - 1, 0], [width - 1, height - 1],
                               [0, height - 1]], dtype=np.float32)
            matrix = cv2.getPerspectiveTransform(corners, target)
            return cv2.warpPerspective(gray, matrix, (width, height), flags=cv2.INTER_CUBIC,
                                       borderMode=cv2.BORDER_REPLICATE)
    x, y, bw, bh = cv2.boundingRect(paper)
    x, y, bw, bh = (int(v / scale) for v in (x, y, bw, bh))
    return gray[y:y + bh, x:x + bw]


def even_light(gray: np.ndarray) -> np.ndarray:
    """Divide by the paper's own brightness (shadows, creases, gradients go), then stretch."""
    size = max(15, (min(gray.shape) // 25) | 1)
    background = cv2.dilate(gray, np.ones((7, 7), np.uint8))
    background = cv2.medianBlur(background, min(size, 255) if size % 2 else size + 1)
    normal = cv2.divide(gray, background, scale=255)
    stretched: np.ndarray = cv2.normalize(normal, normal.copy(), 0, 255, cv2.NORM_MINMAX)
    return stretched


def text_height(binary: np.ndarray) -> float | None:
    """The height of capital letters (binary: text white on black), from letter-like marks;
    letters a blur has run together into words count too (a word is as tall as its letters),
    rules and borders do not."""
    count, _, stats, _ = cv2.connectedComponentsWithStats(binary, connectivity=8)
    letters, words = [], []
    for i in range(1, count):
        h, w = int(stats[i, cv2.CC_STAT_HEIGHT]), int(stats[i, cv2.CC_STAT_WIDTH])
        if not 4 <= h <= 300 or stats[i, cv2.CC_STAT_AREA] < 8:
            continue
        if 0.1 <= w / h <= 1.5:
            letters.append(h)
        elif w / h <= 15:
            words.append(h)
    if len(letters) >= 15:
        return float(np.percentile(letters, 75))
    if len(letters) + len(words) >= 6:
        return float(np.percentile(letters + words, 60))
    return None


def skew_angle(binary: np.ndarray) -> float:
    """The turn that makes text rows sharpest (projection profile), in degrees."""
    h, w = binary.shape
    scale = min(1.0, 800 / max(h, w))
    small = cv2.resize(binary, (max(1, int(w * scale)), max(1, int(h * scale))),
                       interpolation=cv2.INTER_AREA)
    center = (small.shape[1] / 2, small.shape[0] / 2)

    def sharpness(angle: float) -> float:
        matrix = cv2.getRotationMatrix2D(center, angle, 1.0)
        turned = cv2.warpAffine(small, matrix, (small.shape[1], small.shape[0]),
                                flags=cv2.INTER_NEAREST)
        rows = turned.sum(axis=1, dtype=np.float64)
        return float(np.square(np.diff(rows)).sum())

    best = max(np.arange(-10, 10.01, 1.0), key=sharpness)
    return float(max(np.arange(best - 0.8, best + 0.81, 0.2), key=sharpness))


def clean(image: Image.Image) -> np.ndarray:
    """A black-on-white picture of the text, straight, at the size Tesseract reads best."""
    return cleaned(image)[0]


def cleaned(image: Image.Image) -> tuple[np.ndarray, np.ndarray]:
    """The text straight and at the right size: binarized, and in grey levels (a blurred
    photo thickens when binarized; Tesseract's own thresholding reads the grey better)."""
    gray = np.asarray(image.convert("L"))
    gray = flatten_paper(gray)
    if max(gray.shape) > 2400:  # work on fewer pixels first; the size is set again below
        f = 2400 / max(gray.shape)
        gray = cv2.resize(gray, None, fx=f, fy=f, interpolation=cv2.INTER_AREA)
    light = even_light(gray)
    _, binary = cv2.threshold(light, 0, 255, cv2.THRESH_BINARY_INV + cv2.THRESH_OTSU)
    height = text_height(binary)
    if height:
        factor = float(np.clip(TEXT_HEIGHT / height, 0.3, 4.0))
        if abs(factor - 1) > 0.15:
            interpolation = cv2.INTER_AREA if factor < 1 else cv2.INTER_CUBIC
            light = cv2.resize(light, None, fx=factor, fy=factor, interpolation=interpolation)
            _, binary = cv2.threshold(light, 0, 255, cv2.THRESH_BINARY_INV + cv2.THRESH_OTSU)
    angle = skew_angle(binary)
    if abs(angle) >= 0.2:
        h, w = light.shape
        matrix = cv2.getRotationMatrix2D((w / 2, h / 2), angle, 1.0)
        light = cv2.warpAffine(light, matrix, (w, h), flags=cv2.INTER_CUBIC,
                               borderMode=cv2.BORDER_CONSTANT, borderValue=255)
    smooth = cv2.GaussianBlur(light, (3, 3), 0)
    _, black_on_white = cv2.threshold(smooth, 0, 255, cv2.THRESH_BINARY + cv2.THRESH_OTSU)
    return (cv2.copyMakeBorder(black_on_white, 20, 20, 20, 20, cv2.BORDER_CONSTANT, value=255),
            cv2.copyMakeBorder(light, 20, 20, 20, 20, cv2.BORDER_CONSTANT, value=255))


# -- reading ------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Words:
    lines: list[tuple[str, float]]


def tesseract_lines(picture: np.ndarray, psm: int = 6) -> list[tuple[str, float]]:
    """Tesseract's lines, each with its words' mean confidence (0..1)."""
    config = TESSERACT_CONFIG.replace("--psm 6", f"--psm {psm}")
    data = pytesseract.image_to_data(picture, lang=language(), config=config,
                                     output_type=pytesseract.Output.DICT)
    grouped: dict[tuple[int, int, int], list[tuple[str, float]]] = {}
    for i, word in enumerate(data["text"]):
        if not word.strip():
            continue
        key = (data["block_num"][i], data["par_num"][i], data["line_num"][i])
        grouped.setdefault(key, []).append((word, max(0.0, float(data["conf"][i])) / 100))
    return [(" ".join(w for w, _ in words), sum(c for _, c in words) / len(words))
            for _, words in sorted(grouped.items())]


def language() -> str:
    return os.environ.get("RACCORD_OCR_LANG", "fra")


def available() -> bool:
    return shutil.which("tesseract") is not None


def _found_count(reading: ReceiptReading) -> int:
    return (reading.total_incl_tax is not None) + (reading.date is not None)


def upright(picture: np.ndarray) -> np.ndarray | None:
    """The picture turned upright when Tesseract's orientation detection says it lies on its
    side or upside down (a photo taken sideways, without EXIF orientation)."""
    try:
        osd = pytesseract.image_to_osd(picture, config="--psm 0 -c min_characters_to_try=10",
                                       output_type=pytesseract.Output.DICT)
    except pytesseract.TesseractError:
        return None
    turn = int(osd.get("rotate", 0))
    if turn not in (90, 180, 270) or float(osd.get("orientation_conf", 0)) < 1.0:
        return None
    codes = {90: cv2.ROTATE_90_CLOCKWISE, 180: cv2.ROTATE_180,
             270: cv2.ROTATE_90_COUNTERCLOCKWISE}
    return cv2.rotate(picture, codes[turn])


def read_image(image: Image.Image) -> ReceiptReading:
    """Tesseract on the binarized text; when the total or the date is missing, a photo lying
    on its side is turned upright, else the grey picture and then Tesseract's own column
    finding are tried, keeping the reading that found most."""
    picture, grey = cleaned(image)
    reading = read_text(tesseract_lines(picture))
    if _found_count(reading) == 2:
        return reading
    turned = upright(picture)
    if turned is not None:  # lying on its side: read it the right way up
        attempts = [lambda: read_text(tesseract_lines(clean(Image.fromarray(turned))))]
    else:
        attempts = [lambda: read_text(tesseract_lines(grey)),
                    lambda: read_text(tesseract_lines(picture, psm=4))]
    for attempt in attempts:
        other = attempt()
        if _found_count(other) > _found_count(reading):
            reading = other
        if _found_count(reading) == 2:
            break
    return reading


def read_receipt(content: bytes) -> ReceiptReading:
    """The fields of one receipt file. Raises ReceiptUnreadable saying why it cannot."""
    if not content:
        raise ReceiptUnreadable(EMPTY)
    if len(content) > MAX_BYTES:
        raise ReceiptUnreadable(TOO_LARGE)
    kind = kind_of(content)
    if kind is None:
        raise ReceiptUnreadable(NOT_A_DOCUMENT)
    if kind == "pdf":
        text, image = pdf_first_page(content)
        if text is not None:
            reading = read_text([(line, 0.95) for line in text.splitlines()])
            return _found(reading)
        if image is None:
            raise ReceiptUnreadable(NOT_A_RECEIPT)
    else:
        image = open_image(content)
    if not available():
        raise ReceiptUnreadable(NO_TESSERACT)
    return _found(read_image(image))


def _found(reading: ReceiptReading) -> ReceiptReading:
    if reading.total_incl_tax is None and reading.date is None:
        raise ReceiptUnreadable(NOT_A_RECEIPT)
    return reading


def installed_languages() -> list[str]:
    try:
        return list(pytesseract.get_languages(config=""))
    except (pytesseract.TesseractError, OSError):
        return []
