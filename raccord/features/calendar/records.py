"""Appointments and mailboxes as the ERP hands them over: checked, stored, versioned, read
back with their sync state and history."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import BaseModel, Field, field_validator, model_validator
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from raccord.core.i18n import Tr
from raccord.core.models import aware, utcnow
from raccord.features.calendar.labels import error_text
from raccord.features.calendar.models import Appointment, History, Mailbox, State
from raccord.interfaces.exchange.events import SHOW_AS, EventData
from raccord.interfaces.exchange.recurrence import normal

if TYPE_CHECKING:
    from raccord.core.hub import Hub


class Refused(Exception):
    def __init__(self, message: Tr, status: int = 400) -> None:
        super().__init__(message.en)
        self.message, self.status = message, status


class AppointmentIn(BaseModel):
    """An appointment or planning entry from the ERP. `start`/`end` are local times in
    `time_zone` (or carry their own offset); all-day entries give dates at midnight."""

    erp_id: str = Field(min_length=1, max_length=120)
    mailbox: str = Field(min_length=3, max_length=254, json_schema_extra={"format": "email"})
    subject: str = Field(max_length=255)
    start: datetime
    end: datetime
    time_zone: str = "Europe/Paris"
    all_day: bool = False
    location: str = Field("", max_length=255)
    body: str = ""
    categories: list[str] = Field(default_factory=list)
    show_as: str = Field("busy", json_schema_extra={"enum": list(SHOW_AS)})
    private: bool = False
    attendees: list[str] = Field(default_factory=list)
    recurrence: dict[str, Any] | None = None
    company: str = Field("", max_length=40)

    @field_validator("mailbox")
    @classmethod
    def _address(cls, value: str) -> str:
        if "@" not in value:
            raise ValueError("the mailbox is an e-mail address")
        return value.strip().lower()

    @field_validator("show_as")
    @classmethod
    def _show_as(cls, value: str) -> str:
        if value not in SHOW_AS:
            raise ValueError(f"show_as is one of {', '.join(SHOW_AS)}")
        return value

    @field_validator("recurrence")
    @classmethod
    def _recurrence(cls, value: dict[str, Any] | None) -> dict[str, Any] | None:
        """Graph's patternedRecurrence, kept with the members its pattern and range use."""
        return normal(value)

    @field_validator("time_zone")
    @classmethod
    def _zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"unknown time zone {value!r} (an IANA name: Europe/Paris)"
                             ) from None
        return value

    @model_validator(mode="after")
    def _times(self) -> AppointmentIn:
        zone = ZoneInfo(self.time_zone)
        self.start = self.start if self.start.tzinfo else self.start.replace(tzinfo=zone)
        self.end = self.end if self.end.tzinfo else self.end.replace(tzinfo=zone)
        if self.end < self.start:
            raise ValueError("the end comes before the start")
        if self.all_day:
            for moment in (self.start, self.end):
                local = moment.astimezone(zone)
                if (local.hour, local.minute, local.second) != (0, 0, 0):
                    raise ValueError("an all-day entry starts and ends at midnight")
        return self


EDITABLE = ("subject", "start", "end", "time_zone", "all_day", "location", "body",
            "categories", "show_as", "private", "attendees", "recurrence")


def desired(row: Appointment) -> EventData:
    """What Outlook should hold for the appointment."""
    zone = ZoneInfo(row.time_zone)
    return EventData(subject=row.subject, start=aware(row.start_at).astimezone(zone),
                     end=aware(row.end_at).astimezone(zone), time_zone=row.time_zone,
                     all_day=row.all_day, location=row.location, body=row.body,
                     categories=tuple(row.categories or ()), show_as=row.show_as,
                     private=row.private, attendees=tuple(row.attendees or ()),
                     recurrence=row.recurrence)


def _values(data: AppointmentIn) -> dict[str, Any]:
    return {"subject": data.subject, "start_at": data.start.astimezone(UTC),
            "end_at": data.end.astimezone(UTC), "time_zone": data.time_zone,
            "all_day": data.all_day, "location": data.location, "body": data.body,
            "categories": list(data.categories), "show_as": data.show_as,
            "private": data.private, "attendees": [a.lower() for a in data.attendees],
            "recurrence": data.recurrence}


def _same(row: Appointment, values: dict[str, Any]) -> bool:
    for key, value in values.items():
        current = getattr(row, key)
        if isinstance(current, datetime):
            current = aware(current)
        if current != value:
            return False
    return True


def note(session: Session, appointment_id: int, source: str, event: str,
         detail: dict[str, Any] | None = None) -> None:
    session.add(History(appointment_id=appointment_id, source=source, event=event,
                        detail=detail))


def ensure_mailbox(session: Session, address: str, company: str = "") -> Mailbox:
    row = session.scalar(select(Mailbox).where(Mailbox.address == address.lower()))
    if row is None:
        row = Mailbox(address=address.lower(), company=company, enabled=True, failures=0)
        session.add(row)
        session.flush()
    return row


def save(hub: Hub, data: AppointmentIn) -> tuple[Appointment, bool]:
    """Create the appointment, or change it if the ERP id exists (the same content again is
    no change). (row, changed). Two requests creating the same ERP id at once: the second
    becomes an update of the first."""
    try:
        return _save(hub, data)
    except IntegrityError:
        return _save(hub, data)


def _save(hub: Hub, data: AppointmentIn) -> tuple[Appointment, bool]:
    values = _values(data)
    with hub.db.session() as session:
        ensure_mailbox(session, data.mailbox, data.company)
        row = session.scalar(select(Appointment).where(Appointment.erp_id == data.erp_id))
        if row is None:
            row = Appointment(erp_id=data.erp_id, mailbox=data.mailbox, erp_version=1,
                              pushed_version=0, state=State.PENDING.value, deleted=False,
                              create_sent=False, attempts=0, **values)
            session.add(row)
            session.flush()
            note(session, row.id, "erp", "created")
            return row, True
        if row.mailbox != data.mailbox:
            raise Refused(Tr(
                f"Le rendez-vous {data.erp_id} est dans l'agenda de {row.mailbox} : pour le "
                "changer de collaborateur, supprimez-le puis créez-en un autre.",
                f"Appointment {data.erp_id} is in {row.mailbox}'s calendar: to give it to "
                "another employee, delete it and create a new one."), 409)
        if row.deleted:
            raise Refused(Tr(f"Le rendez-vous {data.erp_id} a été supprimé.",
                             f"Appointment {data.erp_id} was deleted."), 410)
        if _same(row, values):
            return row, False
        changed = [k for k, v in values.items() if getattr(row, k) != v]
        for key, value in values.items():
            setattr(row, key, value)
        _bump(row)
        note(session, row.id, "erp", "changed", {"fields": changed})
        return row, True


def _bump(row: Appointment) -> None:
    row.erp_version += 1
    row.updated_at = utcnow()
    if row.state != State.DELETED.value:
        row.state = State.PENDING.value


def change(hub: Hub, erp_id: str, changes: dict[str, Any]) -> tuple[Appointment, bool]:
    current = get(hub, erp_id)
    if current is None:
        raise Refused(Tr(f"Aucun rendez-vous d'identifiant ERP {erp_id}.",
                         f"No appointment with ERP id {erp_id}."), 404)
    base = {"erp_id": erp_id, "mailbox": current.mailbox, **{
        k: getattr(current, k) for k in EDITABLE
        if k not in ("start", "end")}, "start": aware(current.start_at),
        "end": aware(current.end_at)}
    unknown = set(changes) - set(EDITABLE)
    if unknown:
        raise Refused(Tr(f"Champs inconnus : {', '.join(sorted(unknown))}.",
                         f"Unknown fields: {', '.join(sorted(unknown))}."), 422)
    return save(hub, AppointmentIn.model_validate({**base, **changes}))


def remove(hub: Hub, erp_id: str) -> Appointment:
    with hub.db.session() as session:
        row = session.scalar(select(Appointment).where(Appointment.erp_id == erp_id))
        if row is None:
            raise Refused(Tr(f"Aucun rendez-vous d'identifiant ERP {erp_id}.",
                             f"No appointment with ERP id {erp_id}."), 404)
        if not row.deleted:
            row.deleted = True
            _bump(row)
            note(session, row.id, "erp", "deleted")
        return row


def get(hub: Hub, erp_id: str) -> Appointment | None:
    with hub.db.session() as session:
        return session.scalar(select(Appointment).where(Appointment.erp_id == erp_id))


def history(hub: Hub, appointment_id: int) -> list[History]:
    with hub.db.session() as session:
        return list(session.scalars(select(History).where(
            History.appointment_id == appointment_id).order_by(History.id)))


def as_dict(row: Appointment, with_history: list[History] | None = None) -> dict[str, Any]:
    data = desired(row)
    out: dict[str, Any] = {
        "erp_id": row.erp_id, "mailbox": row.mailbox, "subject": row.subject,
        "start": data.start.isoformat(), "end": data.end.isoformat(),
        "time_zone": row.time_zone, "all_day": row.all_day, "location": row.location,
        "body": row.body, "categories": row.categories, "show_as": row.show_as,
        "private": row.private, "attendees": row.attendees, "recurrence": row.recurrence,
        "deleted": row.deleted,
        "sync": {"state": row.state, "in_outlook": row.pushed_version >= row.erp_version,
                 "remote_id": row.remote_id, "change_key": row.change_key,
                 "ical_uid": row.ical_uid, "protocol": row.protocol,
                 "synced_at": aware(row.synced_at).isoformat() if row.synced_at else None,
                 "attempts": row.attempts,
                 "last_error": error_text(row.last_error, "en") or None},
    }
    if with_history is not None:
        out["history"] = [{"at": aware(h.at).isoformat(), "source": h.source,
                           "event": h.event, "detail": h.detail} for h in with_history]
    return out


def mailboxes(hub: Hub) -> list[Mailbox]:
    with hub.db.session() as session:
        return list(session.scalars(select(Mailbox).order_by(Mailbox.address)))


def save_mailbox(hub: Hub, address: str, company: str | None = None,
                 enabled: bool | None = None) -> Mailbox:
    if "@" not in address:
        raise Refused(Tr("L'adresse de la boîte est une adresse e-mail.",
                         "The mailbox address is an e-mail address."), 422)
    with hub.db.session() as session:
        row = ensure_mailbox(session, address, company or "")
        if company is not None:
            row.company = company
        if enabled is not None:
            row.enabled = enabled
        return row


def mailbox_dict(row: Mailbox) -> dict[str, Any]:
    return {"address": row.address, "company": row.company, "enabled": row.enabled,
            "protocol": row.protocol, "has_cursor": bool(row.cursor),
            "last_sync_at": aware(row.last_sync_at).isoformat() if row.last_sync_at else None,
            "last_outcome": row.last_outcome, "last_error": row.last_error,
            "failures": row.failures, "last_counts": row.last_counts or {}}
