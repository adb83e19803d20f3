"""Expense reports over the REST API and the console pages: an employee sees only its own,
OCR proposals become expenses only once confirmed (history names the OCR technical user,
then the employee's corrections), trips are measured and priced, states notify the ERP."""

from __future__ import annotations

import io

import pytest
from fastapi.testclient import TestClient
from PIL import Image
from sqlalchemy import select

from raccord.core.hub import Hub
from raccord.core.models import WebhookDelivery
from raccord.core.roles import Role
from raccord.core.settings_store import SYSTEM
from raccord.features.expenses.models import Expense
from raccord.interfaces.ocr.receipts import make_receipt
from raccord.sandbox.setup import TECHNICAL_LOGIN
from raccord.web import create_app
from tests.console_client import Console

PERIOD = {"period_start": "2026-03-01", "period_end": "2026-03-31"}


def api(hub: Hub, login: str, role: str) -> TestClient:
    if hub.accounts.get(login) is None:
        hub.accounts.add_user(login, f"{login}-password-1", role)
    client = TestClient(create_app(hub))
    client.headers["Authorization"] = f"Bearer {hub.accounts.new_api_key(login)}"
    return client


def stripped_jpeg(seed: int) -> tuple[bytes, object]:
    content, truth, _ = make_receipt(seed)
    buffer = io.BytesIO()
    Image.open(io.BytesIO(content)).convert("RGB").save(buffer, "JPEG", quality=90)
    return buffer.getvalue(), truth


@pytest.fixture
def ocr_hub(sandboxed_hub: Hub) -> Hub:
    sandboxed_hub.settings.set("ocr", "provider", "OCR_LOCAL", SYSTEM)
    return sandboxed_hub


def test_an_employee_sees_only_its_own_reports(hub: Hub) -> None:
    emma, paul = api(hub, "emma", "employee"), api(hub, "paul", "employee")
    mine = emma.post("/api/v1/expense-reports", json={**PERIOD, "title": "Lyon"})
    assert mine.status_code == 201 and mine.json()["employee"] == "emma"
    theirs = paul.post("/api/v1/expense-reports", json=PERIOD).json()
    assert [r["id"] for r in emma.get("/api/v1/expense-reports").json()] == [mine.json()["id"]]
    refused = emma.get(f"/api/v1/expense-reports/{theirs['id']}")
    assert refused.status_code == 404 and refused.json()["error_en"] == "Expense report not found."
    assert emma.post(f"/api/v1/expense-reports/{theirs['id']}/expenses", json={
        "spent_on": "2026-03-02", "amount_incl_tax": "5"}).status_code == 404
    assert emma.post("/api/v1/expense-reports", json={**PERIOD, "employee": "paul"}
                     ).status_code == 403
    # Nothing else of the API is open to an employee.
    assert emma.get("/api/v1/thirdparties").status_code == 403
    reader = api(hub, "rita", "reader")
    assert len(reader.get("/api/v1/expense-reports").json()) == 2
    assert paul.get("/api/v1/expense-reports/export").text.count("\n") == 1  # the header


def test_receipt_upload_proposes_then_the_confirmation_saves(ocr_hub: Hub) -> None:
    emma = api(ocr_hub, "emma", "employee")
    report = emma.post("/api/v1/expense-reports", json=PERIOD).json()
    content, truth = stripped_jpeg(8)
    proposed = emma.post(f"/api/v1/expense-reports/{report['id']}/receipts",
                         files={"file": ("ticket.jpg", content, "image/jpeg")})
    assert proposed.status_code == 201, proposed.text
    values = proposed.json()["proposed"]
    assert values["amount_incl_tax"] == truth.total_incl_tax
    assert values["spent_on"] == truth.date and values["confidence"]["amount_incl_tax"] > 0.5
    # Nothing is an expense yet.
    assert emma.get(f"/api/v1/expense-reports/{report['id']}").json()["expenses"] == []
    confirmed = emma.post(f"/api/v1/receipt-proposals/{proposed.json()['proposal_id']}/confirm",
                          json={**{k: values[k] for k in ("spent_on", "amount_incl_tax",
                                                          "amount_excl_tax", "vat", "currency",
                                                          "category")},
                                "merchant": "Corrected name", "siret": values["siret"] or ""})
    assert confirmed.status_code == 201, confirmed.text
    assert confirmed.json()["ocr_provider"] == "OCR_LOCAL"
    full = emma.get(f"/api/v1/expense-reports/{report['id']}").json()
    history = [h for h in full["history"] if h["field"] == "merchant"]
    assert [(h["actor"], h["old"], h["new"]) for h in history] == [
        (TECHNICAL_LOGIN, None, truth.merchant), ("emma", truth.merchant, "Corrected name")]
    total = [h for h in full["history"] if h["field"] == "amount_incl_tax"]
    assert [(h["actor"], h["new"]) for h in total] == [(TECHNICAL_LOGIN, truth.total_incl_tax)]


def test_an_unreadable_upload_changes_nothing(ocr_hub: Hub) -> None:
    emma = api(ocr_hub, "emma", "employee")
    report = emma.post("/api/v1/expense-reports", json=PERIOD).json()
    answer = emma.post(f"/api/v1/expense-reports/{report['id']}/receipts",
                       files={"file": ("notes.txt", b"hello", "text/plain")})
    assert answer.status_code == 422 and "neither an image" in answer.json()["error_en"]
    with ocr_hub.db.session() as session:
        assert session.scalars(select(Expense)).all() == []


def test_trip_measured_priced_and_corrected(sandboxed_hub: Hub) -> None:
    emma = api(sandboxed_hub, "emma", "employee")
    report = emma.post("/api/v1/expense-reports", json=PERIOD).json()
    km = emma.get("/api/v1/mileage/distance", params={
        "origin": "Paris, France", "destination": "Lyon, France", "round_trip": "true"}).json()
    measured = float(km["distance_km"])
    assert 900 < measured < 1200
    trip = emma.post(f"/api/v1/expense-reports/{report['id']}/expenses", json={
        "kind": "trip", "spent_on": "2026-03-04", "trip_from": "Paris, France",
        "trip_to": "Lyon, France", "round_trip": True, "distance_km": "4000",
        "computed_km": km["distance_km"], "vehicle": "car", "fiscal_cv": 5}).json()
    assert trip["trip"]["allowance"] == "2544.00" and trip["amount_incl_tax"] == "2544.00"
    # The second trip crosses the 5,000 km edge: 1,000 km at 0.636, 2,000 km on 0.357+1395.
    second = emma.post(f"/api/v1/expense-reports/{report['id']}/expenses", json={
        "kind": "trip", "spent_on": "2026-03-05", "trip_from": "Lyon", "trip_to": "Paris",
        "distance_km": "3000", "vehicle": "car", "fiscal_cv": 5}).json()
    assert second["trip"]["allowance"] == "1350.00"  # 7,000 × 0.357 + 1,395 − 2,544
    corrected = emma.patch(f"/api/v1/expenses/{trip['id']}", json={"distance_km": "3990"})
    assert corrected.status_code == 200, corrected.text
    history = emma.get(f"/api/v1/expense-reports/{report['id']}").json()["history"]
    km_changes = [(h["old"], h["new"]) for h in history
                  if h["field"] == "distance_km" and h["expense_id"] == trip["id"]]
    assert km_changes == [(None, "4000.0"), ("4000.0", "3990.0")]
    computed = [h for h in history if h["field"] == "computed_km"]
    assert [(h["actor"], h["new"]) for h in computed] == [("emma", f"{measured:.1f}")]


def test_google_refusals_in_the_employee_words(sandboxed_hub: Hub) -> None:
    emma = api(sandboxed_hub, "emma", "employee")
    missing = emma.get("/api/v1/mileage/distance", params={
        "origin": "Nulle Part Ailleurs", "destination": "Lyon, France"})
    assert missing.status_code == 422 and "Address not found" in missing.json()["error_en"]
    sandboxed_hub.settings.set("google", "distance_enabled", False, SYSTEM)
    sandboxed_hub.settings.set("google", "places_enabled", False, SYSTEM)
    off = emma.get("/api/v1/mileage/distance", params={"origin": "Paris, France",
                                                       "destination": "Lyon, France"})
    assert off.status_code == 422 and "type the address and the distance by hand" in \
        off.json()["error_en"]
    places = emma.get("/api/v1/mileage/addresses", params={"q": "Lyon", "session": "s1"})
    assert places.status_code == 422 and "clé" not in places.json()["error"].lower() \
        and "key" not in places.json()["error"].lower()


def test_autocomplete_bills_one_session_per_address(sandboxed_hub: Hub, sandbox) -> None:
    emma = api(sandboxed_hub, "emma", "employee")
    for typed in ("Ly", "Lyo", "Lyon"):
        found = emma.get("/api/v1/mileage/addresses", params={"q": typed, "session": "addr-1"})
        assert found.status_code == 200
    assert found.json()["suggestions"][0]["description"].startswith("Lyon")
    assert sandbox.simulators["google"].counts["sessions:addr-1"] == 3


def test_states_history_and_webhooks(hub: Hub) -> None:
    hub.settings.set("ocr", "webhook_url", "https://erp.example/hooks", SYSTEM)
    emma, boss = api(hub, "emma", "employee"), api(hub, "boss", "administrator")
    report = emma.post("/api/v1/expense-reports", json=PERIOD).json()
    path = f"/api/v1/expense-reports/{report['id']}"
    assert emma.post(f"{path}/submit").status_code == 409  # empty
    emma.post(f"{path}/expenses", json={"spent_on": "2026-03-02", "merchant": "Taxi",
                                         "amount_incl_tax": "23.10", "category": "transport",
                                         "vat": [{"rate": "10", "amount": "2.10"}]})
    assert emma.post(f"{path}/submit").json()["state"] == "submitted"
    assert emma.post(f"{path}/approve").status_code == 403
    assert boss.post(f"{path}/refuse", json={"reason": ""}).status_code == 400
    assert boss.post(f"{path}/refuse", json={"reason": "Missing receipt"}).json()["state"] \
        == "refused"
    assert emma.post(f"{path}/submit").json()["state"] == "submitted"
    assert boss.post(f"{path}/approve").json()["state"] == "approved"
    assert emma.post(f"{path}/expenses", json={"spent_on": "2026-03-02",
                                                "amount_incl_tax": "1"}).status_code == 409
    assert boss.post(f"{path}/pay").json()["state"] == "paid"
    states = [(h["actor"], h["new"]) for h in emma.get(path).json()["history"]
              if h["field"] == "state"]
    assert states == [("emma", "draft"), ("emma", "submitted"), ("boss", "refused"),
                      ("emma", "submitted"), ("boss", "approved"), ("boss", "paid")]
    with hub.db.session() as session:
        events = [(d.event, d.payload["state"]) for d in session.scalars(
            select(WebhookDelivery).order_by(WebhookDelivery.id))]
    assert [e for e, _ in events] == ["expense_report.submitted", "expense_report.refused",
                                      "expense_report.submitted", "expense_report.approved",
                                      "expense_report.paid"]
    csv_text = boss.get("/api/v1/expense-reports/export").text
    assert "Taxi" in csv_text and ";2.10;" in csv_text


def test_pages_hide_the_console_from_employees(hub: Hub) -> None:
    paul = Console(hub, "paul", "paul-password-1", Role.EMPLOYEE.value)
    emma = Console(hub, "emma", "emma-password-1", Role.EMPLOYEE.value)
    home = emma.http.get("/")
    assert home.url.path == "/expenses"
    assert "/interfaces/ocr" not in home.text and "/audit" not in home.text
    assert emma.http.get("/interfaces/ocr").url.path == "/expenses"
    created = emma.post("/expenses/new", {**PERIOD, "title": "Salon"}, page="/expenses")
    assert created.status_code == 200 and "Salon" in created.text
    report_path = created.url.path
    other = paul.http.get(report_path)
    assert other.status_code == 404 and "Salon" not in other.text
    operator = Console(hub)
    assert "Salon" in operator.http.get("/expenses").text


def test_the_phone_page_flow_without_javascript(ocr_hub: Hub) -> None:
    emma = Console(ocr_hub, "emma", "emma-password-1", Role.EMPLOYEE.value)
    page = emma.post("/expenses/new", PERIOD, page="/expenses")
    path = page.url.path
    assert "/expenses/samples/0" in page.text  # the sandbox offers samples
    sample = emma.http.get("/expenses/samples/0")
    assert sample.status_code == 200 and sample.headers["content-type"] == "image/jpeg"
    content, truth = stripped_jpeg(15)
    proposal = emma.http.post(f"{path}/receipt", data={"csrf": emma.csrf(path)},
                              files={"file": ("t.jpg", content, "image/jpeg")})
    assert proposal.status_code == 200 and "/expenses/proposals/" in str(proposal.url)
    assert 'data-ocr="amount_incl_tax"' in proposal.text and truth.total_incl_tax in proposal.text
    form = {"spent_on": truth.date, "merchant": "Fixed by me", "category": truth.category,
            "amount_incl_tax": truth.total_incl_tax, "currency": "EUR", "action": "confirm"}
    saved = emma.post(proposal.url.path, form, page=proposal.url.path)
    assert saved.status_code == 200 and "Fixed by me" in saved.text
    trip = emma.post(f"{path}/trip", {"spent_on": "2026-03-03", "trip_from": "Paris, France",
                                      "trip_to": "Lyon, France", "vehicle": "car",
                                      "fiscal_cv": "5"}, page=path)
    assert trip.status_code == 200 and " km" in trip.text
    submitted = emma.post(f"{path}/move/submit", page=path)
    assert "Submitted" in submitted.text or "Soumise" in submitted.text


def test_an_employee_cannot_be_given_settings(hub: Hub) -> None:
    from raccord.core.config import DeploymentMode
    from raccord.core.roles import may_edit

    assert not may_edit(Role.EMPLOYEE, DeploymentMode.ON_PREMISE)


@pytest.mark.parametrize(("status", "words"), [
    ("REQUEST_DENIED", "a setting the administrator must check"),
    ("OVER_DAILY_LIMIT", "a setting the administrator must check"),
    ("OVER_QUERY_LIMIT", "try again in a minute"),
    ("UNKNOWN_ERROR", "try again in a minute"),
    ("NOT_FOUND", "pick the start and the end among the suggestions"),
    ("ZERO_RESULTS", "pick the start and the end among the suggestions"),
    ("MAX_ELEMENTS_EXCEEDED", "too many addresses"),
    ("MAX_DIMENSIONS_EXCEEDED", "too many addresses"),
    ("INVALID_REQUEST", "Fill in a start address and an end address"),
    ("NO_ROUTE", "No road route"),
])
def test_every_google_status_has_employee_words(status: str, words: str) -> None:
    from raccord.interfaces.google.client import PLACES, MapsError, for_employee, status_diagnosis

    error = MapsError(status_diagnosis(PLACES, PLACES, status, "said by Google"), status)
    text = for_employee(error)
    assert words in text.en and text.fr
    assert "console.cloud.google.com" not in text.en and "said by Google" not in text.en


def test_over_query_limit_reaches_the_employee_in_plain_words(sandboxed_hub: Hub) -> None:
    from raccord.interfaces.google.simulator import OVER_LIMIT_KEY

    sandboxed_hub.settings.set("google", "places_key", OVER_LIMIT_KEY, SYSTEM)
    emma = api(sandboxed_hub, "emma", "employee")
    answer = emma.get("/api/v1/mileage/addresses", params={"q": "Lyon", "session": "s"},
                      headers={"Accept-Language": "en"})
    assert answer.status_code == 422 and "try again in a minute" in answer.json()["error"]
