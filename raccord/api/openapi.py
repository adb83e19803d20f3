"""The OpenAPI document, completed: how to authenticate (an API key, or the console session
with its CSRF token for changes), and the links from what a creation answers to the
operations on what it created (clients and Schemathesis follow them)."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi

from raccord.toolkit.api import CSRF_HEADER, DESCRIPTIONS, RETRY_AFTER, ErrorDetail, Refusal

SCHEMES = {
    "apiKey": {"type": "http", "scheme": "bearer",
               "description": "An API key made with `raccord user api-key LOGIN`: "
                              "`Authorization: Bearer rk_…`. No CSRF token needed."},
    "consoleSession": {"type": "apiKey", "in": "cookie", "name": "raccord_session",
                       "description": "The console's session (a signed-in browser)."},
    "csrfToken": {"type": "apiKey", "in": "header", "name": CSRF_HEADER,
                  "description": "With the console session, for anything but a read: the "
                                 "token of the console's pages (meta csrf-token)."},
}
READ: list[dict[str, list[str]]] = [{"apiKey": []}, {"consoleSession": []}]
CHANGE: list[dict[str, list[str]]] = [{"apiKey": []}, {"consoleSession": [], "csrfToken": []}]
SAFE = {"get", "head", "options"}

# (creating operation, its success status, the id in its answer) → operations taking it.
LINKS: list[tuple[str, str, str, str, str, list[tuple[str, str]]]] = [
    ("/api/v1/thirdparties", "post", "201", "party_id", "$response.body#/id", [
        ("/api/v1/thirdparties/{party_id}", "get"),
        ("/api/v1/thirdparties/{party_id}", "patch"),
        ("/api/v1/thirdparties/{party_id}/refresh", "post"),
        ("/api/v1/thirdparties/{party_id}", "delete")]),
    ("/api/v1/einvoicing/invoices", "post", "202", "invoice_id", "$response.body#/id", [
        ("/api/v1/einvoicing/invoices/{invoice_id}", "get"),
        ("/api/v1/einvoicing/invoices/{invoice_id}/file", "get"),
        ("/api/v1/einvoicing/invoices/{invoice_id}/cancel", "post"),
        ("/api/v1/einvoicing/invoices/{invoice_id}/resend", "post")]),
    ("/api/v1/einvoicing/invoices/file", "post", "202", "invoice_id", "$response.body#/id", [
        ("/api/v1/einvoicing/invoices/{invoice_id}", "get"),
        ("/api/v1/einvoicing/invoices/{invoice_id}/file", "get")]),
    ("/api/v1/sirene/enrichments", "post", "202", "enrichment_id", "$response.body#/id", [
        ("/api/v1/sirene/enrichments/{enrichment_id}", "get"),
        ("/api/v1/sirene/enrichments/{enrichment_id}/result", "get")]),
    ("/api/v1/companies", "post", "200", "code", "$response.body#/code", [
        ("/api/v1/companies/{code}/settings/{interface}/{key}", "put")]),
    ("/api/v1/calendar/appointments", "post", "201", "erp_id", "$response.body#/erp_id", [
        ("/api/v1/calendar/appointments/{erp_id}", "get"),
        ("/api/v1/calendar/appointments/{erp_id}", "patch"),
        ("/api/v1/calendar/appointments/{erp_id}", "delete")]),
    ("/api/v1/calendar/mailboxes", "post", "201", "address", "$response.body#/address", [
        ("/api/v1/calendar/mailboxes/{address}", "patch")]),
    ("/api/v1/signatures", "post", "202", "request_id", "$response.body#/id", [
        ("/api/v1/signatures/{request_id}", "get"),
        ("/api/v1/signatures/{request_id}/cancel", "post"),
        ("/api/v1/signatures/{request_id}/remind", "post"),
        ("/api/v1/signatures/{request_id}/signed-document", "get"),
        ("/api/v1/signatures/{request_id}/attestation", "get")]),
    ("/api/v1/expense-reports", "post", "201", "report_id", "$response.body#/id", [
        ("/api/v1/expense-reports/{report_id}", "get"),
        ("/api/v1/expense-reports/{report_id}/expenses", "post"),
        ("/api/v1/expense-reports/{report_id}/receipts", "post"),
        ("/api/v1/expense-reports/{report_id}/{action}", "post")]),
    ("/api/v1/expense-reports/{report_id}/expenses", "post", "201", "expense_id",
     "$response.body#/id", [("/api/v1/expenses/{expense_id}", "patch"),
                            ("/api/v1/expenses/{expense_id}", "delete")]),
    ("/api/v1/expense-reports/{report_id}/receipts", "post", "201", "proposal_id",
     "$response.body#/proposal_id", [("/api/v1/receipt-proposals/{proposal_id}/confirm",
                                      "post")]),
    ("/api/v1/bank/statements", "post", "201", "statement_id", "$response.body#/id", [
        ("/api/v1/bank/statements/{statement_id}", "get"),
        ("/api/v1/bank/statements/{statement_id}/file", "get")]),
    ("/api/v1/mail/messages", "post", "202", "message_id", "$response.body#/id", [
        ("/api/v1/mail/messages/{message_id}", "get")]),
]


def describe(app: FastAPI) -> None:
    """Serve the completed document at the app's OpenAPI URL."""

    def document() -> dict[str, Any]:
        if app.openapi_schema is None:
            app.openapi_schema = complete(get_openapi(
                title=app.title, version=app.version, routes=app.routes,
                description="raccord's REST API for the ERP. Every error body is described "
                            "with its status; `Accept-Language: en` for English messages."))
        return app.openapi_schema

    app.openapi = document  # type: ignore[method-assign]


def _common_errors() -> dict[str, dict[str, Any]]:
    detail = {"$ref": "#/components/schemas/ErrorDetail"}
    refusal = {"anyOf": [{"$ref": "#/components/schemas/Refusal"}, detail]}
    answers: dict[str, dict[str, Any]] = {}
    for code in (400, 401, 403, 404, 422, 429):
        answers[str(code)] = {"description": DESCRIPTIONS[code],
                              "content": {"application/json": {"schema": refusal}}}
    answers["429"]["headers"] = RETRY_AFTER
    return answers


def complete(spec: dict[str, Any]) -> dict[str, Any]:
    components = spec.setdefault("components", {})
    components["securitySchemes"] = SCHEMES
    schemas = components.setdefault("schemas", {})
    schemas.setdefault("ErrorDetail", ErrorDetail.model_json_schema())
    schemas.setdefault("Refusal", Refusal.model_json_schema())
    common = _common_errors()
    paths = spec.get("paths", {})
    for path, operations in paths.items():
        for method, operation in operations.items():
            # A webhook's route says itself that it takes no key (SIGNED_BY_CALLER).
            operation.setdefault("security", READ if method in SAFE else CHANGE)
            # Every route answers these, whichever router declared it.
            answers = operation.setdefault("responses", {})
            for code, answer in common.items():
                if code != "404" or "{" in path:  # what a path names may not exist
                    answers.setdefault(code, answer)
    for creation, method, status, parameter, source, targets in LINKS:
        answer = paths.get(creation, {}).get(method, {}).get("responses", {}).get(status)
        if answer is None:
            continue
        links = answer.setdefault("links", {})
        for target_path, target_method in targets:
            target = paths.get(target_path, {}).get(target_method)
            if target is None:
                continue
            name = target["operationId"]
            links[name] = {"operationId": name, "parameters": {parameter: source}}
    return spec
