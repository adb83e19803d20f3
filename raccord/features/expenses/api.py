"""REST API of the expense reports (mounted under /api/v1). An employee's key sees only its
own reports; a reader sees all; an administrator also approves, refuses and pays.

    GET    /expense-reports[?state=&employee=]         list
    POST   /expense-reports                            create (employee: for itself)
    GET    /expense-reports/export[?state=&employee=]  CSV, one line per expense
    GET    /expense-reports/{id}                       read, with expenses and history
    POST   /expense-reports/{id}/expenses              add an expense or a trip
    PATCH  /expenses/{id}                              correct an expense (history kept)
    DELETE /expenses/{id}
    POST   /expense-reports/{id}/receipts              upload a receipt: OCR's proposal
    POST   /receipt-proposals/{id}/confirm             the employee's confirmed fields
    POST   /expense-reports/{id}/submit | approve | refuse {reason} | pay
    GET    /mileage/allowance?cv=&km=&year=&electric=&vehicle=
    GET    /mileage/addresses?q=&session=              Place Autocomplete
    GET    /mileage/distance?origin=&destination=&round_trip=
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Annotated, Any

from annotated_types import Ge, Le
from fastapi import APIRouter, Depends, File, Path, Request, UploadFile
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel, ValidationError

from raccord.core.accounts import Account
from raccord.core.diagnosis import ServiceError
from raccord.core.httpsafe import RowId
from raccord.core.i18n import Tr, pick_language
from raccord.core.roles import Role
from raccord.features.expenses import mileage, service
from raccord.features.expenses.api_models import (
    AllowanceOut,
    DistanceOut,
    ExpenseOut,
    PlacesRefusal,
    ProposalOut,
    ReportDetail,
    ReportSummary,
    SuggestionsOut,
)
from raccord.features.expenses.service import (
    MAX_CV,
    MAX_KM,
    ExpenseData,
    ExpenseRefused,
    ReportData,
)
from raccord.interfaces.google.client import autocomplete, for_employee
from raccord.interfaces.hub import InterfaceHub
from raccord.toolkit.api import (
    AUTH_ERRORS,
    Refusal,
    errors,
    files,
    get_hub,
    json_body,
    require_role,
)

router = APIRouter(tags=["expenses"], responses=AUTH_ERRORS)
anyone = require_role(Role.EMPLOYEE)
# The expenses' own refusals (a missing reason, another employee's report) carry the usual
# refusal body, 400 and 403 included.
REFUSALS: dict[int, type[BaseModel]] = {400: Refusal, 403: Refusal}
# PATCH /expenses/{id}: any field of an expense; the others stay as they are.
_EXPENSE = ExpenseData.model_json_schema(ref_template="#/components/schemas/{model}")
CHANGE_SCHEMA = {"title": "ExpenseChange", "type": "object",
                 "properties": _EXPENSE["properties"]}


def _answers(*codes: int) -> dict[int | str, dict[str, Any]]:
    return errors(*codes, extra=REFUSALS)


def _lang(request: Request) -> str:
    return pick_language(request.headers.get("accept-language"))


def _refused(request: Request, error: ExpenseRefused) -> JSONResponse:
    return JSONResponse({"reason": error.reason, "error": error.message(_lang(request)),
                         "error_fr": error.message.fr, "error_en": error.message.en},
                        status_code=error.status)


@router.get("/expense-reports", response_model=list[ReportSummary])
def list_reports(state: str | None = None, employee: str | None = None,
                 hub: InterfaceHub = Depends(get_hub),
                 account: Account = Depends(anyone)) -> list[dict[str, Any]]:
    return [service.report_dict(hub, r, with_expenses=False)
            for r in service.reports(hub, account, state, employee)]


@router.post("/expense-reports", status_code=201, response_model=ReportDetail,
             responses=_answers(400, 403))
def create_report(data: ReportData, request: Request, hub: InterfaceHub = Depends(get_hub),
                  account: Account = Depends(anyone)) -> Any:
    try:
        report = service.create_report(hub, account, data)
    except ExpenseRefused as error:
        return _refused(request, error)
    return JSONResponse(service.report_dict(hub, report), status_code=201)


@router.get("/expense-reports/export", response_class=Response,
            responses=files("One line per expense, `;`-separated", "text/csv"))
def export(state: str | None = None, employee: str | None = None,
           hub: InterfaceHub = Depends(get_hub), account: Account = Depends(anyone)) -> Response:
    text = service.export_csv(hub, service.reports(hub, account, state, employee))
    return Response(text, media_type="text/csv; charset=utf-8", headers={
        "Content-Disposition": 'attachment; filename="expense-reports.csv"'})


@router.get("/expense-reports/{report_id}", response_model=ReportDetail,
            responses=_answers(404))
def read_report(report_id: RowId, request: Request, hub: InterfaceHub = Depends(get_hub),
                account: Account = Depends(anyone)) -> Any:
    try:
        return service.report_dict(hub, service.get_report(hub, account, report_id))
    except ExpenseRefused as error:
        return _refused(request, error)


@router.post("/expense-reports/{report_id}/expenses", status_code=201,
             response_model=ExpenseOut, responses=_answers(400, 403, 404, 409, 422))
def add_expense(report_id: RowId, data: ExpenseData, request: Request,
                hub: InterfaceHub = Depends(get_hub), account: Account = Depends(anyone)) -> Any:
    try:
        expense = service.add_expense(hub, account, report_id, data)
    except ExpenseRefused as error:
        return _refused(request, error)
    return JSONResponse(service.expense_dict(expense), status_code=201)


@router.patch("/expenses/{expense_id}", response_model=ExpenseOut,
              openapi_extra=json_body(CHANGE_SCHEMA),
              responses=_answers(400, 403, 404, 409, 422))
def correct_expense(expense_id: RowId, changes: dict[str, Any], request: Request,
                    hub: InterfaceHub = Depends(get_hub),
                    account: Account = Depends(anyone)) -> Any:
    try:
        return service.expense_dict(service.update_expense(hub, account, expense_id, changes))
    except ExpenseRefused as error:
        return _refused(request, error)
    except ValidationError as error:
        problems = "; ".join(f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']}"
                             for e in error.errors())
        return _refused(request, ExpenseRefused(Tr(f"Dépense refusée : {problems}",
                                                   f"Expense refused: {problems}"),
                                                422, "invalid"))


@router.delete("/expenses/{expense_id}", status_code=204, response_class=Response,
               responses=_answers(403, 404, 409))
def delete_expense(expense_id: RowId, request: Request, hub: InterfaceHub = Depends(get_hub),
                   account: Account = Depends(anyone)) -> Response:
    try:
        service.delete_expense(hub, account, expense_id)
    except ExpenseRefused as error:
        return _refused(request, error)
    return Response(status_code=204)


@router.post("/expense-reports/{report_id}/receipts", status_code=201,
             response_model=ProposalOut, responses=_answers(403, 404, 409, 422))
async def upload_receipt(report_id: RowId, request: Request, file: UploadFile = File(...),
                         provider: str | None = None, hub: InterfaceHub = Depends(get_hub),
                         account: Account = Depends(anyone)) -> Any:
    content = await file.read(service_max() + 1)
    try:
        proposal = service.propose(hub, account, report_id, content, file.filename or "receipt",
                                   file.content_type or "application/octet-stream", provider)
    except ExpenseRefused as error:
        return _refused(request, error)
    return JSONResponse({"proposal_id": proposal.id, "provider": proposal.provider,
                         "proposed": proposal.reading,
                         "confirm": f"/api/v1/receipt-proposals/{proposal.id}/confirm"},
                        status_code=201)


def service_max() -> int:
    from raccord.interfaces.ocr.client import MAX_BYTES

    return MAX_BYTES


@router.post("/receipt-proposals/{proposal_id}/confirm", status_code=201,
             response_model=ExpenseOut, responses=_answers(400, 403, 404, 409, 422))
def confirm_proposal(proposal_id: RowId, data: ExpenseData, request: Request,
                     hub: InterfaceHub = Depends(get_hub),
                     account: Account = Depends(anyone)) -> Any:
    try:
        expense = service.confirm(hub, account, proposal_id, data)
    except ExpenseRefused as error:
        return _refused(request, error)
    return JSONResponse(service.expense_dict(expense), status_code=201)


class Decision(BaseModel):
    reason: str = ""


@router.post("/expense-reports/{report_id}/{action}", response_model=ReportDetail,
             responses=_answers(400, 403, 404, 409))
def move(report_id: RowId, request: Request,
         action: str = Path(json_schema_extra={"enum": list(service.MOVES)}),
         decision: Decision | None = None,
         hub: InterfaceHub = Depends(get_hub), account: Account = Depends(anyone)) -> Any:
    if action not in service.MOVES:
        return _refused(request, ExpenseRefused(Tr(
            f"Action inconnue « {action} » : submit, approve, refuse ou pay.",
            f"Unknown action '{action}': submit, approve, refuse or pay."), 404, "not_found"))
    try:
        report = service.move(hub, account, report_id, action,
                              decision.reason if decision else "")
    except ExpenseRefused as error:
        return _refused(request, error)
    return service.report_dict(hub, report)


@router.get("/mileage/allowance", response_model=AllowanceOut, responses=_answers(400))
def allowance(cv: Annotated[int, Ge(-MAX_CV), Le(MAX_CV)],
              km: Annotated[Decimal, Ge(-MAX_KM), Le(MAX_KM)], request: Request,
              year: Annotated[int, Ge(1), Le(9999)] | None = None,
              electric: bool = False, vehicle: str = "car",
              hub: InterfaceHub = Depends(get_hub), _: Account = Depends(anyone)) -> Any:
    scale = mileage.scale_for(hub, year or date.today().year)
    try:
        amount = mileage.yearly_amount(scale, vehicle, cv, km, electric)
    except mileage.ScaleRefused as error:
        return _refused(request, ExpenseRefused(error.message))
    return {"year": year, "scale_year": scale.year, "vehicle": vehicle, "cv": cv,
            "km": str(km), "electric": electric, "amount_eur": str(amount)}


@router.get("/mileage/addresses", response_model=SuggestionsOut,
            responses=errors(422, extra={422: PlacesRefusal}))
def addresses(q: str, session: str, request: Request, hub: InterfaceHub = Depends(get_hub),
              _: Account = Depends(anyone)) -> Any:
    try:
        found = autocomplete(hub, q, session)
    except ServiceError as error:
        message = for_employee(error)
        return JSONResponse({"reason": "places", "error": message(_lang(request)),
                             "error_fr": message.fr, "error_en": message.en,
                             "suggestions": []}, status_code=422)
    return {"suggestions": [{"description": s.description, "place_id": s.place_id,
                             "main_text": s.main_text, "secondary_text": s.secondary_text}
                            for s in found]}


@router.get("/mileage/distance", response_model=DistanceOut, responses=_answers(422))
def distance(origin: str, destination: str, request: Request, round_trip: bool = False,
             hub: InterfaceHub = Depends(get_hub), _: Account = Depends(anyone)) -> Any:
    try:
        km = service.measure_trip(hub, origin, destination, round_trip)
    except ExpenseRefused as error:
        return _refused(request, error)
    return {"distance_km": str(km), "round_trip": round_trip}
