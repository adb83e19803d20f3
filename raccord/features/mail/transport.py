"""Which service sends the mail, as the seed says: Gmail when it is the mail application
chosen in the preferences and the business rule GOOGLE_MAIL is on (refused, with the reason,
when Gmail is chosen without the rule), SMTP when SMTP is chosen."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, time
from email.message import EmailMessage
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from sqlalchemy import func, select

from raccord.core.diagnosis import Diagnosis, Problem, ServiceError
from raccord.core.i18n import Tr
from raccord.core.outbox import MailMessage
from raccord.core.ratelimit import Ceiling
from raccord.interfaces.gmail.client import GOOGLE_DAY, GmailClient, preconditions_missing
from raccord.interfaces.smtp.client import SmtpClient

if TYPE_CHECKING:
    from raccord.core.hub import Hub


@dataclass
class Transport:
    """One way out: `send` returns the service's id of the message; `find` its id by the
    Message-ID, or None when absent; `can_find` says whether the service can be asked."""

    interface: str
    sender: str
    with_bcc: bool
    send: Callable[[EmailMessage, list[str]], str]
    find: Callable[[str], str | None] | None = None
    # Gmail: the daily sending limit of the mailbox, and the share of it that warns.
    daily: Ceiling | None = None
    near_percent: int = 80

    @property
    def can_find(self) -> bool:
        return self.find is not None


def gmail_sent_today(hub: Hub, sender: str) -> int:
    """Messages this mailbox sent since midnight Pacific time (Google's day)."""
    midnight = datetime.combine(datetime.now(ZoneInfo(GOOGLE_DAY)).date(), time(),
                                ZoneInfo(GOOGLE_DAY))
    with hub.db.session() as session:
        return int(session.scalar(select(func.count(MailMessage.id)).where(
            MailMessage.transport == "gmail", MailMessage.sender == sender,
            MailMessage.state == "sent", MailMessage.sent_at >= midnight)) or 0)


def gmail_transport(hub: Hub, sender: str | None) -> Transport:
    client = GmailClient(hub, sender)
    if not client.sender:
        raise ServiceError(Diagnosis(Problem.CONFIG, Tr(
            "Renseignez et enregistrez l'adresse d'envoi (délégation) de Gmail.",
            "Fill in and save Gmail's sending address (delegation).")))
    address = client.sender
    ceilings = client.ceilings(lambda: gmail_sent_today(hub, address))

    def send(message: EmailMessage, _recipients: list[str]) -> str:
        return client.send_raw(message.as_bytes(), ceilings)

    return Transport("gmail", address, True, send,
                     client.find_sent if client.values.get("search_sent") else None,
                     daily=ceilings[0],
                     near_percent=int(client.values.get("near_limit_percent") or 80))


def smtp_transport(hub: Hub, sender: str | None) -> Transport:
    client = SmtpClient(hub)
    missing = client.missing()
    if missing is not None:
        raise ServiceError(Diagnosis(Problem.CONFIG, missing))
    return Transport("smtp", sender or client.sender, False, client.send)


def choose(hub: Hub, sender: str | None = None) -> Transport:
    """The transport the preferences choose; ServiceError (not transient) saying what to do
    when none may send."""
    values = hub.values("gmail")
    if values.get("mail_application") == "gmail":
        missing = preconditions_missing(values)
        if missing is not None:
            raise ServiceError(Diagnosis(Problem.DISABLED, missing))
        return gmail_transport(hub, sender)
    return smtp_transport(hub, sender)


def named(hub: Hub, name: str | None, sender: str | None) -> Transport | None:
    """The transport a message went out by (to reconcile it), whatever is chosen now."""
    try:
        if name == "gmail":
            return gmail_transport(hub, sender)
        if name == "smtp":
            return smtp_transport(hub, sender)
    except ServiceError:
        return None
    return None
