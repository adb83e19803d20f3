"""What the bank API answers, as response models (for the OpenAPI document). Amounts are
decimal strings ("-12.50") next to their cents; dates are ISO 8601."""

from __future__ import annotations

from pydantic import Field

from raccord.toolkit.api import Open


class BankOut(Open):
    """A bank connected through Bridge (an item)."""

    id: int
    bank: str
    state: str
    state_text: str
    needs_holder: bool
    status_code: int
    last_refresh: str | None = None
    removed: bool


class AccountOut(Open):
    id: int
    bridge_id: int
    item_id: int
    name: str
    iban: str
    currency: str
    company: str | None = None
    journal: str | None = None
    paused: bool
    removed: bool
    balance: str
    balance_cents: int
    balance_at: str | None = None
    cursor: str | None = None
    last_fetch_at: str | None = None
    last_error: str | None = None
    statements_from: str
    unstated: int


class AccountsOut(Open):
    banks: list[BankOut]
    accounts: list[AccountOut]


class TransactionOut(Open):
    id: int
    account_id: int
    bridge_id: int
    amount: str
    amount_cents: int
    currency: str
    date: str
    booking_date: str | None = None
    value_date: str | None = None
    label: str
    bank_label: str
    operation_type: str
    status: str
    version: int
    statement_id: int | None = None
    in_opening_balance: bool
    updated_at: str | None = None


class ExplanationPart(Open):
    text: str | None = None
    amount: str


class StatementOut(Open):
    id: int
    account_id: int
    number: int
    period: str
    period_from: str = Field(alias="from")
    period_to: str = Field(alias="to")
    currency: str
    opening_balance: str
    closing_balance: str
    credits: str
    debits: str
    lines: int
    bridge_balance: str
    bridge_balance_at: str | None = None
    expected_closing_balance: str
    difference: str
    explanation: list[ExplanationPart]
    created_at: str | None = None
    created_by: str


class LineOut(Open):
    id: int
    kind: str
    transaction_id: int
    bridge_id: int
    amount: str
    amount_cents: int
    booking_date: str
    value_date: str
    label: str
    bank_label: str
    operation_type: str


class StatementDetail(StatementOut):
    entries: list[LineOut]


class Queued(Open):
    status: str


class WebhookOutcome(Open):
    """`queued` (with the bank's item id) or `ignored` (with the reason)."""

    status: str
    item_id: int | None = None
    reason: str | None = None
