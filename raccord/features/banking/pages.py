"""Console pages of the bank connection: the "Utilisateur Bridge" section of the bank screen,
the banks and accounts (connect, fix, assign, pause), the intermediate table with its
filters, the statements and their lines."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse, Response

from raccord.core.accounts import Account
from raccord.core.diagnosis import ServiceError
from raccord.core.i18n import Tr
from raccord.core.schema import SettingError
from raccord.core.settings_store import Actor
from raccord.features.banking import banks, runs, views
from raccord.features.banking.bridge import BankRefusal
from raccord.features.banking.exports import MEDIA, Format
from raccord.features.banking.jobs import FETCH_JOB
from raccord.features.banking.periods import Period
from raccord.features.banking.statements import Request as StatementRequest
from raccord.features.banking.statements import generate, statement_lines
from raccord.features.banking.texts import TRIGGERS, L
from raccord.interfaces.bank.users import (
    BridgeUserError,
    create_user,
    delete_user,
    update_user,
)
from raccord.interfaces.hub import InterfaceHub
from raccord.toolkit.pages import (
    TEMPLATES,
    add_template_folder,
    check_csrf,
    hub_of,
    language,
    may_change,
    render,
    signed_in,
)
from raccord.toolkit.screens import interface_page
from raccord.toolkit.security import allow_outbound_forms

add_template_folder(Path(__file__).parent / "templates")
router = APIRouter(include_in_schema=False)
# "Connect a bank" and "Repair" go on to Bridge's connect page (the holder signs in at the bank).
allow_outbound_forms("/bank")
allow_outbound_forms("/interfaces/bank")


def screen_overview(hub: InterfaceHub, lang: str) -> dict[str, Any]:
    """What the bank screen shows of the banks (its `_extra_bank.html` block)."""
    return {"items": [views.item_view(i, lang) for i in views.items(hub) if not i.removed],
            "accounts": len([a for a, _n in views.accounts(hub) if not a.removed]),
            "last_run": next(iter(runs.recent_runs(hub, 1)), None), "L": L}


TEMPLATES.env.globals["bank_overview"] = screen_overview
TEMPLATES.env.globals["bank_triggers"] = TRIGGERS


# -- the Bridge user (a section of the bank screen) -----------------------------------------
@router.post("/interfaces/bank/bridge-user", dependencies=[Depends(check_csrf)])
def save_bridge_user(request: Request, name: str = Form(""), email: str = Form(""),
                     account: Account = Depends(may_change)) -> Response:
    hub = hub_of(request)
    actor = Actor(account.login, account.role)
    try:
        if hub.values("bank").get("bridge_user_uuid"):
            update_user(hub, name, email, actor)
        else:
            create_user(hub, name, email, actor)
    except (BridgeUserError, SettingError) as error:
        return interface_page(request, account, "bank", status_code=400,
                              errors={"bridge_user": error.message})
    except ServiceError as error:
        return interface_page(request, account, "bank", status_code=502,
                              errors={"bridge_user": error.diagnosis.message})
    return RedirectResponse("/interfaces/bank?saved=bridge_user#bridge-user", 303)


@router.post("/interfaces/bank/bridge-user/delete", dependencies=[Depends(check_csrf)])
def remove_bridge_user(request: Request, account: Account = Depends(may_change)) -> Response:
    hub = hub_of(request)
    try:
        delete_user(hub, Actor(account.login, account.role))
    except BridgeUserError as error:
        return interface_page(request, account, "bank", status_code=400,
                              errors={"bridge_user": error.message})
    except ServiceError as error:
        return interface_page(request, account, "bank", status_code=502,
                              errors={"bridge_user": error.diagnosis.message})
    return RedirectResponse("/interfaces/bank?saved=bridge_user_deleted#bridge-user", 303)


# -- banks and accounts ---------------------------------------------------------------------
def _banks_page(request: Request, status_code: int = 200, error: Tr | None = None,
                notice: Tr | None = None) -> Response:
    hub = hub_of(request)
    lang = language(request)
    return render(request, "banking_banks.html", status_code, L=L,
                  items=[views.item_view(i, lang) for i in views.items(hub)],
                  accounts=[views.account_view(a, lang, n) for a, n in views.accounts(hub)],
                  companies=hub.accounts.companies(), runs=runs.recent_runs(hub, 10),
                  error=error, notice=notice, enabled=bool(hub.values("bank").get("enabled")),
                  has_user=bool(hub.values("bank").get("bridge_user_uuid")))


@router.get("/bank")
def banks_page(request: Request, _: Account = Depends(signed_in)) -> Response:
    notice = {"connected": L["connected"], "saved": L["saved"],
              "queued": L["fetch_queued"]}.get(request.query_params.get("done", ""))
    return _banks_page(request, notice=notice)


def _failed(request: Request, error: Exception) -> Response:
    if isinstance(error, BankRefusal):
        return _banks_page(request, error.status, error=error.message)
    assert isinstance(error, ServiceError)
    return _banks_page(request, 502, error=error.diagnosis.message)


@router.post("/bank/connect", dependencies=[Depends(check_csrf)])
def connect(request: Request, _: Account = Depends(may_change)) -> Response:
    try:
        url = banks.connect_url(hub_of(request), str(request.url_for("bank_connected")))
    except (BankRefusal, ServiceError) as error:
        return _failed(request, error)
    return RedirectResponse(url, 303)


@router.post("/bank/items/{item_id}/fix", dependencies=[Depends(check_csrf)])
def fix_item(item_id: int, request: Request, _: Account = Depends(may_change)) -> Response:
    try:
        url = banks.connect_url(hub_of(request), str(request.url_for("bank_connected")),
                                item_id)
    except (BankRefusal, ServiceError) as error:
        return _failed(request, error)
    return RedirectResponse(url, 303)


@router.post("/bank/items/{item_id}/delete", dependencies=[Depends(check_csrf)])
def remove_bank(item_id: int, request: Request, _: Account = Depends(may_change)) -> Response:
    try:
        banks.remove_bank(hub_of(request), item_id)
    except (BankRefusal, ServiceError) as error:
        return _failed(request, error)
    return RedirectResponse("/bank?done=saved#banks", 303)


@router.get("/bank/connected", name="bank_connected")
def connected(request: Request, success: str = "", _: Account = Depends(signed_in)
              ) -> Response:
    if success.lower() != "true":
        return _banks_page(request, 400, error=L["connect_failed"])
    try:
        banks.after_connect(hub_of(request))
    except (BankRefusal, ServiceError) as error:
        return _failed(request, error)
    return RedirectResponse("/bank?done=connected#accounts", 303)


@router.post("/bank/accounts/{account_id}", dependencies=[Depends(check_csrf)])
def assign(account_id: int, request: Request, company: str = Form(""),
           journal: str = Form(""), _: Account = Depends(may_change)) -> Response:
    try:
        banks.assign(hub_of(request), account_id, company, journal)
    except BankRefusal as error:
        return _failed(request, error)
    return RedirectResponse("/bank?done=saved#accounts", 303)


@router.post("/bank/accounts/{account_id}/pause", dependencies=[Depends(check_csrf)])
def pause(account_id: int, request: Request, paused: str = Form("true"),
          _: Account = Depends(may_change)) -> Response:
    try:
        banks.set_paused(hub_of(request), account_id, paused == "true")
    except BankRefusal as error:
        return _failed(request, error)
    return RedirectResponse("/bank?done=saved#accounts", 303)


@router.post("/bank/fetch", dependencies=[Depends(check_csrf)])
def fetch_now(request: Request, _: Account = Depends(may_change)) -> Response:
    hub_of(request).jobs.enqueue(FETCH_JOB)
    return RedirectResponse("/bank?done=queued#runs", 303)


# -- the intermediate table -----------------------------------------------------------------
def _day(text: str) -> date | None:
    try:
        return date.fromisoformat(text) if text else None
    except ValueError:
        return None


@router.get("/bank/transactions")
def transactions_page(request: Request, account: str = "", status: str = "",
                      since: str = "", until: str = "", unstated: str = "", q: str = "",
                      _: Account = Depends(signed_in)) -> Response:
    hub = hub_of(request)
    lang = language(request)
    account_id = int(account) if account.isdigit() else None
    rows = views.transactions(hub, account_id, status, _day(since), _day(until),
                              unstated == "true", q, limit=500)
    return render(request, "banking_transactions.html", L=L,
                  rows=[views.transaction_view(r) for r in rows],
                  accounts=[views.account_view(a, lang) for a, _n in views.accounts(hub)],
                  f={"account": account, "status": status, "since": since, "until": until,
                     "unstated": unstated, "q": q})


# -- statements -----------------------------------------------------------------------------
def _statements_page(request: Request, status_code: int = 200, error: Tr | None = None
                     ) -> Response:
    hub = hub_of(request)
    lang = language(request)
    return render(request, "banking_statements.html", status_code, L=L, error=error,
                  rows=[views.statement_view(s, lang) for s in views.statements(hub)],
                  accounts=[views.account_view(a, lang) for a, _n in views.accounts(hub)],
                  periods=list(Period), today=date.today().isoformat())


@router.get("/bank/statements")
def statements_page(request: Request, _: Account = Depends(signed_in)) -> Response:
    return _statements_page(request)


@router.post("/bank/statements", dependencies=[Depends(check_csrf)])
def create_statement(request: Request, account_id: int = Form(...),
                     period: str = Form("since_last"), on: str = Form(""),
                     account: Account = Depends(may_change)) -> Response:
    day = _day(on) or date.today()
    try:
        chosen = Period(period)
        statement = generate(hub_of(request), StatementRequest(account_id, chosen, day),
                             account.login)
    except ValueError:
        return _statements_page(request, 400, Tr("Période inconnue.", "Unknown period."))
    except BankRefusal as error:
        return _statements_page(request, error.status, error.message)
    return RedirectResponse(f"/bank/statements/{statement.id}", 303)


@router.get("/bank/statements/{statement_id}")
def statement_page(statement_id: int, request: Request,
                   _: Account = Depends(signed_in)) -> Response:
    try:
        statement, lines = statement_lines(hub_of(request), statement_id)
    except BankRefusal as error:
        return _statements_page(request, error.status, error.message)
    return render(request, "banking_statement.html", L=L,
                  s=views.statement_view(statement, language(request)),
                  lines=[views.line_view(x) for x in lines], formats=list(Format))


@router.get("/bank/statements/{statement_id}/file")
def statement_file(statement_id: int, request: Request, format: Format = Format.CAMT053,
                   _: Account = Depends(signed_in)) -> Response:
    try:
        content = views.export(hub_of(request), statement_id, format, language(request))
    except BankRefusal as error:
        return _statements_page(request, error.status, error.message)
    name = views.file_name(statement_id, format)
    return Response(content, media_type=MEDIA[format][0],
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})
