"""What the calendar API answers, as response models (for the OpenAPI document)."""

from __future__ import annotations

from typing import Any

from raccord.toolkit.api import Open


class SyncOut(Open):
    """Where the appointment stands with Outlook."""

    state: str
    in_outlook: bool
    remote_id: str | None = None
    change_key: str | None = None
    ical_uid: str | None = None
    protocol: str | None = None
    synced_at: str | None = None
    attempts: int
    last_error: str | None = None


class AppointmentOut(Open):
    erp_id: str
    mailbox: str
    subject: str
    start: str
    end: str
    time_zone: str
    all_day: bool
    location: str
    body: str
    categories: list[str]
    show_as: str
    private: bool
    attendees: list[str]
    recurrence: dict[str, Any] | None = None
    deleted: bool
    sync: SyncOut


class HistoryLine(Open):
    at: str
    source: str
    event: str
    detail: dict[str, Any] | None = None


class AppointmentDetail(AppointmentOut):
    history: list[HistoryLine]


class MailboxOut(Open):
    address: str
    company: str
    enabled: bool
    protocol: str | None = None
    has_cursor: bool
    last_sync_at: str | None = None
    last_outcome: str | None = None
    last_error: str | None = None
    failures: int
    last_counts: dict[str, Any]
