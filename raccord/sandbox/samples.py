"""Files the sandbox ships for its examples, made by raccord itself (no third-party file): the
receipts the OCR example reads (photographed tickets and a scanned PDF, their truth inside
for the Mindee simulator) and the quote the signature example sends to Universign."""

from __future__ import annotations

import io
from dataclasses import dataclass
from functools import lru_cache

from reportlab.lib.pagesizes import A4
from reportlab.pdfgen import canvas

from raccord.interfaces.demo import DEMO, DEMO_EMPLOYEE
from raccord.interfaces.ocr.receipts import ReceiptTruth, pdf_sample, sample

SIGN_HERE = "Bon pour accord"


@dataclass(frozen=True)
class SampleReceipt:
    key: str
    filename: str
    content: bytes
    content_type: str
    truth: ReceiptTruth


@lru_cache(maxsize=1)
def receipts() -> tuple[SampleReceipt, ...]:
    """Two photographed tickets and a scanned PDF (made once, then kept in memory)."""
    found = []
    for index in (0, 1):
        content, truth, content_type = sample(index)
        found.append(SampleReceipt(f"photo-{index + 1}", f"ticket-{index + 1}.jpg", content,
                                   content_type, truth))
    content, truth, content_type = pdf_sample()
    found.append(SampleReceipt("pdf", "ticket-scan.pdf", content, content_type, truth))
    return tuple(found)


def receipt(key: str) -> SampleReceipt | None:
    return next((r for r in receipts() if r.key == key), None)


def quote_pdf(reference: str) -> bytes:
    """A one-page quote of the demo company, with the place where its signer signs."""
    buffer = io.BytesIO()
    page = canvas.Canvas(buffer, pagesize=A4)
    page.setTitle(f"Devis {reference}")
    page.setFont("Helvetica-Bold", 16)
    page.drawString(72, 770, f"{DEMO.name} — Devis {reference}")
    page.setFont("Helvetica", 11)
    page.drawString(72, 745, f"SIRET {DEMO.siret} · TVA {DEMO.vat_id} · 1 rue de la Paix, "
                             f"{DEMO.postcode} Paris")
    lines = (("Audit de l'installation", "2", "600,00 €"),
             ("Mise en service de raccord", "1", "900,00 €"))
    y = 700
    for label, quantity, amount in lines:
        page.drawString(72, y, label)
        page.drawString(360, y, quantity)
        page.drawRightString(520, y, amount)
        y -= 20
    page.drawString(72, y - 10, "Total HT 2 100,00 € · TVA 20 % 420,00 € · Total TTC 2 520,00 €")
    page.drawString(72, 560, f"Signataire : {DEMO_EMPLOYEE.name}")
    page.drawString(72, 540, SIGN_HERE)
    page.showPage()
    page.save()
    return buffer.getvalue()
