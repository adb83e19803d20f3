"""REST API of electronic signature, for the ERP (mounted under /api/v1).

    POST /signatures                          a PDF (base64) to sign, its signers and options
    GET  /signatures[?company&state&reference&limit]
    GET  /signatures/{id}                     state, signers, history
    POST /signatures/{id}/cancel | /remind
    GET  /signatures/{id}/signed-document     the signed PDF (once signed)
    GET  /signatures/{id}/attestation         Universign's attestation (once signed)
    POST /signatures/universign-webhook       Universign's webhooks (JWS-signed, no API key)
"""

from __future__ import annotations

import base64
import binascii
from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import JSONResponse, Response
from pydantic import Field

from raccord.core.accounts import Account
from raccord.core.httpsafe import Count, RowId, content_disposition
from raccord.core.hub import Hub
from raccord.core.i18n import Tr, pick_language
from raccord.core.roles import Role
from raccord.features.signatures import incoming, intake, store, views
from raccord.features.signatures.api_models import (
    SignatureDetail,
    SignatureOut,
    WebhookOutcome,
)
from raccord.interfaces.signature.webhooks import SIGNATURE_HEADER, WebhookRefused
from raccord.toolkit.api import (
    AUTH_ERRORS,
    SIGNED_BY_CALLER,
    Refusal,
    errors,
    files,
    get_hub,
    require_role,
)

router = APIRouter(prefix="/signatures", tags=["signatures"], responses=AUTH_ERRORS)
PDF_ANSWERS = {**files("The PDF", "application/pdf"), **errors(404, 409)}
reader = require_role(Role.READER)
sender = require_role(Role.ADMINISTRATOR)


class RequestBody(intake.RequestIn):
    pdf_base64: str = Field(description="The PDF to sign, base64-encoded.")


def _lang(request: Request) -> str:
    return pick_language(request.headers.get("accept-language"))


def _refused(request: Request, message: Tr, status: int = 422) -> JSONResponse:
    return JSONResponse({"error": message(_lang(request)), "error_fr": message.fr,
                         "error_en": message.en}, status_code=status)


def _unknown(request: Request, request_id: RowId) -> JSONResponse:
    return _refused(request, Tr(f"Demande de signature {request_id} inconnue.",
                                f"Unknown signature request {request_id}."), 404)


@router.post("", status_code=202, response_model=SignatureOut, responses={
    200: {"model": SignatureOut, "description": "Already in progress: that request"},
    **errors(404, 409, 413, 422)})
def create(body: RequestBody, request: Request, hub: Hub = Depends(get_hub),
           account: Account = Depends(sender)) -> Any:
    """Hand over a document to sign: kept and queued for Universign (202), or the request
    already in progress for the same company, kind and reference (200)."""
    try:
        content = base64.b64decode(body.pdf_base64, validate=True)
    except (binascii.Error, ValueError):
        return _refused(request, Tr("pdf_base64 n'est pas du base64 valide.",
                                    "pdf_base64 is not valid base64."))
    data = intake.RequestIn.model_validate(body.model_dump(exclude={"pdf_base64"}))
    try:
        kept, created = intake.receive(hub, data, content, account.login)
    except intake.Refused as refused:
        return _refused(request, refused.message, refused.status)
    return JSONResponse(views.summary(kept, _lang(request)), status_code=202 if created else 200)


@router.get("", response_model=list[SignatureOut])
def listing(request: Request, company: str | None = None, state: str | None = None,
            reference: str | None = None, limit: Count = 100, hub: Hub = Depends(get_hub),
            _: Account = Depends(reader)) -> list[dict[str, Any]]:
    rows = store.listing(hub, company=company, state=state, reference=reference,
                         limit=max(1, min(limit, 1000)))
    return [views.summary(r, _lang(request)) for r in rows]


@router.post("/universign-webhook", response_model=WebhookOutcome,
             openapi_extra=SIGNED_BY_CALLER,
             responses=errors(401, extra={401: Refusal}))
async def universign_webhook(request: Request, hub: Hub = Depends(get_hub)) -> Any:
    """Universign's calls: accepted only with a valid detached JWS signature."""
    body = await request.body()
    source = request.client.host if request.client else "?"
    try:
        outcome = incoming.receive(hub, body, request.headers.get(SIGNATURE_HEADER), source)
    except WebhookRefused as refused:
        return _refused(request, refused.message, 401)
    return {"status": outcome}


@router.get("/{request_id}", response_model=SignatureDetail, responses=errors(404))
def read(request_id: RowId, request: Request, hub: Hub = Depends(get_hub),
         _: Account = Depends(reader)) -> Any:
    found = store.get(hub, request_id)
    if found is None:
        return _unknown(request, request_id)
    return views.detail(hub, found, _lang(request))


@router.post("/{request_id}/cancel", response_model=SignatureOut,
             responses=errors(404, 409))
def cancel(request_id: RowId, request: Request, hub: Hub = Depends(get_hub),
           account: Account = Depends(sender)) -> Any:
    try:
        return views.summary(intake.cancel(hub, request_id, account.login), _lang(request))
    except intake.Refused as refused:
        return _refused(request, refused.message, refused.status)


@router.post("/{request_id}/remind", response_model=SignatureOut,
             responses=errors(404, 409, 502))
def remind(request_id: RowId, request: Request, hub: Hub = Depends(get_hub),
           account: Account = Depends(sender)) -> Any:
    try:
        return views.summary(intake.remind(hub, request_id, account.login), _lang(request))
    except intake.Refused as refused:
        return _refused(request, refused.message, refused.status)


def _pdf(request: Request, hub: Hub, request_id: RowId, which: str) -> Response:
    found = store.get(hub, request_id)
    if found is None:
        return _unknown(request, request_id)
    content = found.signed_content if which == "signed" else found.attestation
    if content is None:
        return _refused(request, Tr("Pas encore signé par tous : rien à télécharger.",
                                    "Not signed by everyone yet: nothing to download."), 409)
    stem = found.file_name.removesuffix(".pdf")
    name = f"{stem} - signé.pdf" if which == "signed" else f"{stem} - attestation.pdf"
    return Response(content, media_type="application/pdf", headers={
        "Content-Disposition": content_disposition(name)})


@router.get("/{request_id}/signed-document", response_class=Response,
            responses=PDF_ANSWERS)
def signed_document(request_id: RowId, request: Request, hub: Hub = Depends(get_hub),
                    _: Account = Depends(reader)) -> Response:
    return _pdf(request, hub, request_id, "signed")


@router.get("/{request_id}/attestation", response_class=Response,
            responses=PDF_ANSWERS)
def attestation(request_id: RowId, request: Request, hub: Hub = Depends(get_hub),
                _: Account = Depends(reader)) -> Response:
    return _pdf(request, hub, request_id, "attestation")
