"""What the third-parties API answers, as a response model (for the OpenAPI document)."""

from __future__ import annotations

from typing import Any

from raccord.toolkit.api import Open


class PartyOut(Open):
    id: int
    kind: str
    name: str
    trade_name: str
    address1: str
    address2: str
    address3: str
    postcode: str
    city: str
    country: str
    siren: str | None = None
    siret: str | None = None
    naf: str
    legal_form: str
    vat_number: str
    head_office: bool | None = None
    closed: bool
    closed_on: str | None = None
    sirene: dict[str, Any] | None = None
    updated_at: str | None = None
    updated_by: str
