"""What the signatures API answers, as response models (for the OpenAPI document)."""

from __future__ import annotations

from typing import Any

from pydantic import Field

from raccord.toolkit.api import Open


class SignerOut(Open):
    name: str
    email: str
    phone: str | None = None
    signed: bool
    refused: bool


class SignatureOut(Open):
    id: int
    company: str
    kind: str
    kind_label: str
    reference: str
    state: str
    state_label: str
    file_name: str
    level: str
    ordered: bool
    language: str
    expires_at: str | None = None
    transaction_id: str | None = None
    signers: list[SignerOut]
    refusal: dict[str, Any] | None = None
    reason: dict[str, Any] | None = None
    reason_text: str | None = None
    signed_at: str | None = None
    has_signed_document: bool
    has_attestation: bool
    reminders: int
    created_at: str | None = None
    updated_at: str | None = None


class SignatureEvent(Open):
    at: str | None = None
    actor: str
    from_state: str | None = Field(None, alias="from")
    to: str
    to_label: str
    message: str | None = None
    details: dict[str, Any] | None = None


class SignatureDetail(SignatureOut):
    history: list[SignatureEvent]


class WebhookOutcome(Open):
    status: str
