"""Receipt files in every accepted format, made from generated receipts."""

from __future__ import annotations

import io

from PIL import Image
from reportlab.lib.pagesizes import A6
from reportlab.pdfgen import canvas

from raccord.interfaces.ocr.receipts import ReceiptTruth, make_receipt, render
from raccord.interfaces.ocr.receipts import random_truth as _random_truth


def heic(seed: int) -> tuple[bytes, ReceiptTruth]:
    content, truth, _ = make_receipt(seed, level=0.3, fmt="JPEG")
    buffer = io.BytesIO()
    Image.open(io.BytesIO(content)).save(buffer, "HEIF", quality=90)
    return buffer.getvalue(), truth


def scanned_pdf(seed: int) -> tuple[bytes, ReceiptTruth]:
    content, truth, _ = make_receipt(seed, level=0.2, fmt="JPEG")
    buffer = io.BytesIO()
    Image.open(io.BytesIO(content)).convert("RGB").save(buffer, "PDF", resolution=200)
    return buffer.getvalue(), truth


def text_pdf(lines: list[str]) -> bytes:
    """A PDF with a text layer, as a till or a booking site writes it."""
    buffer = io.BytesIO()
    page = canvas.Canvas(buffer, pagesize=A6)
    y = A6[1] - 30
    for line in lines:
        page.drawString(20, y, line)
        y -= 14
    page.showPage()
    page.save()
    return buffer.getvalue()


def clean_png(seed: int) -> tuple[bytes, ReceiptTruth]:
    import random

    rng = random.Random(seed)
    truth = _random_truth(rng)
    buffer = io.BytesIO()
    render(truth, rng).save(buffer, "PNG")
    return buffer.getvalue(), truth
