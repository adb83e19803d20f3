"""The mail feature's tables: the core's outbox and alerts, and who is mailed which alerts."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from raccord.core.alerts import AlertRow as AlertRow
from raccord.core.models import Base, utcnow
from raccord.core.outbox import MailAttachment as MailAttachment
from raccord.core.outbox import MailEvent as MailEvent
from raccord.core.outbox import MailMessage as MailMessage

ALL_INTERFACES = ""


class AlertSubscription(Base):
    """A person mailed the alerts of one interface (or all: ""), of a severity and above."""

    __tablename__ = "alert_subscriptions"
    __table_args__ = (UniqueConstraint("login", "interface", "severity"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    login: Mapped[str] = mapped_column(String(120), index=True)
    email: Mapped[str] = mapped_column(String(320))
    language: Mapped[str] = mapped_column(String(2), default="fr")
    interface: Mapped[str] = mapped_column(String(40), default=ALL_INTERFACES)
    # "warning": warnings and errors; "error": errors only.
    severity: Mapped[str] = mapped_column(String(10), default="warning")
    # A reminder this often while the alert lasts (0: none).
    reminder_hours: Mapped[int] = mapped_column(Integer, default=24)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
