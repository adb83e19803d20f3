"""REST API of the CHORUS PRO transmission, for the ERP (mounted under /api/v1).

    POST /einvoicing/invoices?company=CODE[&format=ubl]   structured invoice (EN 16931 JSON)
    POST /einvoicing/invoices/file?company=CODE           a Factur-X PDF, UBL or CII XML
    GET  /einvoicing/invoices[?company&state&since&until&limit]
    GET  /einvoicing/invoices/{id}                        with history and errors
    GET  /einvoicing/invoices/{id}/file                   the e-invoice deposited
    POST /einvoicing/invoices/{id}/cancel | /resend
    GET  /einvoicing/quota
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from fastapi import APIRouter, Depends, Request, UploadFile
from fastapi.responses import JSONResponse, Response

from raccord.core.accounts import Account
from raccord.core.httpsafe import Count, RowId, content_disposition
from raccord.core.hub import Hub
from raccord.core.i18n import Tr, pick_language
from raccord.core.roles import Role
from raccord.features.einvoicing import intake, store, validate_api, views
from raccord.features.einvoicing.api_models import (
    InvoiceDetail,
    InvoiceSummary,
    QuotaOut,
    ReceiptOut,
)
from raccord.features.einvoicing.documents import Format
from raccord.features.einvoicing.invoice import InvoiceData
from raccord.toolkit.api import AUTH_ERRORS, errors, files, get_hub, require_role

router = APIRouter(prefix="/einvoicing", tags=["einvoicing"], responses=AUTH_ERRORS)
router.include_router(validate_api.router)  # POST /einvoicing/validate
# 200: the same invoice was already handed over; 422: kept as invalid, with every error.
RECEIPT_ANSWERS: dict[int | str, dict[str, Any]] = {
    200: {"model": ReceiptOut, "description": "Already received: unchanged"},
    **errors(404, 422, extra={422: ReceiptOut})}
FILE_ANSWER = files("The e-invoice as deposited", "application/pdf", "application/xml")
reader = require_role(Role.READER)
sender = require_role(Role.ADMINISTRATOR)
MAX_UPLOAD = intake.MAX_FILE_BYTES
MEDIA = {"facturx": "application/pdf", "ubl": "application/xml", "cii": "application/xml"}


def _lang(request: Request) -> str:
    return pick_language(request.headers.get("accept-language"))


def _refused(request: Request, message: Tr, status: int = 422) -> JSONResponse:
    return JSONResponse({"error": message(_lang(request)), "error_fr": message.fr,
                         "error_en": message.en}, status_code=status)


def _receipt(receipt: intake.Receipt) -> JSONResponse:
    status = 200 if receipt.unchanged else (422 if receipt.state == "invalid" else 202)
    return JSONResponse(receipt.as_dict(), status_code=status)


@router.post("/invoices", status_code=202, response_model=ReceiptOut,
             responses=RECEIPT_ANSWERS)
def send_invoice(data: InvoiceData, company: str, request: Request,
                 format: Format = Format.FACTURX, hub: Hub = Depends(get_hub),
                 account: Account = Depends(sender)) -> Any:
    """Hand over structured invoice data: raccord produces the e-invoice, validates it and
    queues it (202), or keeps it as invalid and says why (422, with every error)."""
    try:
        return _receipt(intake.receive(hub, company, account.login, data=data, fmt=format))
    except intake.IntakeRefused as refused:
        return _refused(request, refused.message, refused.status)


@router.post("/invoices/file", status_code=202, response_model=ReceiptOut,
             responses={**RECEIPT_ANSWERS, **errors(413)})
async def send_file(file: UploadFile, company: str, request: Request,
                    hub: Hub = Depends(get_hub), account: Account = Depends(sender)) -> Any:
    """Hand over a ready e-invoice (Factur-X PDF, UBL 2.1 or CII XML) as multipart `file`."""
    content = await file.read(MAX_UPLOAD + 1)
    if len(content) > MAX_UPLOAD:
        return _refused(request, intake.TOO_LARGE, 413)
    try:
        receipt = intake.receive(hub, company, account.login, content=content,
                                 file_name=file.filename or "")
    except intake.IntakeRefused as refused:
        return _refused(request, refused.message, refused.status)
    return _receipt(receipt)


@router.get("/invoices", response_model=list[InvoiceSummary])
def list_invoices(request: Request, company: str | None = None, state: str | None = None,
                  since: datetime | None = None, until: datetime | None = None,
                  limit: Count = 100, hub: Hub = Depends(get_hub),
                  _: Account = Depends(reader)) -> list[dict[str, Any]]:
    rows = views.listing(hub, company=company, state=state, since=since, until=until,
                         limit=max(1, min(limit, 1000)))
    return [views.summary(i, _lang(request)) for i in rows]


@router.get("/invoices/{invoice_id}", response_model=InvoiceDetail, responses=errors(404))
def get_invoice(invoice_id: RowId, request: Request, hub: Hub = Depends(get_hub),
                _: Account = Depends(reader)) -> Any:
    invoice = store.get(hub, invoice_id)
    if invoice is None:
        return _refused(request, Tr(f"Facture {invoice_id} inconnue.",
                                    f"Unknown invoice {invoice_id}."), 404)
    return views.detail(hub, invoice, _lang(request))


@router.get("/invoices/{invoice_id}/file", response_class=Response,
            responses={**FILE_ANSWER, **errors(404)})
def get_file(invoice_id: RowId, request: Request, hub: Hub = Depends(get_hub),
             _: Account = Depends(reader)) -> Any:
    invoice = store.get(hub, invoice_id)
    if invoice is None:
        return _refused(request, Tr(f"Facture {invoice_id} inconnue.",
                                    f"Unknown invoice {invoice_id}."), 404)
    return Response(invoice.content, media_type=MEDIA.get(invoice.format, "application/xml"),
                    headers={"Content-Disposition": content_disposition(invoice.file_name)})


@router.post("/invoices/{invoice_id}/cancel", response_model=InvoiceSummary,
             responses=errors(404, 409))
def cancel_invoice(invoice_id: RowId, request: Request, hub: Hub = Depends(get_hub),
                   account: Account = Depends(sender)) -> Any:
    try:
        invoice = intake.cancel(hub, invoice_id, account.login)
    except intake.IntakeRefused as refused:
        return _refused(request, refused.message, refused.status)
    return views.summary(invoice, _lang(request))


@router.post("/invoices/{invoice_id}/resend", status_code=202, response_model=ReceiptOut,
             responses={**RECEIPT_ANSWERS, **errors(409)})
def resend_invoice(invoice_id: RowId, request: Request, hub: Hub = Depends(get_hub),
                   account: Account = Depends(sender)) -> Any:
    try:
        return _receipt(intake.resend(hub, invoice_id, account.login))
    except intake.IntakeRefused as refused:
        return _refused(request, refused.message, refused.status)


@router.get("/quota", response_model=QuotaOut)
def quota(request: Request, hub: Hub = Depends(get_hub),
          _: Account = Depends(reader)) -> dict[str, Any]:
    return views.quota(hub).as_dict(_lang(request))
