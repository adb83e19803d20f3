"""Alerts: every failure that needs a person, kept as a row while it lasts.

One row per key (`status:gmail`, `expiry:chorus:certificate_expires`, `quota:gmail:daily`...),
reused from one episode to the next:
- `raise_alert` opens it (a new episode when it was closed) or refreshes its message;
- `clear_alert` marks it `clearing`: it is no longer shown, and it becomes `closed` once it
  has stayed clear for the settling time (the mail feature does that, and mails the end).
  Raised again while clearing, it goes back to `open` in the same episode, counted as a flap:
  a flapping interface keeps one alert, one start mail, one end mail.

The interfaces' statuses feed it (`status_changed`, called by `Hub.record_status`): a failure
that is not transient raises `status:<interface>`, a success clears it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import JSON, DateTime, Integer, String, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Mapped, mapped_column

from raccord.core.i18n import Tr
from raccord.core.models import Base, aware, utcnow

if TYPE_CHECKING:
    from raccord.core.hub import Hub

SEVERITIES = ("warning", "error")


class AlertRow(Base):
    __tablename__ = "alerts"
    key: Mapped[str] = mapped_column(String(200), primary_key=True)
    interface: Mapped[str | None] = mapped_column(String(40), nullable=True, index=True)
    severity: Mapped[str] = mapped_column(String(10))
    # open (shown) · clearing (cleared, settling) · closed
    state: Mapped[str] = mapped_column(String(10), index=True)
    message: Mapped[dict[str, str]] = mapped_column(JSON)
    episode: Mapped[int] = mapped_column(Integer, default=1)
    flaps: Mapped[int] = mapped_column(Integer, default=0)
    started_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    cleared_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    # Mail bookkeeping (the mail feature): start mailed, last mail (start or reminder), end.
    start_mailed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True),
                                                             nullable=True)
    last_mailed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True),
                                                            nullable=True)
    reminders: Mapped[int] = mapped_column(Integer, default=0)


@dataclass(frozen=True)
class Alert:
    key: str
    interface: str | None
    severity: str
    message: Tr
    started_at: datetime
    updated_at: datetime
    episode: int
    flaps: int


def _view(row: AlertRow) -> Alert:
    return Alert(row.key, row.interface, row.severity,
                 Tr(row.message.get("fr", ""), row.message.get("en", "")),
                 aware(row.started_at), aware(row.updated_at), row.episode, row.flaps)


def raise_alert(hub: Hub, key: str, *, interface: str | None, severity: str,
                message: Tr) -> None:
    """Open the alert `key` (or refresh the open one's severity and message)."""
    if severity not in SEVERITIES:
        raise ValueError(f"severity must be one of {SEVERITIES}")
    text = {"fr": hub.redactor.text(message.fr), "en": hub.redactor.text(message.en)}
    now = utcnow()
    for _ in range(2):  # two workers may insert the first row at once: then update it
        try:
            with hub.db.session() as session:
                row = session.get(AlertRow, key)
                if row is None:
                    session.add(AlertRow(key=key, interface=interface, severity=severity,
                                         state="open", message=text, started_at=now,
                                         updated_at=now))
                    return
                if row.state == "open" and (row.severity, row.message) == (severity, text):
                    return
                if row.state == "closed":
                    row.episode += 1
                    row.flaps = 0
                    row.started_at = now
                    row.start_mailed_at = row.last_mailed_at = None
                    row.reminders = 0
                elif row.state == "clearing":
                    row.flaps += 1
                row.state, row.severity, row.message, row.interface = (
                    "open", severity, text, interface)
                row.cleared_at, row.updated_at = None, now
                return
        except IntegrityError:
            continue


def clear_alert(hub: Hub, key: str) -> None:
    """The condition is over: the alert stops being shown, and ends once settled."""
    with hub.db.read() as connection:  # called after every success: mostly nothing is open
        state = connection.scalar(select(AlertRow.state).where(AlertRow.key == key))
    if state != "open":
        return
    with hub.db.session() as session:
        row = session.get(AlertRow, key)
        if row is not None and row.state == "open":
            row.state, row.cleared_at, row.updated_at = "clearing", utcnow(), utcnow()


def open_alerts(hub: Hub, interface: str | None = None) -> list[Alert]:
    """What needs a person now, errors first, newest first."""
    with hub.db.session() as session:
        query = select(AlertRow).where(AlertRow.state == "open")
        if interface is not None:
            query = query.where(AlertRow.interface == interface)
        rows = list(session.scalars(query))
    rows.sort(key=lambda r: (r.severity != "error", -aware(r.started_at).timestamp()))
    return [_view(r) for r in rows]


def status_key(interface: str) -> str:
    return f"status:{interface}"


def status_changed(hub: Hub, interface: str, ok: bool, message: Tr, *, transient: bool,
                   was_ok: bool | None) -> None:
    """`Hub.record_status`'s hook: a lasting failure is an alert, a success ends it."""
    if ok:
        if was_ok is not True:  # a status alert exists only after a failure was recorded
            clear_alert(hub, status_key(interface))
    elif not transient:
        raise_alert(hub, status_key(interface), interface=interface, severity="error",
                    message=message)
