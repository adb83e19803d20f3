"""REST API of the bank connection, for the ERP (mounted under /api/v1).

    GET  /bank/accounts                         banks' accounts, with balance and state
    POST /bank/accounts/{id}                    {"company", "journal"} and/or {"paused"}
    GET  /bank/transactions[?account_id&status=booked|pending|deleted&since&until
                            &unstated=true&q&limit&offset]
    GET  /bank/statements[?account_id]
    POST /bank/statements                       {"account_id", "period": day|week|month|
                                                 since_last, "date"}
    GET  /bank/statements/{id}                  with its lines
    GET  /bank/statements/{id}/file?format=camt053|cfonb120|ofx|json
    POST /bank/fetch                            queue a fetch now
    POST /bank/webhooks/bridge                  Bridge's webhook (signature checked)
"""

from __future__ import annotations

from datetime import date
from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel, Field

from raccord.core.accounts import Account
from raccord.core.httpsafe import Count, RowId
from raccord.core.i18n import Tr, pick_language
from raccord.core.roles import Role
from raccord.features.banking import banks, notify, views
from raccord.features.banking.api_models import (
    AccountOut,
    AccountsOut,
    Queued,
    StatementDetail,
    StatementOut,
    TransactionOut,
    WebhookOutcome,
)
from raccord.features.banking.bridge import BankRefusal
from raccord.features.banking.exports import MEDIA, Format
from raccord.features.banking.jobs import FETCH_JOB, WEBHOOK_FETCH_JOB
from raccord.features.banking.periods import Period
from raccord.features.banking.statements import Request as StatementRequest
from raccord.features.banking.statements import generate, statement_lines
from raccord.interfaces.bank.webhooks import SIGNATURE_HEADER, parse_event, signature_valid
from raccord.interfaces.hub import InterfaceHub
from raccord.toolkit.api import (
    AUTH_ERRORS,
    SIGNED_BY_CALLER,
    Refusal,
    errors,
    files,
    get_hub,
    require_role,
)

router = APIRouter(prefix="/bank", tags=["bank"], responses=AUTH_ERRORS)
STATEMENT_FILE = files("The statement in the format asked for (camt053: CAMT.053 XML, "
                       "cfonb120: CFONB 120 text, ofx: OFX, json)",
                       *dict.fromkeys(media for media, _suffix in MEDIA.values()))
reader = require_role(Role.READER)
manager = require_role(Role.ADMINISTRATOR)


def _lang(request: Request) -> str:
    return pick_language(request.headers.get("accept-language"))


def _refused(request: Request, message: Tr, status: int = 422) -> JSONResponse:
    return JSONResponse({"error": message(_lang(request)), "error_fr": message.fr,
                         "error_en": message.en}, status_code=status)


class AccountChange(BaseModel):
    company: str | None = None
    journal: str | None = None
    paused: bool | None = None


class StatementOrder(BaseModel):
    account_id: RowId
    period: Period = Period.SINCE_LAST
    on: date | None = Field(default=None, alias="date")


@router.get("/accounts", response_model=AccountsOut)
def list_accounts(request: Request, hub: InterfaceHub = Depends(get_hub),
                  _: Account = Depends(reader)) -> dict[str, Any]:
    lang = _lang(request)
    return {"banks": [views.item_view(i, lang) for i in views.items(hub)],
            "accounts": [views.account_view(a, lang, n) for a, n in views.accounts(hub)]}


@router.post("/accounts/{account_id}", response_model=AccountOut, responses=errors(404, 422))
def change_account(account_id: RowId, change: AccountChange, request: Request,
                   hub: InterfaceHub = Depends(get_hub),
                   _: Account = Depends(manager)) -> Any:
    try:
        if change.company is not None or change.journal is not None:
            banks.assign(hub, account_id, change.company or "", change.journal or "")
        if change.paused is not None:
            banks.set_paused(hub, account_id, change.paused)
    except BankRefusal as refusal:
        return _refused(request, refusal.message, refusal.status)
    found = next(((a, n) for a, n in views.accounts(hub) if a.id == account_id), None)
    if found is None:
        return _refused(request, Tr(f"Compte {account_id} inconnu.",
                                    f"Unknown account {account_id}."), 404)
    return views.account_view(found[0], _lang(request), found[1])


@router.get("/transactions", response_model=list[TransactionOut])
def list_transactions(account_id: RowId | None = None, status: str = "",
                      since: date | None = None, until: date | None = None,
                      unstated: bool = False, q: str = "", limit: Count = 200,
                      offset: Count = 0,
                      hub: InterfaceHub = Depends(get_hub),
                      _: Account = Depends(reader)) -> list[dict[str, Any]]:
    rows = views.transactions(hub, account_id, status, since, until, unstated, q, limit,
                              offset)
    return [views.transaction_view(r) for r in rows]


@router.get("/statements", response_model=list[StatementOut])
def list_statements(request: Request, account_id: RowId | None = None,
                    hub: InterfaceHub = Depends(get_hub),
                    _: Account = Depends(reader)) -> list[dict[str, Any]]:
    lang = _lang(request)
    return [views.statement_view(s, lang) for s in views.statements(hub, account_id)]


@router.post("/statements", status_code=201, response_model=StatementOut,
             responses=errors(404, 409, 422))
def create_statement(order: StatementOrder, request: Request,
                     hub: InterfaceHub = Depends(get_hub),
                     account: Account = Depends(manager)) -> Any:
    """Generate the account's next statement: the period holding `date` (day, week, month)
    or everything booked since the last statement up to `date` (since_last)."""
    try:
        statement = generate(hub, StatementRequest(order.account_id, order.period,
                                                   order.on or date.today()),
                             account.login)
    except BankRefusal as refusal:
        return _refused(request, refusal.message, refusal.status)
    return JSONResponse(views.statement_view(statement, _lang(request)), status_code=201)


@router.get("/statements/{statement_id}", response_model=StatementDetail,
            responses=errors(404))
def get_statement(statement_id: RowId, request: Request, hub: InterfaceHub = Depends(get_hub),
                  _: Account = Depends(reader)) -> Any:
    try:
        statement, lines = statement_lines(hub, statement_id)
    except BankRefusal as refusal:
        return _refused(request, refusal.message, refusal.status)
    return {**views.statement_view(statement, _lang(request)),
            "entries": [views.line_view(x) for x in lines]}


@router.get("/statements/{statement_id}/file", response_class=Response,
            responses={**STATEMENT_FILE, **errors(404)})
def download_statement(statement_id: RowId, request: Request, format: Format = Format.CAMT053,
                       hub: InterfaceHub = Depends(get_hub),
                       _: Account = Depends(reader)) -> Any:
    try:
        content = views.export(hub, statement_id, format, _lang(request))
    except BankRefusal as refusal:
        return _refused(request, refusal.message, refusal.status)
    name = views.file_name(statement_id, format)
    return Response(content, media_type=MEDIA[format][0],
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})


@router.post("/fetch", status_code=202, response_model=Queued)
def fetch_now(hub: InterfaceHub = Depends(get_hub),
              _: Account = Depends(manager)) -> dict[str, str]:
    hub.jobs.enqueue(FETCH_JOB)
    return {"status": "queued"}


@router.post("/webhooks/bridge", status_code=202, response_model=WebhookOutcome,
             response_model_exclude_unset=True, openapi_extra=SIGNED_BY_CALLER,
             responses=errors(400, 401, 503, extra={400: Refusal, 401: Refusal}))
async def bridge_webhook(request: Request, hub: InterfaceHub = Depends(get_hub)) -> Any:
    """Bridge says an item was refreshed: its accounts are fetched. Refused (401) unless
    `BridgeApi-Signature` carries a valid v1 signature of the body."""
    body = await request.body()
    secret = str(hub.values("bank").get("bridge_webhook_secret") or "")
    source = request.client.host if request.client else "?"
    if not secret:
        return _refused(request, notify.webhook_refused(hub, Tr(
            "Webhooks Bridge non configurés : renseignez le secret des webhooks Bridge.",
            "Bridge webhooks not configured: set the Bridge webhook secret."), source), 503)
    if not signature_valid([secret], body, request.headers.get(SIGNATURE_HEADER, "")):
        return _refused(request, notify.webhook_refused(hub, Tr(
            "Signature Bridge absente ou invalide : le secret des webhooks Bridge enregistré "
            "doit être celui du webhook déclaré chez Bridge.",
            "Missing or invalid Bridge signature: the saved Bridge webhook secret must be the "
            "one of the webhook declared at Bridge."), source), 401)
    try:
        event = parse_event(body)
    except (ValueError, TypeError):
        return _refused(request, Tr("Corps de webhook illisible.", "Unreadable webhook body."),
                        400)
    if event.user_uuid and event.user_uuid != hub.values("bank").get("bridge_user_uuid"):
        return {"status": "ignored", "reason": "other user"}
    if not event.refresh or event.item_id is None:
        return {"status": "ignored", "reason": event.type}
    hub.jobs.enqueue(WEBHOOK_FETCH_JOB, item_id=event.item_id)
    return {"status": "queued", "item_id": event.item_id}
