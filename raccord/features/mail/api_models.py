"""What the mail API answers, as response models (for the OpenAPI document)."""

from __future__ import annotations

from typing import Any

from raccord.toolkit.api import Open


class MessageOut(Open):
    id: int
    state: str
    state_label: str
    origin: str
    reference: str | None = None
    to: list[str]
    cc: list[str]
    bcc: list[str]
    reply_to: str | None = None
    sender: str | None = None
    subject: str
    message_id: str
    transport: str | None = None
    remote_id: str | None = None
    attempts: int
    reason: str | None = None
    created_at: str
    sent_at: str | None = None
    next_attempt_at: str | None = None


class AttachmentOut(Open):
    filename: str
    content_type: str
    size: int


class MessageDetail(MessageOut):
    """With its history (each state it went through, with its details), its attachments
    (without their content) and its text."""

    history: list[dict[str, Any]]
    attachments: list[AttachmentOut]
    text: str
    html: str | None = None


class MessagesOut(Open):
    messages: list[MessageOut]


class AlertOut(Open):
    key: str
    interface: str | None = None
    severity: str
    message: str
    started_at: str
    flaps: int


class AlertsOut(Open):
    alerts: list[AlertOut]
