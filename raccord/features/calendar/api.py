"""REST API of the calendars (mounted under /api/v1). Every change is pushed to Outlook at
once (job `calendar.push`); the scheduled sync catches whatever could not go.

    GET    /calendar/appointments[?mailbox=&state=&limit=&offset=]
    POST   /calendar/appointments              create (the same ERP id again: an update)
    GET    /calendar/appointments/{erp_id}     with its sync state, remote event and history
    PATCH  /calendar/appointments/{erp_id}     change some fields
    DELETE /calendar/appointments/{erp_id}     removes the event from Outlook
    GET    /calendar/mailboxes
    POST   /calendar/mailboxes                 {address, company, enabled}
    PATCH  /calendar/mailboxes/{address}       {company, enabled}
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Body, Depends, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field, ValidationError
from sqlalchemy import select

from raccord.core.accounts import Account
from raccord.core.httpsafe import Count
from raccord.core.hub import Hub
from raccord.core.i18n import Tr, pick_language
from raccord.core.roles import Role
from raccord.features.calendar import records
from raccord.features.calendar.api_models import AppointmentDetail, AppointmentOut, MailboxOut
from raccord.features.calendar.jobs import PUSH_JOB
from raccord.features.calendar.models import Appointment
from raccord.features.calendar.records import EDITABLE, AppointmentIn, Refused
from raccord.toolkit.api import AUTH_ERRORS, errors, get_hub, json_body, require_role

router = APIRouter(prefix="/calendar", tags=["calendar"], responses=AUTH_ERRORS)
reader = require_role(Role.READER)
writer = require_role(Role.ADMINISTRATOR)
_FULL = AppointmentIn.model_json_schema()
# PATCH: any of the editable fields, nothing else (an unknown field is refused).
CHANGE_SCHEMA = {"title": "AppointmentChange", "type": "object", "additionalProperties": False,
                 "properties": {key: _FULL["properties"][key] for key in EDITABLE}}


class MailboxIn(BaseModel):
    address: str = Field(max_length=254, json_schema_extra={"format": "email"})
    company: str | None = Field(None, max_length=40)
    enabled: bool | None = None


class MailboxChange(BaseModel):
    company: str | None = Field(None, max_length=40)
    enabled: bool | None = None


def _refused(request: Request, error: Refused) -> JSONResponse:
    lang = pick_language(request.headers.get("accept-language"))
    return JSONResponse({"error": error.message(lang), "error_fr": error.message.fr,
                         "error_en": error.message.en}, status_code=error.status)


def _invalid(request: Request, error: ValidationError) -> JSONResponse:
    problems = "; ".join(f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']}"
                         for e in error.errors())
    return _refused(request, Refused(Tr(f"Rendez-vous refusé : {problems}",
                                        f"Appointment refused: {problems}"), 422))


def _push(hub: Hub, mailbox: str) -> None:
    hub.jobs.enqueue(PUSH_JOB, mailbox=mailbox)


def _full(hub: Hub, row: Appointment) -> dict[str, Any]:
    return records.as_dict(row, records.history(hub, row.id))


@router.get("/appointments", response_model=list[AppointmentOut])
def list_appointments(mailbox: str | None = None, state: str | None = None, limit: Count = 100,
                      offset: Count = 0, hub: Hub = Depends(get_hub),
                      _: Account = Depends(reader)) -> list[dict[str, Any]]:
    with hub.db.session() as session:
        query = select(Appointment).order_by(Appointment.id)
        if mailbox:
            query = query.where(Appointment.mailbox == mailbox.lower())
        if state:
            query = query.where(Appointment.state == state)
        rows = session.scalars(query.limit(max(1, min(limit, 1000))).offset(max(0, offset)))
        return [records.as_dict(r) for r in rows]


@router.post("/appointments", status_code=201, response_model=AppointmentDetail,
             openapi_extra=json_body(_FULL), responses={
                 200: {"model": AppointmentDetail,
                       "description": "This ERP id was known: the appointment, changed"},
                 **errors(409, 410, 422)})
def create_appointment(request: Request, payload: dict[str, Any] = Body(...),
                       hub: Hub = Depends(get_hub), _: Account = Depends(writer)) -> Any:
    try:
        data = AppointmentIn.model_validate(payload)
        known = records.get(hub, data.erp_id) is not None
        row, changed = records.save(hub, data)
    except ValidationError as error:
        return _invalid(request, error)
    except Refused as error:
        return _refused(request, error)
    if changed:
        _push(hub, row.mailbox)
    return JSONResponse(_full(hub, row), status_code=200 if known else 201)


@router.get("/appointments/{erp_id}", response_model=AppointmentDetail,
            responses=errors(404))
def get_appointment(erp_id: str, request: Request, hub: Hub = Depends(get_hub),
                    _: Account = Depends(reader)) -> Any:
    row = records.get(hub, erp_id)
    if row is None:
        return _refused(request, Refused(Tr(f"Aucun rendez-vous d'identifiant ERP {erp_id}.",
                                            f"No appointment with ERP id {erp_id}."), 404))
    return _full(hub, row)


@router.patch("/appointments/{erp_id}", response_model=AppointmentDetail,
              openapi_extra=json_body(CHANGE_SCHEMA), responses=errors(404, 409, 410, 422))
def change_appointment(erp_id: str, request: Request, payload: dict[str, Any] = Body(...),
                       hub: Hub = Depends(get_hub), _: Account = Depends(writer)) -> Any:
    try:
        row, changed = records.change(hub, erp_id, payload)
    except ValidationError as error:
        return _invalid(request, error)
    except Refused as error:
        return _refused(request, error)
    if changed:
        _push(hub, row.mailbox)
    return _full(hub, row)


@router.delete("/appointments/{erp_id}", response_model=AppointmentDetail,
               responses=errors(404))
def delete_appointment(erp_id: str, request: Request, hub: Hub = Depends(get_hub),
                       _: Account = Depends(writer)) -> Any:
    try:
        row = records.remove(hub, erp_id)
    except Refused as error:
        return _refused(request, error)
    _push(hub, row.mailbox)
    return _full(hub, row)


@router.get("/mailboxes", response_model=list[MailboxOut])
def list_mailboxes(hub: Hub = Depends(get_hub),
                   _: Account = Depends(reader)) -> list[dict[str, Any]]:
    return [records.mailbox_dict(m) for m in records.mailboxes(hub)]


@router.post("/mailboxes", status_code=201, response_model=MailboxOut,
             responses=errors(422))
def add_mailbox(data: MailboxIn, request: Request, hub: Hub = Depends(get_hub),
                _: Account = Depends(writer)) -> Any:
    try:
        return records.mailbox_dict(records.save_mailbox(hub, data.address, data.company,
                                                         data.enabled))
    except Refused as error:
        return _refused(request, error)


@router.patch("/mailboxes/{address}", response_model=MailboxOut,
              responses=errors(404, 422))
def change_mailbox(address: str, data: MailboxChange, request: Request,
                   hub: Hub = Depends(get_hub), _: Account = Depends(writer)) -> Any:
    known = {m.address for m in records.mailboxes(hub)}
    if address.lower() not in known:
        return _refused(request, Refused(Tr(f"Aucune boîte {address}.",
                                            f"No mailbox {address}."), 404))
    return records.mailbox_dict(records.save_mailbox(hub, address, data.company, data.enabled))
