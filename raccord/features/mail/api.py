"""REST API of the mail service, for the ERP (mounted under /api/v1).

    POST /mail/messages        queue a message (202 with its id and state); the same
                               `idempotency_key` (or `Idempotency-Key` header) again answers
                               with the first message (200) and queues nothing
    GET  /mail/messages[?state&origin&reference&limit]
    GET  /mail/messages/{id}   with its history
    GET  /mail/alerts          the alerts open now
"""

from __future__ import annotations

import base64
import binascii
from typing import Any

from fastapi import APIRouter, Depends, Header, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel, EmailStr, Field

from raccord.core.accounts import Account
from raccord.core.alerts import open_alerts
from raccord.core.httpsafe import Count, RowId
from raccord.core.hub import Hub
from raccord.core.i18n import Tr, pick_language
from raccord.core.outbox import (
    Attachment,
    OutgoingMail,
    find_by_key,
    mail_state,
    queue_mail,
)
from raccord.core.roles import Role
from raccord.features.mail import views
from raccord.features.mail.api_models import AlertsOut, MessageDetail, MessageOut, MessagesOut
from raccord.toolkit.api import AUTH_ERRORS, errors, get_hub, require_role

router = APIRouter(prefix="/mail", tags=["mail"], responses=AUTH_ERRORS)
reader = require_role(Role.READER)
sender = require_role(Role.OPERATOR)


class AttachmentIn(BaseModel):
    filename: str = Field(min_length=1, max_length=250)
    content_type: str = Field("application/octet-stream", min_length=3, max_length=120)
    content_base64: str


class MessageIn(BaseModel):
    to: list[EmailStr] = Field(default_factory=list)
    cc: list[EmailStr] = Field(default_factory=list)
    bcc: list[EmailStr] = Field(default_factory=list)
    reply_to: EmailStr | None = None
    sender: EmailStr | None = Field(default=None, alias="from")
    subject: str = Field(max_length=998)
    text: str | None = None
    html: str | None = None
    reference: str | None = Field(default=None, max_length=200)
    idempotency_key: str | None = Field(default=None, max_length=200)
    attachments: list[AttachmentIn] = Field(default_factory=list)


def _lang(request: Request) -> str:
    return pick_language(request.headers.get("accept-language"))


def _refused(request: Request, message: Tr, status: int = 422) -> JSONResponse:
    return JSONResponse({"error": message(_lang(request)), "error_fr": message.fr,
                         "error_en": message.en}, status_code=status)


@router.post("/messages", status_code=202, response_model=MessageOut, responses={
    200: {"model": MessageOut, "description": "This idempotency key was used: the first message"},
    **errors(422)})
def send(body: MessageIn, request: Request, hub: Hub = Depends(get_hub),
         account: Account = Depends(sender),
         idempotency_key: str | None = Header(default=None)) -> Any:
    if not (body.to or body.cc or body.bcc):
        return _refused(request, Tr("Indiquez au moins un destinataire (to, cc ou bcc).",
                                    "Give at least one recipient (to, cc or bcc)."))
    if not body.text and not body.html:
        return _refused(request, Tr("Indiquez le texte (text) ou le HTML (html) du message.",
                                    "Give the message's text (text) or HTML (html)."))
    parts = []
    for part in body.attachments:
        try:
            data = base64.b64decode(part.content_base64, validate=True)
        except (binascii.Error, ValueError):
            return _refused(request, Tr(f"Pièce jointe « {part.filename} » : base64 invalide.",
                                        f"Attachment '{part.filename}': invalid base64."))
        parts.append(Attachment(part.filename, part.content_type, data))
    key = body.idempotency_key or idempotency_key
    before = find_by_key(hub, key) if key is not None else None
    mail = OutgoingMail(
        to=tuple(body.to), cc=tuple(body.cc), bcc=tuple(body.bcc), reply_to=body.reply_to,
        sender=body.sender, subject=body.subject,
        text=body.text or views.text_of_html(body.html or ""), html=body.html,
        attachments=tuple(parts), reference=body.reference)
    message_id = queue_mail(hub, mail, origin=f"api:{account.login}"[:40], idempotency_key=key)
    row = mail_state(hub, message_id)
    assert row is not None
    return JSONResponse(views.message_dict(row, _lang(request)),
                        status_code=200 if before is not None else 202)


@router.get("/messages", response_model=MessagesOut)
def listing(request: Request, state: str | None = None, origin: str | None = None,
            reference: str | None = None, limit: Count = 100, hub: Hub = Depends(get_hub),
            _: Account = Depends(reader)) -> Any:
    return {"messages": views.listing(hub, _lang(request), state, origin, reference, limit)}


@router.get("/messages/{message_id}", response_model=MessageDetail, responses=errors(404))
def read(message_id: RowId, request: Request, hub: Hub = Depends(get_hub),
         _: Account = Depends(reader)) -> Any:
    found = views.detail(hub, message_id, _lang(request))
    if found is None:
        return _refused(request, Tr(f"Aucun message n°{message_id}.",
                                    f"No message {message_id}."), 404)
    return found


@router.get("/alerts", response_model=AlertsOut)
def alerts(request: Request, interface: str | None = None, hub: Hub = Depends(get_hub),
           _: Account = Depends(reader)) -> Any:
    lang = _lang(request)
    return {"alerts": [{"key": a.key, "interface": a.interface, "severity": a.severity,
                        "message": a.message(lang), "started_at": a.started_at.isoformat(),
                        "flaps": a.flaps} for a in open_alerts(hub, interface)]}
