"""What the faces show of the outbox: one message (its state, reason and history), and the
lists filtered by state."""

from __future__ import annotations

import re
from html import unescape
from typing import TYPE_CHECKING, Any

from sqlalchemy import select

from raccord.core.i18n import Tr
from raccord.core.outbox import STATES, MailAttachment, MailEvent, MailMessage

if TYPE_CHECKING:
    from raccord.core.hub import Hub

STATE_LABELS = {
    "queued": Tr("En attente", "Queued"), "sending": Tr("En cours d'envoi", "Sending"),
    "sent": Tr("Envoyé", "Sent"), "failed": Tr("En échec", "Failed"),
    "unknown": Tr("Incertain : à vérifier", "Uncertain: to check"),
}


def text_of_html(html: str) -> str:
    """A plain-text alternative for a message given as HTML only."""
    text = re.sub(r"(?is)<(script|style).*?</\1>", "", html)
    text = re.sub(r"(?i)<br\s*/?>|</p>|</div>|</li>|</h\d>", "\n", text)
    return unescape(re.sub(r"<[^>]+>", "", text)).strip()


def message_dict(row: MailMessage, lang: str = "fr", events: list[MailEvent] | None = None,
                 attachments: list[tuple[str, str, int]] | None = None) -> dict[str, Any]:
    reason = row.reason_tr
    found: dict[str, Any] = {
        "id": row.id, "state": row.state, "state_label": STATE_LABELS[row.state](lang),
        "origin": row.origin, "reference": row.reference, "to": row.to, "cc": row.cc,
        "bcc": row.bcc, "reply_to": row.reply_to, "sender": row.sender,
        "subject": row.subject, "message_id": row.message_id, "transport": row.transport,
        "remote_id": row.remote_id, "attempts": row.attempts,
        "reason": reason(lang) if reason else None,
        "created_at": row.created_at.isoformat(),
        "sent_at": row.sent_at.isoformat() if row.sent_at else None,
        "next_attempt_at": row.next_attempt_at.isoformat() if row.next_attempt_at else None,
    }
    if events is not None:
        found["history"] = [{"at": e.at.isoformat(), "state": e.state, **(
            {k: (Tr(v["fr"], v["en"])(lang) if k == "reason" else v)
             for k, v in (e.detail or {}).items()})} for e in events]
    if attachments is not None:
        found["attachments"] = [{"filename": n, "content_type": t, "size": s}
                                for n, t, s in attachments]
    return found


def detail(hub: Hub, message_id: int, lang: str = "fr") -> dict[str, Any] | None:
    with hub.db.session() as session:
        row = session.get(MailMessage, message_id)
        if row is None:
            return None
        events = list(session.scalars(select(MailEvent).where(
            MailEvent.message == message_id).order_by(MailEvent.id)))
        parts = [(a.filename, a.content_type, len(a.data)) for a in session.scalars(
            select(MailAttachment).where(MailAttachment.message == message_id))]
        return message_dict(row, lang, events, parts) | {"text": row.text, "html": row.html}


def listing(hub: Hub, lang: str = "fr", state: str | None = None, origin: str | None = None,
            reference: str | None = None, limit: int = 100) -> list[dict[str, Any]]:
    query = select(MailMessage).order_by(MailMessage.id.desc()).limit(max(1, min(limit, 1000)))
    if state in STATES:
        query = query.where(MailMessage.state == state)
    if origin:
        query = query.where(MailMessage.origin == origin)
    if reference:
        query = query.where(MailMessage.reference == reference)
    with hub.db.session() as session:
        return [message_dict(r, lang) for r in session.scalars(query)]
