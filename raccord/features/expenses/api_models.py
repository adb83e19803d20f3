"""What the expenses API answers, as response models (for the OpenAPI document). Amounts
and distances are decimal strings ("12.50"), never floats."""

from __future__ import annotations

from typing import Any

from pydantic import Field

from raccord.toolkit.api import Open, Refusal


class TripOut(Open):
    from_address: str = Field(alias="from")
    to: str
    round_trip: bool
    distance_km: str | None = None
    computed_km: str | None = None
    vehicle: str
    fiscal_cv: int | None = None
    electric: bool
    allowance: str | None = None


class ExpenseOut(Open):
    id: int
    kind: str
    date: str
    merchant: str
    category: str
    amount_incl_tax: str | None = None
    amount_excl_tax: str | None = None
    vat: list[dict[str, Any]]
    currency: str
    siret: str
    receipt: str | None = None
    ocr_provider: str | None = None
    trip: TripOut | None = None


class ReportSummary(Open):
    id: int
    employee: str
    company: str
    title: str
    period_start: str
    period_end: str
    state: str
    refusal_reason: str | None = None
    total_incl_tax: str
    expense_count: int


class ReportChange(Open):
    at: str
    actor: str
    expense_id: int | None = None
    field: str
    old: str | None = None
    new: str | None = None


class ReportDetail(ReportSummary):
    expenses: list[ExpenseOut]
    history: list[ReportChange]


class ProposalOut(Open):
    """What OCR read on the receipt, to confirm (POST the fields to `confirm`)."""

    proposal_id: int
    provider: str
    proposed: dict[str, Any]
    confirm: str


class AllowanceOut(Open):
    year: int | None = None
    scale_year: int
    vehicle: str
    cv: int
    km: str
    electric: bool
    amount_eur: str


class Suggestion(Open):
    description: str
    place_id: str
    main_text: str
    secondary_text: str


class SuggestionsOut(Open):
    suggestions: list[Suggestion]


class PlacesRefusal(Refusal):
    """Google could not suggest: what to do, and no suggestion."""

    suggestions: list[Suggestion]


class DistanceOut(Open):
    distance_km: str
    round_trip: bool
