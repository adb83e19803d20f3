"""OCR_LOCAL on receipt files: photos (JPEG, PNG), HEIC, scanned PDFs and PDFs with a text
layer, and the clear refusals for what is not a receipt. The generated receipts carry their
truth in the file; the local reader never looks at it (a stripped copy reads the same)."""

from __future__ import annotations

import io
import json
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from PIL import Image
from typer.testing import CliRunner

from raccord.cli import app
from raccord.interfaces.ocr import local
from raccord.interfaces.ocr.reading import ReceiptUnreadable
from raccord.interfaces.ocr.receipts import TRUTH_KEY, embedded_truth, make_receipt
from tests.expenses.receipts_files import heic, scanned_pdf, text_pdf


def stripped(content: bytes) -> bytes:
    """The same pixels without the embedded truth."""
    buffer = io.BytesIO()
    Image.open(io.BytesIO(content)).convert("RGB").save(buffer, "PNG")
    assert embedded_truth(buffer.getvalue()) is None
    return buffer.getvalue()


@pytest.mark.parametrize("seed", [3, 8, 15])
def test_photographed_receipts_are_read(seed: int) -> None:
    content, truth, _ = make_receipt(seed)
    assert embedded_truth(content) == truth
    reading = local.read_receipt(stripped(content))
    assert reading.total_incl_tax == Decimal(truth.total_incl_tax)
    assert reading.date == date.fromisoformat(truth.date)
    assert reading.merchant == truth.merchant
    assert reading.provider == "OCR_LOCAL"
    assert {str(v.rate) for v in reading.vat} <= {v.rate for v in truth.vat} | {"0"}


def test_heic_photo_is_read() -> None:
    content, truth = heic(21)
    assert content[4:12] == b"ftypheic"
    reading = local.read_receipt(content)
    assert reading.total_incl_tax == Decimal(truth.total_incl_tax)


def test_scanned_pdf_first_page_is_read() -> None:
    content, truth = scanned_pdf(5)
    reading = local.read_receipt(content)
    assert reading.total_incl_tax == Decimal(truth.total_incl_tax)
    assert reading.date == date.fromisoformat(truth.date)


def test_pdf_text_layer_is_used_without_ocr() -> None:
    content = text_pdf(["HOTEL DE LA GARE", "SIRET 542 107 651 00012", "Facture du 04/05/2026",
                        "Nuitee chambre double          89,00", "Total HT 80,91",
                        "TVA 10% 8,09", "Total TTC 89,00 EUR"])
    reading = local.read_receipt(content)
    assert reading.total_incl_tax == Decimal("89.00")
    assert reading.total_excl_tax == Decimal("80.91")
    assert [(str(v.rate), str(v.amount)) for v in reading.vat] == [("10", "8.09")]
    assert reading.date == date(2026, 5, 4) and reading.merchant == "HOTEL DE LA GARE"
    assert reading.confidence["total_incl_tax"] > 0.8


@pytest.mark.parametrize(("content", "words"), [
    (b"", "empty"),
    (b"just some text, not a picture", "neither an image"),
    (b"\x89PNG\r\n\x1a\nbroken", "cannot be opened"),
    (b"x" * (10 * 1024 * 1024 + 1), "over 10 MB"),
])
def test_files_that_are_not_receipts_are_refused_plainly(content: bytes, words: str) -> None:
    with pytest.raises(ReceiptUnreadable) as caught:
        local.read_receipt(content)
    assert words in caught.value.diagnosis.message.en


def test_a_blank_photo_is_no_receipt() -> None:
    buffer = io.BytesIO()
    Image.new("L", (600, 900), 235).save(buffer, "JPEG")
    with pytest.raises(ReceiptUnreadable) as caught:
        local.read_receipt(buffer.getvalue())
    assert "does not look like a receipt" in caught.value.diagnosis.message.en


def test_read_receipt_command_prints_the_contract(tmp_path: Path,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("RACCORD_HOME", str(tmp_path / "home"))
    content, truth, _ = make_receipt(8)
    path = tmp_path / "ticket.jpg"
    path.write_bytes(stripped(content))
    done = CliRunner().invoke(app, ["expenses", "read-receipt", str(path), "--json"])
    assert done.exit_code == 0, done.output
    data = json.loads(done.output)
    assert set(data) >= {"date", "total_incl_tax", "total_excl_tax", "vat", "merchant",
                         "currency", "confidence"}
    assert data["date"] == truth.date
    assert data["total_incl_tax"] == float(truth.total_incl_tax)
    assert data["currency"] == "EUR"
    assert all(set(v) >= {"rate", "amount"} for v in data["vat"])
    assert set(data["confidence"]) >= {"date", "total_incl_tax", "vat", "merchant"}
    assert TRUTH_KEY not in done.output


def test_read_receipt_command_fails_in_one_line(tmp_path: Path,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("RACCORD_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("RACCORD_LANG", "en")
    path = tmp_path / "notes.txt"
    path.write_text("hello")
    done = CliRunner().invoke(app, ["expenses", "read-receipt", str(path), "--json",
                                    "--provider", "OCR_LOCAL"])
    assert done.exit_code == 1
    assert done.output.strip().count("\n") == 0 and "neither an image" in done.output
    done = CliRunner().invoke(app, ["expenses", "read-receipt", str(tmp_path / "missing.jpg")])
    assert done.exit_code == 1 and "Cannot read" in done.output


def test_a_photo_taken_sideways_is_turned_upright() -> None:
    content, truth, _ = make_receipt(8, level=0.3)
    buffer = io.BytesIO()
    Image.open(io.BytesIO(content)).rotate(90, expand=True).convert("RGB").save(buffer, "JPEG")
    reading = local.read_receipt(buffer.getvalue())
    assert reading.total_incl_tax == Decimal(truth.total_incl_tax)
    assert reading.date == date.fromisoformat(truth.date)
