"""Console pages of the calendars: mailboxes and their last sync, a mailbox's appointments,
an appointment's remote event and history; on the Exchange screen, the guidance about the
protocol (EWS on Exchange Online, the client secret's expiry, failing mailboxes) and the
switch to Microsoft Graph."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy import select

from raccord.core.accounts import Account
from raccord.core.schema import SettingError
from raccord.core.settings_store import Actor
from raccord.features.calendar import labels, records
from raccord.features.calendar.labels import error_text
from raccord.features.calendar.models import Appointment, History, SyncRun
from raccord.features.calendar.status import calendar_status, guidance
from raccord.features.calendar.sync import PERSON_WAITING, sync
from raccord.toolkit.pages import (
    TEMPLATES,
    add_template_folder,
    check_csrf,
    hub_of,
    may_change,
    render,
    signed_in,
)
from raccord.toolkit.screens import interface_page
from raccord.toolkit.texts import TEXTS

add_template_folder(Path(__file__).parent / "templates")
TEMPLATES.env.globals["calendar_guidance"] = guidance
TEMPLATES.env.globals["calendar_error"] = error_text
TEMPLATES.env.globals["calendar_labels"] = labels
router = APIRouter(include_in_schema=False)


def _shown(row: Appointment, history: list[History] | None = None) -> dict[str, Any]:
    """An appointment for a page: its error kept in both languages for the reader."""
    item = records.as_dict(row, history)
    item["sync"]["last_error"] = row.last_error
    return item


@router.get("/calendar")
def mailboxes_page(request: Request, account: Account = Depends(signed_in)) -> Response:
    hub = hub_of(request)
    return render(request, "calendar_mailboxes.html", data=calendar_status(hub),
                  synced=request.query_params.get("synced"))


@router.post("/calendar/sync", dependencies=[Depends(check_csrf)])
def sync_now(request: Request, mailbox: str = Form(""),
             account: Account = Depends(may_change)) -> Response:
    hub = hub_of(request)
    totals = sync(hub, [mailbox] if mailbox else None, trigger="console",
                  retry=PERSON_WAITING)
    target = f"/calendar/mailboxes/{mailbox}" if mailbox else "/calendar"
    return RedirectResponse(f"{target}?synced={totals.mailboxes}", 303)


@router.get("/calendar/mailboxes/{address}")
def mailbox_page(address: str, request: Request,
                 account: Account = Depends(signed_in)) -> Response:
    hub = hub_of(request)
    box = next((m for m in calendar_status(hub)["mailboxes"]
                if m["address"] == address.lower()), None)
    if box is None:
        return render(request, "message.html", 404, message=TEXTS["not_found"])
    with hub.db.session() as session:
        rows = list(session.scalars(select(Appointment).where(
            Appointment.mailbox == address.lower()).order_by(Appointment.start_at)))
        runs = list(session.scalars(select(SyncRun).where(
            SyncRun.mailbox == address.lower()).order_by(SyncRun.id.desc()).limit(10)))
    return render(request, "calendar_mailbox.html", box=box,
                  appointments=[_shown(r) for r in rows], runs=runs,
                  synced=request.query_params.get("synced"))


@router.get("/calendar/appointments/{erp_id}")
def appointment_page(erp_id: str, request: Request,
                     account: Account = Depends(signed_in)) -> Response:
    hub = hub_of(request)
    row = records.get(hub, erp_id)
    if row is None:
        return render(request, "message.html", 404, message=TEXTS["not_found"])
    return render(request, "calendar_appointment.html",
                  item=_shown(row, records.history(hub, row.id)))


@router.post("/interfaces/exchange/switch-to-graph", dependencies=[Depends(check_csrf)])
def switch_to_graph(request: Request, account: Account = Depends(may_change)) -> Response:
    """Graph instead of EWS: the next sync re-finds every event by its extended property."""
    hub = hub_of(request)
    try:
        hub.settings.set_many("exchange", {"graph": True}, Actor(account.login, account.role))
    except SettingError as error:
        return interface_page(request, account, "exchange", status_code=400,
                              errors={"graph": error.message})
    return RedirectResponse("/interfaces/exchange?saved=switched#calendar-guidance", 303)
