"""Tables of the signature feature: one row per document the ERP sends to be signed (the PDF,
its signers, where the transaction on Universign got to, the signed copy and the attestation),
its history, and where the follow-up's listing got to."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Boolean, DateTime, ForeignKey, Integer, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column

from raccord.core.models import Base, utcnow


class SignatureRequest(Base):
    __tablename__ = "signature_requests"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    # Carried in the transaction's metadata: finds a transaction whose creation answer was lost
    # (unique across installations sharing a Universign workspace, unlike `id`).
    uid: Mapped[str] = mapped_column(String(32), unique=True)
    company_code: Mapped[str] = mapped_column(String(40), index=True)
    kind: Mapped[str] = mapped_column(String(20))  # quote, delivery_note
    reference: Mapped[str] = mapped_column(String(120), index=True)
    file_name: Mapped[str] = mapped_column(String(200))
    content: Mapped[bytes] = mapped_column(LargeBinary)
    # [{"name", "email", "phone", "page", "x", "y", "anchor"}], in signing order.
    signers: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    level: Mapped[str] = mapped_column(String(10), default="level1")
    ordered: Mapped[bool] = mapped_column(Boolean, default=False)
    language: Mapped[str] = mapped_column(String(5), default="fr")
    expires_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    state: Mapped[str] = mapped_column(String(20), index=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    attempt_started_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True),
                                                                nullable=True)
    next_attempt_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True),
                                                             nullable=True)
    transaction_id: Mapped[str | None] = mapped_column(String(60), nullable=True, index=True)
    universign_state: Mapped[str | None] = mapped_column(String(20), nullable=True)
    signed_by: Mapped[list[str]] = mapped_column(JSON, default=list)
    refusal: Mapped[dict[str, str] | None] = mapped_column(JSON, nullable=True)
    # {"fr", "en"}: why it failed, or what it waits for.
    reason: Mapped[dict[str, str] | None] = mapped_column(JSON, nullable=True)
    signed_content: Mapped[bytes | None] = mapped_column(LargeBinary, nullable=True)
    attestation: Mapped[bytes | None] = mapped_column(LargeBinary, nullable=True)
    signed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    checked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    reminders: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow,
                                                 index=True)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    created_by: Mapped[str] = mapped_column(String(120), default="")


class SignatureEvent(Base):
    __tablename__ = "signature_events"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    request_id: Mapped[int] = mapped_column(
        ForeignKey("signature_requests.id", ondelete="CASCADE"), index=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    actor: Mapped[str] = mapped_column(String(120))
    from_state: Mapped[str | None] = mapped_column(String(20), nullable=True)
    to_state: Mapped[str] = mapped_column(String(20))
    message: Mapped[dict[str, str] | None] = mapped_column(JSON, nullable=True)
    details: Mapped[dict[str, Any] | None] = mapped_column(JSON, nullable=True)


class SignatureCursor(Base):
    """Where the follow-up got to: the transactions changed since `listed_at` are listed (with
    webhooks on)."""

    __tablename__ = "signature_cursor"
    name: Mapped[str] = mapped_column(String(20), primary_key=True)
    listed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
