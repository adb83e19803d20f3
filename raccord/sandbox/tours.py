"""The welcome page's examples of the other features, each done through the feature's own
code against the simulators, then on to the page that shows what came of it:

- receipts: a sample ticket (photo or scanned PDF) read by OCR (Mindee simulator), the
  proposal page showing the total, date and VAT read;
- a trip: Paris → Lyon measured by Google's Distance Matrix, on the expense report;
- a document to sign: a quote sent to Universign, then its signing page in the simulator,
  and the request's state coming back;
- a bank: the Bridge user (the demo company's accounting mailbox), then Bridge's connect page;
- a calendar: an appointment in the demo employee's mailbox, pushed to Microsoft 365, with
  the simulator's "Outlook" view where it can be moved."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any
from urllib.parse import quote
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy import func, select

from raccord.core.accounts import Account
from raccord.core.diagnosis import ServiceError
from raccord.core.httpsafe import content_disposition
from raccord.core.i18n import Tr
from raccord.core.settings_store import Actor
from raccord.features.banking import banks
from raccord.features.banking.bridge import BankRefusal
from raccord.features.calendar import records
from raccord.features.calendar.jobs import PUSH_JOB
from raccord.features.calendar.models import Appointment
from raccord.features.expenses import service as expenses
from raccord.features.expenses.models import ExpenseReport
from raccord.features.signatures import followup, intake, store
from raccord.features.signatures.models import SignatureRequest
from raccord.features.signatures.states import LABELS, PENDING, State
from raccord.interfaces.bank.users import BridgeUserError, create_user
from raccord.interfaces.demo import (
    DEMO,
    DEMO_ACCOUNTING,
    DEMO_EMPLOYEE,
    DEMO_EMPLOYEE_PASSWORD,
)
from raccord.sandbox import samples
from raccord.sandbox.setup import Sandbox
from raccord.sandbox.tour_texts import W
from raccord.toolkit.pages import check_csrf, hub_of, language, may_change, render, signed_in
from raccord.toolkit.security import allow_outbound_forms

router = APIRouter(include_in_schema=False)
# "Connect the demo bank" goes on to Bridge's connect page (the simulator's, over HTTPS).
allow_outbound_forms("/welcome")
PARIS = ZoneInfo("Europe/Paris")
REPORT_TITLE = "Essai raccord"
TRIP = ("Paris, France", "Lyon, France")


def _sandbox(request: Request) -> Sandbox | None:
    box = getattr(request.app.state, "sandbox", None)
    return box if isinstance(box, Sandbox) else None


def _refused(request: Request, message: Tr, status: int = 400) -> Response:
    return render(request, "message.html", status, message=message)


def links(box: Sandbox) -> dict[str, str]:
    """The simulators' own pages the examples send the newcomer to."""
    return {"outlook": f"{box.url('exchange')}/_sim/outlook/{quote(DEMO_EMPLOYEE.email)}",
            "signing": f"{box.url('signature')}/sign"}


def context(box: Sandbox) -> dict[str, Any]:
    """What the welcome page shows of these examples."""
    return {"W": W, "receipts": samples.receipts(), "employee": DEMO_EMPLOYEE,
            "employee_password": DEMO_EMPLOYEE_PASSWORD, "accounting": DEMO_ACCOUNTING,
            "sim_links": links(box)}


# -- expenses: receipts and a trip ----------------------------------------------------------
def demo_report(request: Request, account: Account) -> ExpenseReport:
    """The demo employee's draft report of this month (made once, then reused)."""
    hub = hub_of(request)
    for report in expenses.reports(hub, account, employee=DEMO_EMPLOYEE.login):
        if report.title == REPORT_TITLE and report.state in expenses.EDITABLE:
            return report
    first = date.today().replace(day=1)
    last = (first + timedelta(days=32)).replace(day=1) - timedelta(days=1)
    return expenses.create_report(hub, account, expenses.ReportData(
        employee=DEMO_EMPLOYEE.login, company=DEMO.code, title=REPORT_TITLE,
        period_start=first, period_end=last))


@router.post("/welcome/receipts/{key}", dependencies=[Depends(check_csrf)])
def read_receipt(key: str, request: Request, account: Account = Depends(may_change)
                 ) -> Response:
    sample = samples.receipt(key)
    if _sandbox(request) is None or sample is None:
        return RedirectResponse("/welcome", 303)
    try:
        report = demo_report(request, account)
        proposal = expenses.propose(hub_of(request), account, report.id, sample.content,
                                    sample.filename, sample.content_type)
    except expenses.ExpenseRefused as error:
        return _refused(request, error.message, error.status)
    return RedirectResponse(f"/expenses/proposals/{proposal.id}", 303)


@router.get("/welcome/receipts/{key}/file")
def receipt_file(key: str, request: Request, account: Account = Depends(signed_in)
                 ) -> Response:
    """The sample itself, to upload by hand on a report (from a phone's files, say)."""
    sample = samples.receipt(key)
    if _sandbox(request) is None or sample is None:
        return RedirectResponse("/welcome", 303)
    return Response(sample.content, media_type=sample.content_type, headers={
        "Content-Disposition": content_disposition(sample.filename)})


@router.post("/welcome/trip", dependencies=[Depends(check_csrf)])
def add_trip(request: Request, account: Account = Depends(may_change)) -> Response:
    if _sandbox(request) is None:
        return RedirectResponse("/welcome", 303)
    hub = hub_of(request)
    try:
        report = demo_report(request, account)
        km = expenses.measure_trip(hub, *TRIP, round_trip=False)
        expenses.add_expense(hub, account, report.id, expenses.ExpenseData.model_validate({
            "kind": "trip", "spent_on": date.today(), "trip_from": TRIP[0],
            "trip_to": TRIP[1], "distance_km": km, "computed_km": km, "vehicle": "car",
            "fiscal_cv": 5}))
    except expenses.ExpenseRefused as error:
        return _refused(request, error.message, error.status)
    return RedirectResponse(f"/expenses/{report.id}#expenses", 303)


# -- a document to sign ---------------------------------------------------------------------
def _count(hub: Any, model: Any, column: Any, prefix: str) -> int:
    with hub.db.session() as session:
        return int(session.scalar(select(func.count(model.id)).where(
            column.like(f"{prefix}%"))) or 0)


@router.post("/welcome/signature", dependencies=[Depends(check_csrf)])
def send_to_sign(request: Request, account: Account = Depends(may_change)) -> Response:
    if _sandbox(request) is None:
        return RedirectResponse("/welcome", 303)
    hub = hub_of(request)
    number = _count(hub, SignatureRequest, SignatureRequest.reference, "ESSAI-") + 1
    reference = f"ESSAI-DEVIS-{number}"
    data = intake.RequestIn.model_validate({
        "kind": "quote", "reference": reference, "company": DEMO.code,
        "language": language(request),
        "signers": [{"name": DEMO_EMPLOYEE.name, "email": DEMO_EMPLOYEE.email,
                     "phone": DEMO_EMPLOYEE.phone, "anchor": samples.SIGN_HERE}]})
    try:
        found, _created = intake.receive(hub, data, samples.quote_pdf(reference), account.login)
    except intake.Refused as refused:
        return _refused(request, refused.message, refused.status)
    return RedirectResponse(f"/welcome/signature/{found.id}", 303)


def signing_link(box: Sandbox, transaction_id: str | None) -> str | None:
    """The simulator's signing page of the demo employee (Universign's invitation link)."""
    if not transaction_id:
        return None
    universign = box.simulators["signature"].state["universign"]
    token = universign.links(transaction_id).get(DEMO_EMPLOYEE.email)
    return f"{box.url('signature')}/sign/{token}" if token else None


@router.get("/welcome/signature/{request_id}")
def signature_step(request_id: int, request: Request, account: Account = Depends(signed_in)
                   ) -> Response:
    box = _sandbox(request)
    found = store.get(hub_of(request), request_id)
    if box is None or found is None:
        return RedirectResponse("/welcome", 303)
    state = State(found.state)
    link = signing_link(box, found.transaction_id)
    sending = state in (State.RECEIVED, State.SENDING) or (state in PENDING and link is None)
    # Refreshed while it is in progress: a Universign webhook brings the signature back.
    return render(request, "welcome_signature.html", req=found, state=state,
                  state_label=LABELS[state], link=link, W=W, pending=state in PENDING,
                  sending=sending, refresh=5 if sending or state in PENDING else None)


@router.post("/welcome/signature/{request_id}/check", dependencies=[Depends(check_csrf)])
def ask_universign(request_id: int, request: Request, account: Account = Depends(may_change)
                   ) -> Response:
    """What a webhook wakes: one read of the transaction, applied to the request."""
    if _sandbox(request) is None:
        return RedirectResponse("/welcome", 303)
    try:
        followup.sync(hub_of(request), request_id)
    except ServiceError as error:
        return _refused(request, error.diagnosis.message, 502)
    return RedirectResponse(f"/signatures/{request_id}", 303)


# -- a bank to connect ----------------------------------------------------------------------
@router.post("/welcome/bank", dependencies=[Depends(check_csrf)])
def connect_bank(request: Request, account: Account = Depends(may_change)) -> Response:
    if _sandbox(request) is None:
        return RedirectResponse("/welcome", 303)
    hub = hub_of(request)
    try:
        if not hub.values("bank").get("bridge_user_uuid"):
            create_user(hub, DEMO_ACCOUNTING.name, DEMO_ACCOUNTING.email,
                        Actor(account.login, account.role))
        url = banks.connect_url(hub, str(request.url_for("bank_connected")))
    except (BridgeUserError, BankRefusal) as error:
        return _refused(request, error.message, 409)
    except ServiceError as error:
        return _refused(request, error.diagnosis.message, 502)
    return RedirectResponse(url, 303)


# -- a calendar mailbox ---------------------------------------------------------------------
def appointment_times() -> tuple[datetime, datetime]:
    """Tomorrow 10:00 to 11:00, Paris time."""
    start = (datetime.now(PARIS) + timedelta(days=1)).replace(hour=10, minute=0, second=0,
                                                               microsecond=0)
    return start, start + timedelta(hours=1)


@router.post("/welcome/calendar", dependencies=[Depends(check_csrf)])
def plan_appointment(request: Request, account: Account = Depends(may_change)) -> Response:
    if _sandbox(request) is None:
        return RedirectResponse("/welcome", 303)
    hub = hub_of(request)
    start, end = appointment_times()
    number = _count(hub, Appointment, Appointment.erp_id, "ESSAI-RDV-") + 1
    data = records.AppointmentIn.model_validate({
        "erp_id": f"ESSAI-RDV-{number}", "mailbox": DEMO_EMPLOYEE.email,
        "subject": f"Visite client (essai {number})", "start": start, "end": end,
        "location": "1 rue de la Paix, 75002 Paris", "company": DEMO.code,
        "body": "Rendez-vous d'essai envoyé depuis la page d'accueil du bac à sable."})
    try:
        row, changed = records.save(hub, data)
    except records.Refused as refused:
        return _refused(request, refused.message, refused.status)
    if changed:
        hub.jobs.enqueue(PUSH_JOB, mailbox=row.mailbox)  # as the API does for the ERP
    return RedirectResponse(f"/calendar/mailboxes/{quote(row.mailbox)}", 303)
