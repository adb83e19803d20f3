from datetime import date
from decimal import Decimal

import pytest

from raccord.core.diagnosis import Problem, ServiceError
from raccord.core.hub import Hub
from raccord.core.settings_store import SYSTEM
from raccord.interfaces.ocr.client import read_receipt
from raccord.interfaces.ocr.sample import sample_receipt_png
from raccord.interfaces.ocr.simulator import FORBIDDEN_TOKEN
from raccord.sandbox.setup import TECHNICAL_LOGIN, Sandbox


def test_ocr_test_passes_against_the_sandbox(sandboxed_hub: Hub, sandbox: Sandbox) -> None:
    [report] = sandboxed_hub.run_tests("ocr", "mindee")
    assert report.ok, report.summary("en")
    assert any("counts one page" in n.en for n in report.notes)
    assert sandbox.simulators["ocr"].counts["pages"] == 1


def test_a_receipt_fills_the_expense_fields(sandboxed_hub: Hub) -> None:
    reading = read_receipt(sandboxed_hub, sample_receipt_png(), "ticket.png", "image/png")
    assert isinstance(reading.date, date)
    assert reading.currency == "EUR" and reading.provider == "OCR_MINDEE"
    assert reading.merchant and reading.category
    total, net, tax = reading.total_incl_tax, reading.total_excl_tax, reading.total_vat
    assert isinstance(total, Decimal) and net is not None and total == net + tax
    [vat] = reading.vat
    assert vat.rate in (Decimal("10"), Decimal("20")) and vat.amount == tax
    assert reading.confidence["total_incl_tax"] > 0.9
    assert sandboxed_hub.values("ocr")["technical_user"] == TECHNICAL_LOGIN


def test_a_file_that_is_not_an_image_is_refused_plainly(sandboxed_hub: Hub) -> None:
    with pytest.raises(ServiceError) as caught:
        read_receipt(sandboxed_hub, b"just some text", "note.txt", "text/plain")
    message = caught.value.diagnosis.message.en
    assert "HTTP 400" in message and "JPEG, PNG" in message and "Invalid file type" in message


def test_reading_refuses_while_ocr_is_off(sandboxed_hub: Hub) -> None:
    sandboxed_hub.settings.set("ocr", "mindee_enabled", False, SYSTEM)
    with pytest.raises(ServiceError) as caught:
        read_receipt(sandboxed_hub, sample_receipt_png(), "t.png", "image/png")
    assert caught.value.diagnosis.problem is Problem.DISABLED
    assert "Mindee enabled" in caught.value.diagnosis.message.en


def test_wrong_token_is_named(sandboxed_hub: Hub) -> None:
    sandboxed_hub.settings.set("ocr", "token", "not-the-token", SYSTEM)
    [report] = sandboxed_hub.run_tests("ocr", "mindee")
    assert not report.ok
    assert "Mindee token refused (HTTP 401)" in report.summary("en")
    assert "not-the-token" not in report.summary("en")


def test_token_without_the_receipt_product_is_told(sandboxed_hub: Hub) -> None:
    sandboxed_hub.settings.set("ocr", "token", FORBIDDEN_TOKEN, SYSTEM)
    [report] = sandboxed_hub.run_tests("ocr", "mindee")
    assert "HTTP 403" in report.summary("en") and "expense_receipts" in report.summary("en")


def test_wrong_url_path_is_told(sandboxed_hub: Hub, sandbox: Sandbox) -> None:
    sandboxed_hub.settings.set("ocr", "url", sandbox.url("ocr") + "/api", SYSTEM)
    [report] = sandboxed_hub.run_tests("ocr", "mindee")
    assert "HTTP 404" in report.summary("en") and "URL" in report.summary("en")


def test_server_error_is_told(sandboxed_hub: Hub, sandbox: Sandbox) -> None:
    sandbox.simulators["ocr"].faults.error_rate = 1.0
    [report] = sandboxed_hub.run_tests("ocr", "mindee")
    assert "The service is failing (HTTP 503)" in report.summary("en")


def test_quota_is_told(sandboxed_hub: Hub, sandbox: Sandbox) -> None:
    sandbox.simulators["ocr"].faults.per_minute = 1
    [first] = sandboxed_hub.run_tests("ocr", "mindee")
    [second] = sandboxed_hub.run_tests("ocr", "mindee")
    assert first.ok and not second.ok
    assert "HTTP 429" in second.summary("en") and "wait 60 s" in second.summary("en")


def test_technical_user_password_is_checked(sandboxed_hub: Hub) -> None:
    sandboxed_hub.settings.set("ocr", "technical_password", "wrong-password", SYSTEM)
    [report] = sandboxed_hub.run_tests("ocr", "mindee")
    assert not report.ok
    assert f"technical user '{TECHNICAL_LOGIN}' is wrong" in report.summary("en")


def test_missing_token_is_asked_for(hub: Hub) -> None:
    [report] = hub.run_tests("ocr", "mindee")
    assert not report.ok and "Mindee token" in report.summary("en")
