"""A queued message as RFC 5322, built by the standard library's `email` package: text and
HTML alternatives, attachments, the Message-ID raccord chose, and no known secret."""

from __future__ import annotations

from email.message import EmailMessage
from email.utils import formatdate
from typing import TYPE_CHECKING

from raccord.core.outbox import MailAttachment, MailMessage

if TYPE_CHECKING:
    from raccord.core.hub import Hub


def build_message(hub: Hub, row: MailMessage, attachments: list[MailAttachment], sender: str,
                  *, with_bcc: bool) -> EmailMessage:
    """`with_bcc`: Gmail reads the Bcc header of the raw message (and leaves it out of what
    recipients get); SMTP takes the Bcc recipients in RCPT only."""
    clean = hub.redactor.text
    message = EmailMessage()
    message["From"] = sender
    if row.to:
        message["To"] = ", ".join(row.to)
    if row.cc:
        message["Cc"] = ", ".join(row.cc)
    if with_bcc and row.bcc:
        message["Bcc"] = ", ".join(row.bcc)
    if row.reply_to:
        message["Reply-To"] = row.reply_to
    message["Subject"] = clean(row.subject)
    message["Date"] = formatdate(localtime=True)
    message["Message-ID"] = row.message_id
    if row.reference:
        message["X-Raccord-Reference"] = clean(row.reference)
    message.set_content(clean(row.text))
    if row.html:
        message.add_alternative(clean(row.html), subtype="html")
    for part in attachments:
        maintype, _, subtype = part.content_type.partition("/")
        if not subtype:
            maintype, subtype = "application", "octet-stream"
        message.add_attachment(part.data, maintype=maintype, subtype=subtype,
                               filename=part.filename)
    return message


def recipients(row: MailMessage) -> list[str]:
    return [*row.to, *row.cc, *row.bcc]
