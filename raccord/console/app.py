"""The administration console: server-rendered pages generated from the settings schemas.

Every field has its own form and Save action; a refused value is shown in place, next to the
field, with what to fix, and nothing else changes."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from pathlib import Path
from typing import Any
from urllib.parse import quote

from fastapi import APIRouter, Depends, FastAPI, File, Form, Request, UploadFile
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.templating import Jinja2Templates
from sqlalchemy import select

from raccord.console.texts import TEXTS
from raccord.core.accounts import Account
from raccord.core.hub import Hub
from raccord.core.i18n import Tr, pick_language
from raccord.core.jobs import recent_runs
from raccord.core.models import AuditEntry, CallLog
from raccord.core.roles import ROLE_LABELS, Role, may_edit
from raccord.core.schema import Field, Kind, SettingError
from raccord.core.settings_store import Actor, company_scope
from raccord.core.trust import CertificateError
from raccord.interfaces.base import TestReport

TEMPLATES = Jinja2Templates(directory=str(Path(__file__).parent / "templates"))
_FOLDERS: list[str] = [str(Path(__file__).parent / "templates")]


def add_template_folder(folder: Path) -> None:
    """Let a feature's templates extend the console's base (see docs/console-pages.md)."""
    from jinja2 import FileSystemLoader

    if str(folder) not in _FOLDERS:
        _FOLDERS.append(str(folder))
        TEMPLATES.env.loader = FileSystemLoader(_FOLDERS)
router = APIRouter(include_in_schema=False)


class LoginRequired(Exception):
    pass


class Forbidden(Exception):
    pass


def language(request: Request) -> str:
    return pick_language(request.cookies.get("lang") or request.headers.get("accept-language"))


def hub_of(request: Request) -> Hub:
    hub: Hub = request.app.state.hub
    return hub


def signed_in(request: Request) -> Account:
    login = request.session.get("login")
    account = hub_of(request).accounts.get(login) if login else None
    if account is None:
        raise LoginRequired()
    return account


def csrf_token(request: Request) -> str:
    token = request.session.get("csrf")
    if not token:
        token = secrets.token_urlsafe(24)
        request.session["csrf"] = token
    return str(token)


async def check_csrf(request: Request) -> None:
    form = await request.form()
    sent = str(form.get("csrf", ""))
    expected = str(request.session.get("csrf", ""))
    # A session that was never shown a form (e.g. just after login) has no token to match.
    if not expected or not hmac.compare_digest(sent, expected):
        raise Forbidden()


def render(request: Request, template: str, status_code: int = 200, **context: Any) -> Response:
    lang = language(request)
    hub = hub_of(request)
    login = request.session.get("login")
    account = hub.accounts.get(login) if login else None

    def t(key: str) -> str:
        return TEXTS[key](lang)

    def tr(value: Tr | None) -> str:
        return value(lang) if value is not None else ""

    base = {
        "request": request, "lang": lang, "t": t, "tr": tr, "hub": hub, "account": account,
        "csrf": csrf_token(request), "interfaces": list(hub.interfaces.values()),
        "role_label": (lambda r: ROLE_LABELS[Role(r)](lang)), "mode": hub.env.mode.value,
        "path": request.url.path,
        "feature_nav": getattr(request.app.state, "feature_nav", []),
    }
    return TEMPLATES.TemplateResponse(request, template, {**base, **context},
                                      status_code=status_code)


def field_view(hub: Hub, account: Account, field: Field, value: Any) -> dict[str, Any]:
    return {"field": field, "value": value, "kind": field.kind.value,
            "editable": not field.managed and may_edit(account.role, hub.env.mode, field)}


def raw_form_value(field: Field, form: Any) -> Any:
    if field.kind is Kind.BOOL:
        return "true" if "true" in form.getlist("value") else "false"
    return str(form.get("value", ""))


# -- authentication ----------------------------------------------------------------------
@router.get("/login", response_class=HTMLResponse)
def login_page(request: Request) -> Response:
    return render(request, "login.html")


@router.post("/login")
def login(request: Request, login: str = Form(""), password: str = Form("")) -> Response:
    account = hub_of(request).accounts.authenticate(login.strip(), password)
    if account is None:
        return render(request, "login.html", 401, error=TEXTS["login_failed"], login=login)
    request.session.clear()
    request.session["login"] = account.login
    target = request.query_params.get("next", "/")
    return RedirectResponse(target if target.startswith("/") else "/", 303)


@router.post("/logout", dependencies=[Depends(check_csrf)])
def logout(request: Request) -> Response:
    request.session.clear()
    return RedirectResponse("/login", 303)


@router.get("/lang/{code}")
def switch_language(code: str, request: Request) -> Response:
    back = request.headers.get("referer") or "/"
    response = RedirectResponse(back, 303)
    response.set_cookie("lang", pick_language(code), max_age=365 * 86400, samesite="lax")
    return response


# -- dashboard and interface screens ---------------------------------------------------
@router.get("/", response_class=HTMLResponse)
def dashboard(request: Request, account: Account = Depends(signed_in)) -> Response:
    hub = hub_of(request)
    statuses = {name: hub.status(name) for name in hub.interfaces}
    return render(request, "dashboard.html", statuses=statuses)


def interface_page(request: Request, account: Account, name: str, *, status_code: int = 200,
                   errors: dict[str, Tr] | None = None, typed: dict[str, str] | None = None,
                   reports: list[TestReport] | None = None) -> Response:
    hub = hub_of(request)
    spec = hub.interfaces.get(name)
    if spec is None:
        return render(request, "message.html", 404, message=TEXTS["not_found"])
    values = hub.settings.display_values(name)
    fields = [field_view(hub, account, f, (typed or {}).get(f.key, values[f.key]))
              for f in spec.schema.fields if not f.managed]
    managed = [(f, values[f.key]) for f in spec.schema.fields if f.managed]
    saved = request.query_params.get("saved")
    context: dict[str, Any] = {}
    if name == "certificates":
        context["certificates"] = hub.trust.list()
    return render(request, "interface.html", status_code, spec=spec, fields=fields,
                  errors=errors or {}, saved=saved, reports=reports or [],
                  status=hub.status(name), runs=recent_runs(hub, 5, name),
                  can_edit=account.role is not Role.READER, managed=managed, **context)


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
async def run_test(name: str, request: Request, account: Account = Depends(signed_in)
                   ) -> Response:
    hub = hub_of(request)
    form = await request.form()
    which = str(form.get("which") or "") or None
    if account.role is Role.READER:
        raise Forbidden()
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
                             account: Account = Depends(signed_in)) -> Response:
    hub = hub_of(request)
    if account.role is Role.READER:
        raise Forbidden()
    data = await file.read(1_000_000)
    try:
        hub.trust.add(data, account.login)
    except CertificateError as error:
        return interface_page(request, account, "certificates", status_code=400,
                              errors={"certificate": error.message})
    return RedirectResponse("/certificates?saved=certificate", 303)


@router.post("/certificates/{fingerprint}/remove", dependencies=[Depends(check_csrf)])
def remove_certificate(fingerprint: str, request: Request,
                       account: Account = Depends(signed_in)) -> Response:
    if account.role is Role.READER:
        raise Forbidden()
    try:
        hub_of(request).trust.remove(fingerprint)
    except CertificateError as error:
        return interface_page(request, account, "certificates", status_code=400,
                              errors={"certificate": error.message})
    return RedirectResponse("/certificates?saved=removed", 303)


# -- companies -------------------------------------------------------------------------------
@router.get("/companies", response_class=HTMLResponse)
def companies(request: Request, account: Account = Depends(signed_in)) -> Response:
    return render(request, "companies.html", companies=hub_of(request).accounts.companies())


@router.post("/companies", dependencies=[Depends(check_csrf)])
def add_company(request: Request, code: str = Form(""), name: str = Form(""),
                siret: str = Form(""), account: Account = Depends(signed_in)) -> Response:
    hub = hub_of(request)
    if account.role is Role.READER:
        raise Forbidden()
    try:
        hub.accounts.add_company(code, name, siret or None)
    except SettingError as error:
        return render(request, "companies.html", 400, companies=hub.accounts.companies(),
                      error=error.message, typed={"code": code, "name": name, "siret": siret})
    return RedirectResponse(f"/companies/{quote(code.strip())}", 303)


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
    from raccord.console.errors import install_error_pages

    app.include_router(router)
    install_error_pages(app, LoginRequired, Forbidden)
