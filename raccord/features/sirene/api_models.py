"""What the SIRENE API answers, as response models (for the OpenAPI document)."""

from __future__ import annotations

from typing import Any

from pydantic import Field

from raccord.toolkit.api import Open


class FilledOut(Open):
    """The third-party fields SIRENE gives for a number."""

    siren: str
    siret: str
    name: str
    trade_name: str
    address_lines: list[str]
    address1: str
    address2: str
    address3: str
    postcode: str
    city: str
    country: str
    naf: str
    legal_form: str
    legal_form_label: str
    vat_number: str
    head_office: bool | None = None
    closed: bool
    closed_on: str | None = None
    diffusible: bool
    hidden: list[str]
    notes: list[str]
    source: str
    updated_at: str


class EnrichmentOut(Open):
    id: int
    state: str
    total: int
    done: int
    counts: dict[str, int]
    eta_s: float
    error: str | None = None
    created_at: str
    finished_at: str | None = None


class EnrichmentCreated(EnrichmentOut):
    status_url: str
    result_url: str


class SireneStatus(Open):
    copy_: dict[str, Any] | None = Field(None, alias="copy")
    import_in_progress: list[dict[str, Any]]
    api: dict[str, Any]
    kept_answers: int
