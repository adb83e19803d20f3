"""The OpenAPI document describes every API (issue 16): each success with its body or file
media types, each operation's error statuses with their bodies, webhooks without an API key.
And what Schemathesis found once they were described: ids beyond PostgreSQL's INTEGER, a
huge mileage, an unknown bank account, a raw validation error."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from raccord.core.hub import Hub
from raccord.core.roles import Role
from raccord.web import create_app

BEYOND_INTEGER = str(2**31)


@pytest.fixture
def client(storage_hub: Hub) -> TestClient:
    storage_hub.accounts.add_user("erp", "erp-password-1", Role.ADMINISTRATOR)
    key = storage_hub.accounts.new_api_key("erp")
    return TestClient(create_app(storage_hub), raise_server_exceptions=False,
                      headers={"Authorization": f"Bearer {key}", "Accept-Language": "en"})


def operations(spec: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    return [(path, method, operation) for path, methods in spec["paths"].items()
            for method, operation in methods.items()]


def test_every_success_has_a_body_shape_and_every_refusal_is_described(hub: Hub) -> None:
    spec = create_app(hub).openapi()
    assert len(operations(spec)) >= 75
    for path, method, operation in operations(spec):
        answers = operation["responses"]
        successes = [code for code in answers if code.startswith("2")]
        assert successes, (method, path)
        for code in successes:
            content = answers[code].get("content")
            if code == "204":
                assert not content, (method, path)
                continue
            assert content, (method, path, code)
            for media, described in content.items():
                schema = described.get("schema", {})
                assert schema.get("$ref") or schema.get("type") or schema.get("anyOf"), (
                    method, path, code, media)
        for code in ("401", "422"):
            assert "application/json" in answers[code]["content"], (method, path, code)
        if "{" in path:
            assert "404" in answers, (method, path)


def test_downloads_name_their_media_types_and_webhooks_take_no_key(hub: Hub) -> None:
    paths = create_app(hub).openapi()["paths"]
    statement = paths["/api/v1/bank/statements/{statement_id}/file"]["get"]["responses"]
    assert set(statement["200"]["content"]) == {"application/xml", "text/plain",
                                                "application/x-ofx", "application/json"}
    for which in ("signed-document", "attestation"):
        answer = paths[f"/api/v1/signatures/{{request_id}}/{which}"]["get"]["responses"]
        assert set(answer["200"]["content"]) == {"application/pdf"}
        assert "409" in answer
    export = paths["/api/v1/expense-reports/export"]["get"]["responses"]["200"]
    assert set(export["content"]) == {"text/csv"}
    assert paths["/api/v1/bank/webhooks/bridge"]["post"]["security"] == []
    assert paths["/api/v1/signatures/universign-webhook"]["post"]["security"] == []
    assert paths["/api/v1/mail/messages"]["post"]["security"][0] == {"apiKey": []}
    created = paths["/api/v1/calendar/appointments"]["post"]["responses"]["201"]
    assert "get_appointment_api_v1_calendar_appointments__erp_id__get" in created["links"]


@pytest.mark.parametrize("method,path", [
    ("get", f"/api/v1/bank/statements/{BEYOND_INTEGER}"),
    ("get", f"/api/v1/bank/statements?account_id={BEYOND_INTEGER}"),
    ("get", f"/api/v1/bank/transactions?account_id={BEYOND_INTEGER}"),
    ("post", f"/api/v1/bank/accounts/{BEYOND_INTEGER}"),
    ("get", f"/api/v1/mail/messages/{BEYOND_INTEGER}"),
    ("get", f"/api/v1/signatures/{BEYOND_INTEGER}"),
    ("post", f"/api/v1/signatures/{BEYOND_INTEGER}/cancel"),
    ("get", f"/api/v1/expense-reports/{BEYOND_INTEGER}"),
    ("delete", f"/api/v1/expenses/{BEYOND_INTEGER}"),
    ("get", f"/api/v1/einvoicing/invoices/{BEYOND_INTEGER}"),
    ("get", f"/api/v1/thirdparties/{BEYOND_INTEGER}"),
])
def test_ids_beyond_an_integer_column_are_refused_on_postgresql_too(
        client: TestClient, method: str, path: str) -> None:
    """PostgreSQL's INTEGER ids stop at 2**31 - 1: a larger one was a server error there."""
    answer = client.request(method, path, json={} if method == "post" else None)
    assert answer.status_code == 422, (path, answer.status_code, answer.text[:200])
    assert "less than or equal to 2147483647" in answer.text


def test_a_huge_mileage_is_refused_with_what_to_fix(client: TestClient) -> None:
    answer = client.get("/api/v1/mileage/allowance?cv=5&km=5e116")
    assert answer.status_code == 422
    assert "less than or equal to 1000000" in answer.text
    assert client.get("/api/v1/mileage/allowance?cv=5&km=12000").status_code == 200


def test_an_unknown_bank_account_is_not_found(client: TestClient) -> None:
    answer = client.post("/api/v1/bank/accounts/4242", json={})
    assert answer.status_code == 404
    assert answer.json()["error_en"] == "Unknown account 4242."


def test_a_wrong_expense_correction_says_which_field(client: TestClient) -> None:
    report = client.post("/api/v1/expense-reports", json={
        "period_start": "2026-01-01", "period_end": "2026-01-31"}).json()
    expense = client.post(f"/api/v1/expense-reports/{report['id']}/expenses", json={
        "spent_on": "2026-01-05", "amount_incl_tax": "12.50"}).json()
    answer = client.patch(f"/api/v1/expenses/{expense['id']}",
                          json={"amount_incl_tax": "1e40"})
    assert answer.status_code == 422
    body = answer.json()
    assert body["reason"] == "invalid" and "amount_incl_tax" in body["error_en"]
    assert body["error_fr"].startswith("Dépense refusée")


@pytest.mark.parametrize("method,path,body", [
    ("get", "/api/v1/audit?interface=%00w", None),
    ("get", "/api/v1/calendar/appointments/a%00b", None),
    ("post", "/api/v1/calendar/mailboxes", b'{"address": "a\\u0000@example.com"}'),
    ("post", "/api/v1/expense-reports",
     b'{"period_start": "2026-01-01", "period_end": "2026-01-31", "title": "x\\u0000"}'),
])
def test_a_nul_character_is_refused_before_the_database_sees_it(
        client: TestClient, method: str, path: str, body: bytes | None) -> None:
    """PostgreSQL's text cannot hold NUL: `GET /audit?interface=%00w` was a server error."""
    answer = client.request(method, path, content=body,
                            headers={"Content-Type": "application/json"} if body else {})
    assert answer.status_code == 422, answer.text[:300]
    assert answer.json()["reason"] == "nul" and "NUL" in answer.json()["error_en"]


def test_an_escaped_backslash_before_u0000_is_text_not_a_nul(client: TestClient) -> None:
    answer = client.post("/api/v1/expense-reports", content=(
        b'{"period_start": "2026-01-01", "period_end": "2026-01-31", '
        b'"title": "C:\\\\u0000"}'), headers={"Content-Type": "application/json"})
    assert answer.status_code == 201, answer.text[:300]
    assert answer.json()["title"] == "C:\\u0000"
