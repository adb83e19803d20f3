"""The calendar feature's tables: the employees' mailboxes with their sync cursor, the ERP's
appointments with their link to the remote event and their sync state, each appointment's
history, and one row per mailbox sync run with its counts."""

from __future__ import annotations

import uuid
from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, Boolean, DateTime, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from raccord.core.models import Base, utcnow


class State(StrEnum):
    PENDING = "pending"            # an ERP change not yet in Outlook
    SYNCED = "synced"              # Outlook holds what the ERP holds
    FAILED = "failed"              # the last try failed; tried again at the next sync
    REMOVED_IN_OUTLOOK = "removed_in_outlook"  # deleted in Outlook, reported to the ERP
    DELETED = "deleted"            # deleted by the ERP, and in Outlook


def new_uid() -> str:
    return uuid.uuid4().hex


class Mailbox(Base):
    __tablename__ = "calendar_mailboxes"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    address: Mapped[str] = mapped_column(String(254), unique=True)
    company: Mapped[str] = mapped_column(String(40), default="")
    enabled: Mapped[bool] = mapped_column(Boolean, default=True)
    # The protocol the cursor and the remote links were made with ("graph" or "ews").
    protocol: Mapped[str | None] = mapped_column(String(10), nullable=True)
    cursor: Mapped[str | None] = mapped_column(Text, nullable=True)
    cursor_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    last_sync_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True),
                                                          nullable=True)
    last_outcome: Mapped[str | None] = mapped_column(String(20), nullable=True)
    last_error: Mapped[str | None] = mapped_column(Text, nullable=True)
    failures: Mapped[int] = mapped_column(Integer, default=0)
    last_counts: Mapped[dict[str, int] | None] = mapped_column(JSON, nullable=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class Appointment(Base):
    __tablename__ = "calendar_appointments"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    erp_id: Mapped[str] = mapped_column(String(120), unique=True)
    # raccord's id, written in the event's extended property.
    uid: Mapped[str] = mapped_column(String(32), unique=True, default=new_uid)
    mailbox: Mapped[str] = mapped_column(String(254), index=True)
    subject: Mapped[str] = mapped_column(String(255))
    start_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    end_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    time_zone: Mapped[str] = mapped_column(String(64), default="Europe/Paris")
    all_day: Mapped[bool] = mapped_column(Boolean, default=False)
    location: Mapped[str] = mapped_column(String(255), default="")
    body: Mapped[str] = mapped_column(Text, default="")
    categories: Mapped[list[str]] = mapped_column(JSON, default=list)
    show_as: Mapped[str] = mapped_column(String(20), default="busy")
    private: Mapped[bool] = mapped_column(Boolean, default=False)
    attendees: Mapped[list[str]] = mapped_column(JSON, default=list)
    recurrence: Mapped[dict[str, Any] | None] = mapped_column(JSON, nullable=True)
    deleted: Mapped[bool] = mapped_column(Boolean, default=False)
    # Every change the ERP makes (or a field restored over an Outlook edit) is a version;
    # the push brings Outlook to `erp_version`.
    erp_version: Mapped[int] = mapped_column(Integer, default=1)
    pushed_version: Mapped[int] = mapped_column(Integer, default=0)
    state: Mapped[str] = mapped_column(String(20), default=State.PENDING.value, index=True)
    remote_id: Mapped[str | None] = mapped_column(String(512), nullable=True, index=True)
    change_key: Mapped[str | None] = mapped_column(String(255), nullable=True)
    ical_uid: Mapped[str | None] = mapped_column(String(255), nullable=True)
    protocol: Mapped[str | None] = mapped_column(String(10), nullable=True)
    transaction_id: Mapped[str] = mapped_column(String(64), default=lambda: str(uuid.uuid4()))
    # Set (and committed) before a create is sent: a create that may have happened is
    # looked up by the extended property before any new try.
    create_sent: Mapped[bool] = mapped_column(Boolean, default=False)
    # The fields as Outlook last held them (compared values): what changed on which side.
    remote_snapshot: Mapped[dict[str, Any] | None] = mapped_column(JSON, nullable=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str | None] = mapped_column(Text, nullable=True)
    synced_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class History(Base):
    __tablename__ = "calendar_history"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    appointment_id: Mapped[int] = mapped_column(Integer, index=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    # erp | raccord | outlook
    source: Mapped[str] = mapped_column(String(10))
    event: Mapped[str] = mapped_column(String(40))
    detail: Mapped[dict[str, Any] | None] = mapped_column(JSON, nullable=True)


class SyncRun(Base):
    __tablename__ = "calendar_runs"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    mailbox: Mapped[str] = mapped_column(String(254), index=True)
    trigger: Mapped[str] = mapped_column(String(20))
    protocol: Mapped[str] = mapped_column(String(10))
    started_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True),
                                                         nullable=True)
    outcome: Mapped[str] = mapped_column(String(20), default="running")
    created: Mapped[int] = mapped_column(Integer, default=0)
    updated: Mapped[int] = mapped_column(Integer, default=0)
    deleted: Mapped[int] = mapped_column(Integer, default=0)
    pulled_back: Mapped[int] = mapped_column(Integer, default=0)
    failed: Mapped[int] = mapped_column(Integer, default=0)
    calls: Mapped[int] = mapped_column(Integer, default=0)
    error: Mapped[str | None] = mapped_column(Text, nullable=True)
