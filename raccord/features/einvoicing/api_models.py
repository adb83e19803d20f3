"""What the e-invoicing API answers, as response models (for the OpenAPI document)."""

from __future__ import annotations

from typing import Any

from raccord.toolkit.api import Open


class ReceiptOut(Open):
    """An invoice handed over: queued (202), already known (200), or invalid (422, every
    error with its field and rule)."""

    id: int
    number: str
    state: str
    errors: list[dict[str, Any]] | None = None
    unchanged: bool


class InvoiceSummary(Open):
    id: int
    company: str
    number: str
    state: str
    state_label: str
    portal_status: str | None = None
    portal_status_label: str | None = None
    flow_number: str | None = None
    portal_id: int | None = None
    buyer_siret: str | None = None
    buyer_name: str | None = None
    total_due: str | None = None
    currency: str | None = None
    format: str
    attempts: int
    waiting: str | None = None
    next_attempt_at: str | None = None
    created_at: str | None = None
    updated_at: str | None = None


class InvoiceDetail(InvoiceSummary):
    file_name: str | None = None
    syntax: str | None = None
    errors: list[dict[str, Any]] | None = None
    history: list[dict[str, Any]]
    data: dict[str, Any] | None = None


class QuotaOut(Open):
    space: str
    max_calls_per_second: int
    space_calls_per_second: int
    calls_today: int
    calls_per_day: int
    calls_last_second: int
    paused_until: str | None = None
    message: str


class ProblemOut(Open):
    rule: str
    flag: str
    location: str
    message: str


class VerdictOut(Open):
    """The validator's verdict on one file (an invalid invoice is a verdict, not an error)."""

    file: str
    valid: bool
    problems: list[ProblemOut]
