"""The readable side of a Factur-X: a one-column A4 invoice drawn with reportlab, its font
(Bitstream Vera, shipped with reportlab) embedded as PDF/A requires."""

from __future__ import annotations

import io
import threading
from decimal import Decimal
from pathlib import Path
from textwrap import wrap

import reportlab
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas

from raccord.features.einvoicing.invoice import InvoiceData, Party

FONT, BOLD = "RaccordVera", "RaccordVeraBold"
_fonts_lock = threading.Lock()
_fonts_ready = False
MEANS = {"30": "Virement / credit transfer", "58": "Virement SEPA / SEPA credit transfer",
         "49": "Prélèvement / direct debit", "20": "Chèque / cheque", "10": "Espèces / cash",
         "42": "Virement sur compte / payment to bank account"}


def _register_fonts() -> None:
    global _fonts_ready
    with _fonts_lock:
        if _fonts_ready:
            return
        folder = Path(reportlab.__file__).parent / "fonts"
        pdfmetrics.registerFont(TTFont(FONT, str(folder / "Vera.ttf")))
        pdfmetrics.registerFont(TTFont(BOLD, str(folder / "VeraBd.ttf")))
        _fonts_ready = True


def _money(value: Decimal | None, currency: str) -> str:
    amount = f"{(value or Decimal(0)):,.2f}".replace(",", "\u202f").replace(".", ",")
    return f"{amount} {currency}"


def _rate(category: str, rate: Decimal | None) -> str:
    """A VAT rate as printed; outside the scope of VAT (O) there is none."""
    return f"{rate.normalize():f} %" if rate is not None else category


def render(invoice: InvoiceData) -> bytes:
    _register_fonts()
    data = invoice.completed()
    assert data.totals is not None
    out = io.BytesIO()
    # The initial font is ours too: reportlab would otherwise declare a non-embedded Helvetica.
    pdf = Canvas(out, pagesize=A4, invariant=True, pageCompression=1, initialFontName=FONT,
                 initialFontSize=9)
    pdf.setTitle(f"{'Avoir' if data.credit_note else 'Facture'} {data.number}")
    pdf.setAuthor(data.seller.name)
    pdf.setSubject(f"Invoice {data.number} for {data.buyer.name}")
    width, height = A4
    left, right = 20 * mm, width - 20 * mm
    y = height - 25 * mm
    title = "AVOIR / CREDIT NOTE" if data.credit_note else "FACTURE / INVOICE"
    pdf.setFont(BOLD, 16)
    pdf.drawString(left, y, f"{title} {data.number}")
    pdf.setFont(FONT, 9)
    y -= 7 * mm
    dates = f"Date : {data.issue_date:%d/%m/%Y}"
    if data.due_date:
        dates += f"    Échéance / due : {data.due_date:%d/%m/%Y}"
    pdf.drawString(left, y, dates)
    y -= 10 * mm
    _party_block(pdf, left, y, "Fournisseur / Seller", data.seller)
    _party_block(pdf, width / 2, y, "Client / Buyer", data.buyer)
    y -= 32 * mm
    refs = [("Code service", data.buyer_reference), ("Engagement", data.purchase_order),
            ("Marché / contract", data.contract), ("Facture d'origine", data.preceding_invoice),
            ("Cadre de facturation", data.business_process)]
    for ref_label, ref in refs:
        if ref:
            pdf.drawString(left, y, f"{ref_label} : {ref}")
            y -= 5 * mm
    y -= 4 * mm
    columns = [(left, "Désignation"), (right - 85 * mm, "Qté"), (right - 65 * mm, "PU HT"),
               (right - 40 * mm, "TVA"), (right - 25 * mm, "Total HT")]
    pdf.setFont(BOLD, 9)
    for x, label in columns:
        pdf.drawString(x, y, label)
    pdf.line(left, y - 2, right, y - 2)
    pdf.setFont(FONT, 9)
    for line in data.lines:
        y -= 6 * mm
        if y < 60 * mm:
            pdf.showPage()
            pdf.setFont(FONT, 9)
            y = height - 25 * mm
        pdf.drawString(left, y, line.name[:60])
        pdf.drawString(right - 85 * mm, y, f"{line.quantity.normalize():f}")
        pdf.drawString(right - 65 * mm, y, f"{line.net_price:.2f}")
        pdf.drawString(right - 40 * mm, y, _rate(line.vat_category, line.vat_rate))
        pdf.drawRightString(right, y, _money(line.net_amount, data.currency))
    y -= 10 * mm
    for vat in data.vat_breakdown:
        pdf.drawString(right - 85 * mm, y, f"TVA {_rate(vat.category, vat.rate)} sur "
                                           f"{_money(vat.taxable_amount, data.currency)}")
        pdf.drawRightString(right, y, _money(vat.tax_amount, data.currency))
        y -= 5 * mm
    for vat in data.vat_breakdown:
        if vat.exemption_reason or vat.exemption_code:
            wording = " ".join(filter(None, (vat.exemption_reason, f"({vat.exemption_code})"
                                             if vat.exemption_code else "")))
            pdf.drawString(left, y, f"TVA {vat.category} : {wording}"[:110])
            y -= 5 * mm
    t = data.totals
    for label, value, bold in (("Total HT", t.tax_basis, False), ("TVA", t.tax_total, False),
                               ("Total TTC", t.grand_total, True),
                               ("Déjà payé / prepaid", t.prepaid, False),
                               ("Net à payer / amount due", t.due, True)):
        if label.startswith("Déjà") and not value:
            continue
        pdf.setFont(BOLD if bold else FONT, 10 if bold else 9)
        pdf.drawString(right - 85 * mm, y, label)
        pdf.drawRightString(right, y, _money(value, data.currency))
        y -= 5 * mm
    pdf.setFont(FONT, 9)
    y -= 5 * mm
    pay = data.payment
    if pay.means_code:
        pdf.drawString(left, y, f"Paiement : {MEANS.get(pay.means_code, pay.means_code)}")
        y -= 5 * mm
    if pay.iban:
        pdf.drawString(left, y, f"IBAN : {pay.iban}" + (f"   BIC : {pay.bic}" if pay.bic else ""))
        y -= 5 * mm
    if pay.terms:
        pdf.drawString(left, y, f"Conditions : {pay.terms}")
        y -= 5 * mm
    # Every note the XML carries, the legal payment mentions among them, on the page too.
    pdf.setFont(FONT, 7.5)
    for note in data.all_notes():
        for chunk in wrap(note.text, 120):
            if y < 15 * mm:
                pdf.showPage()
                pdf.setFont(FONT, 7.5)
                y = height - 25 * mm
            pdf.drawString(left, y, chunk)
            y -= 3.8 * mm
    pdf.showPage()
    pdf.save()
    return out.getvalue()


def _party_block(pdf: Canvas, x: float, y: float, title: str, party: Party) -> None:
    pdf.setFont(BOLD, 9)
    pdf.drawString(x, y, title)
    pdf.setFont(FONT, 9)
    a = party.address
    rows = [party.name, a.line1, a.line2, f"{a.postcode} {a.city}".strip(),
            f"SIRET {party.siret}" if party.siret else "",
            f"TVA {party.vat_id}" if party.vat_id else ""]
    for row in (r for r in rows if r):
        y -= 4.5 * mm
        pdf.drawString(x, y, row[:48])
