"""REST API over the settings core: the same schemas, validation and audit as the console."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, HTTPException, Request, UploadFile
from fastapi.responses import JSONResponse
from pydantic import BaseModel
from sqlalchemy import select

from raccord.api.models import (
    AuditLine,
    CertificateAdded,
    CertificateLine,
    CertificateRemoved,
    Cleared,
    CompanyLine,
    CompanyValueSaved,
    InterfaceDescription,
    RunLine,
    SavedValue,
    TestResults,
)
from raccord.core.accounts import Account
from raccord.core.httpsafe import Count
from raccord.core.i18n import Tr, pick_language
from raccord.core.jobs import recent_runs
from raccord.core.models import AuditEntry
from raccord.core.roles import Role
from raccord.core.schema import SettingError
from raccord.core.settings_store import Actor, company_scope
from raccord.core.trust import CertificateError
from raccord.interfaces.hub import InterfaceHub as Hub
from raccord.settings_export import schema_description
from raccord.toolkit.api import AUTH_ERRORS, errors, get_hub, require_role

router = APIRouter(tags=["settings"], responses=AUTH_ERRORS)
reader = require_role(Role.READER)
admin = require_role(Role.ADMINISTRATOR)


class Value(BaseModel):
    value: Any


class NewCompany(BaseModel):
    code: str
    name: str
    siret: str | None = None


def refused(request: Request, message: Tr, key: str | None = None) -> JSONResponse:
    lang = pick_language(request.headers.get("accept-language"))
    return JSONResponse({"error": message(lang), "error_fr": message.fr, "error_en": message.en,
                         "field": key}, status_code=422)


@router.get("/interfaces", response_model=list[InterfaceDescription])
def interfaces(hub: Hub = Depends(get_hub), _: Account = Depends(reader)) -> list[dict[str, Any]]:
    return [schema_description(spec) for spec in hub.interfaces.values()]


@router.get("/settings/{interface}", response_model=dict[str, Any])
def read_settings(interface: str, request: Request, hub: Hub = Depends(get_hub),
                  _: Account = Depends(reader)) -> Any:
    try:
        # Plain JSON values already: answered as they are (the ERP reads this on every run).
        return JSONResponse(hub.settings.display_values(interface))
    except SettingError as error:
        return refused(request, error.message)


@router.put("/settings/{interface}/{key}", response_model=SavedValue)
def save_setting(interface: str, key: str, body: Value, request: Request,
                 hub: Hub = Depends(get_hub), account: Account = Depends(admin)) -> Any:
    try:
        value = hub.settings.set(interface, key, body.value, Actor(account.login, account.role))
    except SettingError as error:
        return refused(request, error.message, key)
    field = hub.settings.field(interface, key)
    return {"interface": interface, "key": key, "value": bool(value) if field.secret else value}


@router.delete("/settings/{interface}/{key}", response_model=Cleared)
def clear_setting(interface: str, key: str, request: Request, hub: Hub = Depends(get_hub),
                  account: Account = Depends(admin)) -> Any:
    try:
        hub.settings.clear(interface, key, Actor(account.login, account.role))
    except SettingError as error:
        return refused(request, error.message, key)
    return {"interface": interface, "key": key, "cleared": True}


@router.put("/companies/{code}/settings/{interface}/{key}", response_model=CompanyValueSaved,
            responses=errors(404))
def save_company_setting(code: str, interface: str, key: str, body: Value, request: Request,
                         hub: Hub = Depends(get_hub), account: Account = Depends(admin)) -> Any:
    if hub.accounts.company(code) is None:
        raise HTTPException(404, f"unknown company {code}")
    try:
        hub.settings.set(interface, key, body.value, Actor(account.login, account.role),
                         company_scope(code))
    except SettingError as error:
        return refused(request, error.message, key)
    return {"company": code, "interface": interface, "key": key, "saved": True}


@router.post("/interfaces/{interface}/test", response_model=TestResults,
             responses=errors(404))
def test_interface(interface: str, request: Request, which: str | None = None,
                   hub: Hub = Depends(get_hub), _: Account = Depends(admin)) -> Any:
    if interface not in hub.interfaces:
        raise HTTPException(404, f"unknown interface {interface}")
    lang = pick_language(request.headers.get("accept-language"))
    try:
        reports = hub.run_tests(interface, which)
    except KeyError:
        raise HTTPException(404, f"{interface} has no test {which}") from None
    return {"ok": all(r.ok for r in reports), "reports": [r.as_dict(lang) for r in reports]}


@router.get("/audit", response_model=list[AuditLine])
def audit(interface: str | None = None, limit: Count = 200, hub: Hub = Depends(get_hub),
          _: Account = Depends(reader)) -> list[dict[str, Any]]:
    with hub.db.session() as session:
        query = select(AuditEntry).order_by(AuditEntry.id.desc()).limit(min(limit, 1000))
        if interface:
            query = query.where(AuditEntry.interface == interface)
        return [{"at": e.at.isoformat(), "actor": e.actor, "interface": e.interface,
                 "key": e.key, "scope": e.scope, "old": e.old, "new": e.new}
                for e in session.scalars(query)]


@router.get("/certificates", response_model=list[CertificateLine])
def certificates(hub: Hub = Depends(get_hub), _: Account = Depends(reader)) -> Any:
    return [{"fingerprint": c.fingerprint, "subject": c.subject,
             "not_after": c.not_after.isoformat()} for c in hub.trust.list()]


@router.post("/certificates", response_model=CertificateAdded)
async def add_certificate(file: UploadFile, request: Request, hub: Hub = Depends(get_hub),
                          account: Account = Depends(admin)) -> Any:
    try:
        info = hub.trust.add(await file.read(1_000_000), account.login)
    except CertificateError as error:
        return refused(request, error.message)
    return {"fingerprint": info.fingerprint, "subject": info.subject}


@router.delete("/certificates/{fingerprint}", response_model=CertificateRemoved)
def remove_certificate(fingerprint: str, request: Request, hub: Hub = Depends(get_hub),
                       _: Account = Depends(admin)) -> Any:
    try:
        info = hub.trust.remove(fingerprint)
    except CertificateError as error:
        return refused(request, error.message)
    return {"removed": info.fingerprint}


@router.get("/companies", response_model=list[CompanyLine])
def companies(hub: Hub = Depends(get_hub), _: Account = Depends(reader)) -> Any:
    return [{"code": c.code, "name": c.name, "siret": c.siret} for c in hub.accounts.companies()]


@router.post("/companies", response_model=CompanyLine)
def add_company(body: NewCompany, request: Request, hub: Hub = Depends(get_hub),
                _: Account = Depends(admin)) -> Any:
    try:
        company = hub.accounts.add_company(body.code, body.name, body.siret)
    except SettingError as error:
        return refused(request, error.message)
    return {"code": company.code, "name": company.name, "siret": company.siret}


@router.get("/jobs/runs", response_model=list[RunLine])
def runs(limit: Count = 100, hub: Hub = Depends(get_hub), _: Account = Depends(reader)) -> Any:
    return [{"id": r.id, "task": r.task, "interface": r.interface,
             "started_at": r.started_at.isoformat(),
             "finished_at": r.finished_at.isoformat() if r.finished_at else None,
             "outcome": r.outcome, "counts": r.counts, "error": r.error}
            for r in recent_runs(hub, min(limit, 1000))]
