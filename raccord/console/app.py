"""The administration console: server-rendered pages generated from the settings schemas.

Every field has its own form and Save action; a refused value is shown in place, next to the
field, with what to fix, and nothing else changes."""

from __future__ import annotations

import hashlib
import hmac
from urllib.parse import quote

from fastapi import APIRouter, Depends, FastAPI, File, Form, Request, UploadFile
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy import select

from raccord.console.confirmations import (
    authority_users,
    confirm_clear,
    confirm_company_deletion,
    confirm_removal,
    failing,
    retest,
)
from raccord.console.dashboard import rows as dashboard_rows
from raccord.console.errors import install_error_pages
from raccord.core.accounts import Account
from raccord.core.alerts import open_alerts
from raccord.core.httpsafe import back_to, safe_redirect
from raccord.core.hub import Hub
from raccord.core.i18n import Tr, pick_language
from raccord.core.jobs import recent_runs
from raccord.core.models import AuditEntry, CallLog
from raccord.core.schema import SettingError
from raccord.core.settings_store import Actor, company_scope
from raccord.core.signin import Throttled
from raccord.core.trust import CertificateError
from raccord.toolkit.pages import (
    Forbidden,
    LoginRequired,
    check_csrf,
    confirmed,
    hub_of,
    may_change,
    render,
    signed_in,
)
from raccord.toolkit.screens import field_view, interface_page, raw_form_value
from raccord.toolkit.sessions import client_address, end_session, open_session
from raccord.toolkit.texts import TEXTS

router = APIRouter(include_in_schema=False)


# -- authentication ----------------------------------------------------------------------
@router.get("/login", response_class=HTMLResponse)
def login_page(request: Request) -> Response:
    return render(request, "login.html")


@router.post("/login")
def login(request: Request, login: str = Form(""), password: str = Form("")) -> Response:
    typed = login.strip()[:200]
    try:
        account = hub_of(request).sign_in.password(typed, password, client_address(request))
    except Throttled as stop:
        page = render(request, "login.html", 429, error=stop.message, login=typed)
        page.headers["Retry-After"] = str(stop.wait_s)
        return page
    if account is None:
        return render(request, "login.html", 401, error=TEXTS["login_failed"], login=typed)
    open_session(request, account)
    return RedirectResponse(safe_redirect(request.query_params.get("next")), 303)


@router.post("/logout", dependencies=[Depends(check_csrf)])
def logout(request: Request) -> Response:
    end_session(request)
    return RedirectResponse("/login", 303)


@router.get("/lang/{code}")
def switch_language(code: str, request: Request) -> Response:
    back = back_to(request.headers.get("referer"), request.headers.get("host", ""))
    response = RedirectResponse(back, 303)
    response.set_cookie("lang", pick_language(code), max_age=365 * 86400, samesite="lax")
    return response


# -- dashboard and interface screens ---------------------------------------------------
@router.get("/", response_class=HTMLResponse)
def dashboard(request: Request, account: Account = Depends(signed_in)) -> Response:
    hub = hub_of(request)
    return render(request, "dashboard.html", rows=dashboard_rows(hub), alerts=open_alerts(hub))


@router.get("/interfaces/{name}", response_class=HTMLResponse)
def interface_screen(name: str, request: Request, account: Account = Depends(signed_in)
                     ) -> Response:
    return interface_page(request, account, name)


@router.post("/interfaces/{name}/fields/{key}", dependencies=[Depends(check_csrf)])
async def save_field(name: str, key: str, request: Request,
                     account: Account = Depends(signed_in)) -> Response:
    hub = hub_of(request)
    form = await request.form()
    clearing = form.get("action") == "clear"
    spec = hub.interfaces.get(name)
    if spec is None or key not in {f.key for f in spec.schema.fields}:
        return render(request, "message.html", 404, message=TEXTS["not_found"])
    if clearing and spec.schema.field(key).secret and form.get("confirmed") != "yes":
        return confirm_clear(request, spec, key, f"/interfaces/{name}/fields/{key}",
                             f"/interfaces/{name}#field-{key}")
    try:
        field = hub.settings.field(name, key)
        actor = Actor(account.login, account.role)
        if clearing:
            hub.settings.clear(name, key, actor)
        else:
            hub.settings.set(name, key, raw_form_value(field, form), actor)
    except SettingError as error:
        typed = {} if clearing or hub.settings.field(name, key).secret else {
            key: str(form.get("value", ""))}
        return interface_page(request, account, name, status_code=400,
                              errors={key: error.message}, typed=typed)
    return RedirectResponse(f"/interfaces/{name}?saved={quote(key)}#field-{key}", 303)


@router.post("/interfaces/{name}/test", dependencies=[Depends(check_csrf)])
async def run_test(name: str, request: Request, account: Account = Depends(may_change)
                   ) -> Response:
    hub = hub_of(request)
    form = await request.form()
    which = str(form.get("which") or "") or None
    try:
        reports = hub.run_tests(name, which)
    except KeyError:
        return render(request, "message.html", 404, message=TEXTS["not_found"])
    return interface_page(request, account, name, reports=reports)


# -- certificates --------------------------------------------------------------------------
@router.get("/certificates", response_class=HTMLResponse)
def certificates(request: Request, account: Account = Depends(signed_in)) -> Response:
    return interface_page(request, account, "certificates")


@router.post("/certificates", dependencies=[Depends(check_csrf)])
async def import_certificate(request: Request, file: UploadFile = File(...),
                             account: Account = Depends(may_change)) -> Response:
    hub = hub_of(request)
    data = await file.read(1_000_000)
    try:
        hub.trust.add(data, account.login)
    except CertificateError as error:
        return interface_page(request, account, "certificates", status_code=400,
                              errors={"certificate": error.message})
    retest(hub, failing(hub))  # what failed for want of this authority may work now
    return RedirectResponse("/certificates?saved=certificate", 303)


@router.post("/certificates/{fingerprint}/remove", dependencies=[Depends(check_csrf)])
async def remove_certificate(fingerprint: str, request: Request,
                             account: Account = Depends(may_change)) -> Response:
    hub = hub_of(request)
    info = next((c for c in hub.trust.list() if c.fingerprint == fingerprint), None)
    if info is None:
        return interface_page(request, account, "certificates", status_code=400,
                              errors={"certificate": TEXTS["certificate_unknown"]})
    using = authority_users(hub, info)
    if not await confirmed(request):
        return confirm_removal(request, hub, info, using)
    try:
        hub.trust.remove(fingerprint)
    except CertificateError as error:
        return interface_page(request, account, "certificates", status_code=400,
                              errors={"certificate": error.message})
    retest(hub, using)  # their status changes now, not at someone's next Test
    return RedirectResponse("/certificates?saved=removed", 303)


# -- companies -------------------------------------------------------------------------------
@router.get("/companies", response_class=HTMLResponse)
def companies(request: Request, account: Account = Depends(signed_in)) -> Response:
    return render(request, "companies.html", companies=hub_of(request).accounts.companies(),
                  deleted=request.query_params.get("deleted"))


@router.post("/companies", dependencies=[Depends(check_csrf)])
def add_company(request: Request, code: str = Form(""), name: str = Form(""),
                siret: str = Form(""), account: Account = Depends(may_change)) -> Response:
    hub = hub_of(request)
    try:
        hub.accounts.add_company(code, name, siret or None)
    except SettingError as error:
        return render(request, "companies.html", 400, companies=hub.accounts.companies(),
                      error=error.message, typed={"code": code, "name": name, "siret": siret})
    return RedirectResponse(f"/companies/{quote(code.strip())}", 303)


@router.post("/companies/{code}/delete", dependencies=[Depends(check_csrf)])
async def delete_company(code: str, request: Request, account: Account = Depends(may_change)
                         ) -> Response:
    hub = hub_of(request)
    if hub.accounts.company(code) is None:
        return render(request, "message.html", 404, message=TEXTS["not_found"])
    if not await confirmed(request):
        return confirm_company_deletion(request, hub, code)
    hub.accounts.delete_company(code, account.login)
    return RedirectResponse("/companies?deleted=1", 303)


def company_page(request: Request, account: Account, code: str, status_code: int = 200,
                 errors: dict[str, Tr] | None = None) -> Response:
    hub = hub_of(request)
    company = hub.accounts.company(code)
    if company is None:
        return render(request, "message.html", 404, message=TEXTS["not_found"])
    sections = []
    for spec in hub.interfaces.values():
        if not spec.schema.company_fields:
            continue
        values = hub.settings.display_values(spec.name, company_scope(code))
        sections.append((spec, [field_view(hub, account, f, values[f.key])
                                for f in spec.schema.company_fields]))
    return render(request, "company.html", status_code, company=company, sections=sections,
                  errors=errors or {}, saved=request.query_params.get("saved"))


@router.get("/companies/{code}", response_class=HTMLResponse)
def company(code: str, request: Request, account: Account = Depends(signed_in)) -> Response:
    return company_page(request, account, code)


@router.post("/companies/{code}/fields/{name}/{key}", dependencies=[Depends(check_csrf)])
async def save_company_field(code: str, name: str, key: str, request: Request,
                             account: Account = Depends(signed_in)) -> Response:
    hub = hub_of(request)
    form = await request.form()
    scope = company_scope(code)
    if hub.accounts.company(code) is None:
        return render(request, "message.html", 404, message=TEXTS["not_found"])
    field_of = next((f for f in (hub.interfaces[name].schema.company_fields
                                 if name in hub.interfaces else ()) if f.key == key), None)
    if (form.get("action") == "clear" and field_of is not None and field_of.secret
            and form.get("confirmed") != "yes"):
        return confirm_clear(request, hub.interfaces[name], key,
                             f"/companies/{quote(code)}/fields/{name}/{key}",
                             f"/companies/{quote(code)}", company=code)
    try:
        field = hub.settings.field(name, key, scope)
        actor = Actor(account.login, account.role)
        if form.get("action") == "clear":
            hub.settings.clear(name, key, actor, scope)
        else:
            hub.settings.set(name, key, raw_form_value(field, form), actor, scope)
    except SettingError as error:
        return company_page(request, account, code, 400, {f"{name}.{key}": error.message})
    return RedirectResponse(f"/companies/{quote(code)}?saved={quote(name + '.' + key)}", 303)


# -- history, runs, calls ------------------------------------------------------------------
@router.get("/audit", response_class=HTMLResponse)
def audit(request: Request, interface: str = "", account: Account = Depends(signed_in)
          ) -> Response:
    hub = hub_of(request)
    with hub.db.session() as session:
        query = select(AuditEntry).order_by(AuditEntry.id.desc()).limit(500)
        if interface:
            query = query.where(AuditEntry.interface == interface)
        entries = list(session.scalars(query))
    return render(request, "audit.html", entries=entries, selected=interface)


@router.get("/jobs", response_class=HTMLResponse)
def jobs(request: Request, account: Account = Depends(signed_in)) -> Response:
    return render(request, "jobs.html", runs=recent_runs(hub_of(request), 200))


@router.get("/interfaces/{name}/calls", response_class=HTMLResponse)
def calls(name: str, request: Request, account: Account = Depends(signed_in)) -> Response:
    hub = hub_of(request)
    with hub.db.session() as session:
        rows = list(session.scalars(select(CallLog).where(CallLog.interface == name)
                                    .order_by(CallLog.id.desc()).limit(200)))
    return render(request, "calls.html", calls=rows, spec=hub.interfaces.get(name))


def session_secret(hub: Hub) -> str:
    """Sign console sessions with a key derived from the secrets key (stable across restarts)."""
    return hmac.new(hub.box.keys[0], b"raccord-console-session", hashlib.sha256).hexdigest()


def install(app: FastAPI) -> None:
    app.include_router(router)
    install_error_pages(app, LoginRequired, Forbidden)
