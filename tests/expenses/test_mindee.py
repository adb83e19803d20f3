"""Mindee's expense-receipt v5 predictions mapped onto a reading: the official fixture's
shape, an empty answer, partial and low-confidence ones; and the simulator answering from
the receipt a generated image carries, with Mindee's errors and rate limits."""

from __future__ import annotations

import copy
from datetime import date
from decimal import Decimal
from typing import Any

import pytest

from raccord.core.diagnosis import Problem, ServiceError
from raccord.core.hub import Hub
from raccord.core.settings_store import SYSTEM
from raccord.interfaces.ocr.client import read_receipt, reading_from_prediction
from raccord.interfaces.ocr.reading import ReceiptUnreadable
from raccord.interfaces.ocr.receipts import make_receipt
from raccord.sandbox.setup import Sandbox


def body(prediction: dict[str, Any]) -> dict[str, Any]:
    return {"api_request": {"error": {}, "resources": ["document"], "status": "success",
                            "status_code": 201},
            "document": {"id": "d96fb043-8fb8-4adc-820c-387aae83376d", "name": "t.jpg",
                         "n_pages": 1, "inference": {"prediction": prediction, "pages": []}}}


# The official fixture (mindee/client-lib-test-data v1 expense_receipts response_v5).
COMPLETE = {
    "category": {"confidence": 0.99, "value": "food"},
    "subcategory": {"confidence": 0.98, "value": "restaurant"},
    "document_type": {"confidence": 1.0, "value": "EXPENSE RECEIPT"},
    "date": {"confidence": 0.99, "page_id": 0, "polygon": [], "value": "2016-02-26"},
    "time": {"confidence": 0.99, "page_id": 0, "polygon": [], "value": "15:20"},
    "locale": {"confidence": 0.82, "country": "GB", "currency": "GBP", "language": "en",
               "value": "en-GB"},
    "total_amount": {"confidence": 0.99, "page_id": 0, "polygon": [], "value": 10.2},
    "total_net": {"confidence": 0.99, "page_id": 0, "polygon": [], "value": 8.5},
    "total_tax": {"confidence": 0.99, "page_id": None, "polygon": [], "value": 1.7},
    "tip": {"confidence": 0.0, "page_id": None, "polygon": [], "value": None},
    "taxes": [{"base": 8.5, "code": "VAT", "confidence": 0.99, "page_id": 0, "polygon": [],
               "rate": 20.0, "value": 1.7}],
    "supplier_name": {"confidence": 0.99, "page_id": 0, "polygon": [], "raw_value": "clachan",
                      "value": "clachan"},
    "supplier_company_registrations": [{"confidence": 0.99, "page_id": 0, "polygon": [],
                                        "type": "VAT NUMBER", "value": "232153895"}],
    "supplier_address": {"confidence": 0.99, "page_id": 0, "polygon": [],
                         "value": "34 Kingley Street W1B 50H"},
    "receipt_number": {"confidence": 0.99, "page_id": 0, "polygon": [], "value": "54/7500"},
    "line_items": [],
}
EMPTY = {key: ({"confidence": 0.0, "page_id": None, "polygon": [], "value": None}
               if isinstance(value, dict) else []) for key, value in COMPLETE.items()}
EMPTY["locale"] = {"confidence": 0.0, "country": None, "currency": None, "language": None,
                   "value": None}


def test_the_official_complete_answer() -> None:
    r = reading_from_prediction(body(COMPLETE))
    assert r.date == date(2016, 2, 26) and r.time == "15:20"
    assert r.total_incl_tax == Decimal("10.20") and r.total_excl_tax == Decimal("8.50")
    assert [(v.rate, v.amount, v.base) for v in r.vat] == [
        (Decimal("20"), Decimal("1.70"), Decimal("8.50"))]
    assert r.merchant == "clachan" and r.category == "food" and r.currency == "GBP"
    assert r.siret is None  # a British VAT number is no SIRET
    assert r.confidence["currency"] == 0.82 and r.confidence["total_incl_tax"] == 0.99
    assert r.document_id == "d96fb043-8fb8-4adc-820c-387aae83376d"
    data = r.as_json()
    assert data["date"] == "2016-02-26" and data["vat"] == [
        {"rate": 20.0, "amount": 1.7, "base": 8.5}]


def test_an_empty_answer_reads_nothing_and_says_so() -> None:
    r = reading_from_prediction(body(EMPTY))
    assert r.total_incl_tax is None and r.date is None and r.vat == ()
    assert r.merchant is None and r.currency is None
    assert all(value == 0.0 for value in r.confidence.values())


def test_a_partial_answer_computes_what_it_can() -> None:
    partial = copy.deepcopy(COMPLETE)
    partial["total_net"] = {"confidence": 0.0, "value": None}
    partial["total_tax"] = {"confidence": 0.0, "value": None}
    partial["taxes"] = [{"base": None, "code": "TVA", "confidence": 0.71, "rate": 10.0,
                         "value": 3.9},
                        {"base": None, "code": None, "confidence": 0.5, "rate": None,
                         "value": 0.4},  # no rate: nothing to file it under
                        {"base": 11.0, "code": "TVA", "confidence": 0.93, "rate": 5.5,
                         "value": 0.61}]
    partial["total_amount"] = {"confidence": 0.97, "value": 54.51}
    partial["date"] = {"confidence": 0.4, "value": "2026-13-40"}  # not a date
    r = reading_from_prediction(body(partial))
    assert [str(v.rate) for v in r.vat] == ["10", "5.5"]
    assert r.total_excl_tax == Decimal("50.00")  # 54.51 - (3.90 + 0.61)
    assert r.confidence["vat"] == 0.71 and r.confidence["total_excl_tax"] == 0.71
    assert r.date is None and r.confidence["date"] == 0.0


def test_low_confidence_values_are_kept_with_their_confidence() -> None:
    shaky = copy.deepcopy(COMPLETE)
    shaky["supplier_name"] = {"confidence": 0.31, "value": "C1achan"}
    shaky["total_amount"] = {"confidence": 0.42, "value": 10.2}
    r = reading_from_prediction(body(shaky))
    assert r.merchant == "C1achan" and r.confidence["merchant"] == 0.31
    assert r.confidence["total_incl_tax"] == 0.42


def test_french_siret_registration_is_kept() -> None:
    french = copy.deepcopy(COMPLETE)
    french["supplier_company_registrations"] = [{"type": "SIRET", "confidence": 0.9,
                                                 "value": "542 107 651 00012"}]
    assert reading_from_prediction(body(french)).siret == "54210765100012"


def test_the_simulator_reads_the_generated_receipt(sandboxed_hub: Hub) -> None:
    content, truth, content_type = make_receipt(4)
    r = read_receipt(sandboxed_hub, content, "ticket.jpg", content_type, "OCR_MINDEE")
    assert r.provider == "OCR_MINDEE"
    assert r.total_incl_tax == Decimal(truth.total_incl_tax)
    assert r.date == date.fromisoformat(truth.date) and r.merchant == truth.merchant
    assert [(str(v.rate), str(v.amount)) for v in r.vat] == [
        (v.rate, v.amount) for v in truth.vat]
    assert r.siret == truth.siret


def test_mindee_errors_are_told(sandboxed_hub: Hub, sandbox: Sandbox) -> None:
    content, _, content_type = make_receipt(4)
    with pytest.raises(ServiceError) as caught:
        read_receipt(sandboxed_hub, b"%not a document", "x.txt", "text/plain", "OCR_MINDEE")
    assert "Invalid file type" in caught.value.diagnosis.message.en
    sandboxed_hub.settings.set("ocr", "token", "wrong-token", SYSTEM)
    with pytest.raises(ServiceError) as caught:
        read_receipt(sandboxed_hub, content, "t.jpg", content_type, "OCR_MINDEE")
    assert caught.value.diagnosis.problem is Problem.AUTH
    assert "wrong-token" not in caught.value.diagnosis.message.en


def test_switches_are_honoured(sandboxed_hub: Hub) -> None:
    content, _, content_type = make_receipt(4)
    sandboxed_hub.settings.set("ocr", "enabled", False, SYSTEM)
    with pytest.raises(ServiceError) as caught:
        read_receipt(sandboxed_hub, content, "t.jpg", content_type, "OCR_LOCAL")
    assert caught.value.diagnosis.problem is Problem.DISABLED
    assert "Mindee" not in caught.value.diagnosis.message.en  # the local reader needs no Mindee
    sandboxed_hub.settings.set("ocr", "enabled", True, SYSTEM)
    sandboxed_hub.settings.set("ocr", "mindee_enabled", False, SYSTEM)
    assert read_receipt(sandboxed_hub, content, "t.jpg", content_type, "OCR_LOCAL").provider \
        == "OCR_LOCAL"
    with pytest.raises(ServiceError):
        read_receipt(sandboxed_hub, content, "t.jpg", content_type, "OCR_MINDEE")
    with pytest.raises(ReceiptUnreadable):
        read_receipt(sandboxed_hub, b"", "t.jpg", content_type, "OCR_LOCAL")


def test_the_local_test_passes(sandboxed_hub: Hub) -> None:
    mindee, local_report = sandboxed_hub.run_tests("ocr")
    assert mindee.ok, mindee.summary("en")
    assert local_report.test == "local" and local_report.ok, local_report.summary("en")
    assert any("no data left the server" in n.en for n in local_report.notes)
