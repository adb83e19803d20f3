"""Mail that raccord or the ERP wants sent: one durable row per message, kept with its
history; the mail feature's send job (`mail.send`, enqueued by name) carries it out.

States: `queued` → `sending` (marked before the service is called) → `sent` (with the
service's id) or `failed` (with the reason); `unknown` when a worker died or an answer was
lost after the call went out and the service cannot be asked whether it arrived (a person
decides: see docs/decisions.md, "Mail exactly once"). An idempotency key, unique, makes the
same mail queued twice one row."""

from __future__ import annotations

import logging
import secrets
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import (
    JSON,
    DateTime,
    ForeignKey,
    Integer,
    LargeBinary,
    String,
    Text,
    select,
)
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Mapped, mapped_column

from raccord.core.i18n import Tr
from raccord.core.models import Base, utcnow

if TYPE_CHECKING:
    from raccord.core.hub import Hub

log = logging.getLogger("raccord.mail")
SEND_JOB = "mail.send"
STATES = ("queued", "sending", "sent", "failed", "unknown")


@dataclass(frozen=True)
class Attachment:
    filename: str
    content_type: str
    data: bytes


@dataclass(frozen=True)
class OutgoingMail:
    to: tuple[str, ...]
    subject: str
    text: str
    html: str | None = None
    cc: tuple[str, ...] = ()
    bcc: tuple[str, ...] = ()
    reply_to: str | None = None
    # None: the installation's sending address (Gmail's delegated mailbox, SMTP's sender).
    sender: str | None = None
    attachments: tuple[Attachment, ...] = ()
    # The caller's own reference (an invoice number, an alert key), shown and searchable.
    reference: str | None = None


class MailMessage(Base):
    __tablename__ = "mail_messages"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    origin: Mapped[str] = mapped_column(String(40), index=True)
    idempotency_key: Mapped[str | None] = mapped_column(String(200), unique=True, nullable=True)
    state: Mapped[str] = mapped_column(String(20), index=True, default="queued")
    sender: Mapped[str | None] = mapped_column(String(320), nullable=True)
    to: Mapped[list[str]] = mapped_column(JSON)
    cc: Mapped[list[str]] = mapped_column(JSON, default=list)
    bcc: Mapped[list[str]] = mapped_column(JSON, default=list)
    reply_to: Mapped[str | None] = mapped_column(String(320), nullable=True)
    subject: Mapped[str] = mapped_column(Text)
    text: Mapped[str] = mapped_column(Text)
    html: Mapped[str | None] = mapped_column(Text, nullable=True)
    reference: Mapped[str | None] = mapped_column(String(200), nullable=True, index=True)
    # The RFC 5322 Message-ID raccord writes into the message: how a lost answer is checked.
    message_id: Mapped[str] = mapped_column(String(250), unique=True)
    transport: Mapped[str | None] = mapped_column(String(10), nullable=True)
    remote_id: Mapped[str | None] = mapped_column(String(250), nullable=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    # Both languages, {"fr": ..., "en": ...}: why it failed, waits or is unknown.
    reason: Mapped[dict[str, str] | None] = mapped_column(JSON, nullable=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow,
                                                 index=True)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    # A retry or a held message (daily limit) is not sent before this time.
    next_attempt_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True),
                                                             nullable=True)
    sending_since: Mapped[datetime | None] = mapped_column(DateTime(timezone=True),
                                                           nullable=True)
    sent_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)

    @property
    def reason_tr(self) -> Tr | None:
        return Tr(self.reason["fr"], self.reason["en"]) if self.reason else None


class MailAttachment(Base):
    __tablename__ = "mail_attachments"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    message: Mapped[int] = mapped_column(ForeignKey("mail_messages.id", ondelete="CASCADE"),
                                         index=True)
    filename: Mapped[str] = mapped_column(String(250))
    content_type: Mapped[str] = mapped_column(String(120))
    data: Mapped[bytes] = mapped_column(LargeBinary)


class MailEvent(Base):
    """A message's history: every state it went through, and why."""

    __tablename__ = "mail_events"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    message: Mapped[int] = mapped_column(ForeignKey("mail_messages.id", ondelete="CASCADE"),
                                         index=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    state: Mapped[str] = mapped_column(String(20))
    detail: Mapped[dict[str, Any] | None] = mapped_column(JSON, nullable=True)


def new_message_id(sender: str | None) -> str:
    domain = (sender or "").rpartition("@")[2] or "raccord.invalid"
    return f"<raccord.{secrets.token_hex(12)}@{domain}>"


def _clean(addresses: tuple[str, ...]) -> list[str]:
    return [a.strip() for a in addresses if a and a.strip()]


def queue_mail(hub: Hub, mail: OutgoingMail, *, origin: str,
               idempotency_key: str | None = None) -> int:
    """Keep the mail as a row and wake a worker; returns its id. The same idempotency key
    queued again returns the first row's id and queues nothing."""
    if idempotency_key is not None:
        existing = find_by_key(hub, idempotency_key)
        if existing is not None:
            return existing
    to = _clean(mail.to)
    if not to and not _clean(mail.cc) and not _clean(mail.bcc):
        raise ValueError("a mail needs at least one recipient")
    try:
        with hub.db.session() as session:
            row = MailMessage(
                origin=origin, idempotency_key=idempotency_key, state="queued",
                sender=mail.sender, to=to, cc=_clean(mail.cc), bcc=_clean(mail.bcc),
                reply_to=mail.reply_to, subject=mail.subject, text=mail.text, html=mail.html,
                reference=mail.reference, message_id=new_message_id(mail.sender))
            session.add(row)
            session.flush()
            for part in mail.attachments:
                session.add(MailAttachment(message=row.id, filename=part.filename,
                                           content_type=part.content_type, data=part.data))
            session.add(MailEvent(message=row.id, state="queued",
                                  detail={"origin": origin}))
            message_id = row.id
    except IntegrityError:
        if idempotency_key is None:
            raise
        existing = find_by_key(hub, idempotency_key)
        if existing is None:
            raise
        return existing
    wake(hub, message_id)
    return message_id


def wake(hub: Hub, message_id: int, delay_s: float = 0.0) -> None:
    """Enqueue the send job when a process has the mail feature loaded; otherwise the row
    waits as queued and the feature's sweep sends it."""
    from raccord.core.jobs import JOBS

    if SEND_JOB in JOBS:
        hub.jobs.enqueue(SEND_JOB, delay_s=delay_s, message_id=message_id)
    else:
        log.info("mail %s queued; no process here sends mail (mail feature not loaded)",
                 message_id)


def find_by_key(hub: Hub, key: str) -> int | None:
    """The message queued with this idempotency key, if any."""
    with hub.db.session() as session:
        found: int | None = session.scalar(select(MailMessage.id).where(
            MailMessage.idempotency_key == key))
        return found


def mail_state(hub: Hub, message_id: int) -> MailMessage | None:
    with hub.db.session() as session:
        return session.get(MailMessage, message_id)
