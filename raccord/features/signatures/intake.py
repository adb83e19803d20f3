"""What the ERP hands over (a PDF, its signers, how and by when they sign), checked and kept as
a request; and what it may do next: cancel a pending request, send a reminder."""

from __future__ import annotations

import re
import uuid
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Literal

from pydantic import BaseModel, EmailStr, Field, field_validator, model_validator

from raccord.core.diagnosis import ServiceError
from raccord.core.i18n import Tr
from raccord.core.models import utcnow
from raccord.features.signatures import store
from raccord.features.signatures.dispatch import SEND_JOB, SYNC_JOB, wake
from raccord.features.signatures.models import SignatureRequest
from raccord.features.signatures.states import CANCELLABLE, FINAL, PENDING, State
from raccord.interfaces.signature.client import UniversignClient

if TYPE_CHECKING:
    from raccord.core.hub import Hub

MAX_PDF = 25 * 1024 * 1024  # Universign's upload limit
MAX_LIFETIME = timedelta(days=180)
LANGUAGES = ("bg", "ca", "nl", "en", "fr", "de", "it", "pl", "pt", "ro", "es")
E164 = re.compile(r"^\+[1-9]\d{6,14}$")


class SignerIn(BaseModel):
    name: str = Field(min_length=1, max_length=200)
    email: EmailStr
    phone: str | None = Field(default=None, description="E.164, for the SMS code")
    # Where the signer signs: page (from 1) and position in points, or a text anchor.
    page: int | None = Field(default=None, ge=1)
    x: int | None = Field(default=None, ge=0)
    y: int | None = Field(default=None, ge=0)
    anchor: str | None = Field(default=None, max_length=200)

    @field_validator("phone")
    @classmethod
    def _phone(cls, value: str | None) -> str | None:
        if value is None or value == "":
            return None
        compact = value.replace(" ", "").replace(".", "")
        if compact.startswith("0") and len(compact) == 10:
            compact = "+33" + compact[1:]  # a French number typed the French way
        if not E164.match(compact):
            raise ValueError("phone number expected in E.164 form, e.g. +33612345678")
        return compact


class RequestIn(BaseModel):
    kind: Literal["quote", "delivery_note"]
    reference: str = Field(min_length=1, max_length=120)
    company: str = Field(min_length=1, max_length=40)
    signers: list[SignerIn] = Field(min_length=1, max_length=20)
    level: Literal["level0", "level1", "level2", "level3", "level4"] = "level1"
    ordered: bool = False
    language: Literal["bg", "ca", "nl", "en", "fr", "de", "it", "pl", "pt", "ro", "es"] = "fr"
    expires_at: datetime | None = None
    file_name: str | None = Field(default=None, max_length=200)

    @field_validator("kind", mode="before")
    @classmethod
    def _kind(cls, value: object) -> object:
        return value.replace("-", "_") if isinstance(value, str) else value

    @model_validator(mode="after")
    def _distinct(self) -> RequestIn:
        emails = [s.email.lower() for s in self.signers]
        if len(set(emails)) != len(emails):
            raise ValueError("each signer must have their own e-mail address")
        return self


class Refused(Exception):
    def __init__(self, message: Tr, status: int = 422) -> None:
        super().__init__(message.en)
        self.message = message
        self.status = status


def receive(hub: Hub, data: RequestIn, content: bytes, actor: str
            ) -> tuple[SignatureRequest, bool]:
    """Keep the request and queue its sending; (request, created). The same reference handed
    over again while it is in progress gives the request already kept."""
    if hub.accounts.company(data.company) is None:
        raise Refused(Tr(f"Société « {data.company} » inconnue : créez-la d'abord.",
                         f"Unknown company '{data.company}': create it first."), 404)
    if not content.startswith(b"%PDF-"):
        raise Refused(Tr("Le document à signer doit être un PDF.",
                         "The document to sign must be a PDF."))
    if len(content) > MAX_PDF:
        raise Refused(Tr("PDF de plus de 25 Mo : Universign le refuserait.",
                         "PDF over 25 MB: Universign would refuse it."), 413)
    expires = data.expires_at
    if expires is not None:
        expires = expires if expires.tzinfo else expires.replace(tzinfo=UTC)
        now = datetime.now(UTC)
        if expires <= now + timedelta(minutes=5):
            raise Refused(Tr("La date d'expiration est passée ou trop proche.",
                             "The expiry date is past or too close."))
        if expires > now + MAX_LIFETIME:
            raise Refused(Tr("Une transaction Universign dure au plus 180 jours : choisissez "
                             "une date d'expiration plus proche.",
                             "A Universign transaction lasts 180 days at most: choose a closer "
                             "expiry date."))
    for previous in store.listing(hub, company=data.company, reference=data.reference,
                                  limit=20):
        if previous.kind != data.kind:
            continue
        if previous.state in (State.SIGNED.value, State.ARCHIVED.value):
            raise Refused(Tr(f"{data.reference} est déjà signé (demande {previous.id}).",
                             f"{data.reference} is already signed (request {previous.id})."),
                          409)
        if State(previous.state) not in FINAL:
            return previous, False
    kind_name = "Devis" if data.kind == "quote" else "Bon de livraison"
    request = SignatureRequest(
        uid=uuid.uuid4().hex, company_code=data.company, kind=data.kind,
        reference=data.reference, file_name=data.file_name or f"{kind_name} {data.reference}.pdf",
        content=content, signers=[s.model_dump(mode="json") for s in data.signers],
        level=data.level, ordered=data.ordered, language=data.language, expires_at=expires,
        state=State.RECEIVED.value, next_attempt_at=utcnow(), created_by=actor)
    with hub.db.session() as session:
        session.add(request)
        session.flush()
        request_id = request.id
        session.expunge(request)
    store.add_event(hub, request, actor, Tr("Reçue de l'ERP.", "Received from the ERP."))
    wake(hub, SEND_JOB, request_id=request_id)
    found = store.get(hub, request_id)
    assert found is not None
    return found, True


def _known(hub: Hub, request_id: int) -> SignatureRequest:
    request = store.get(hub, request_id)
    if request is None:
        raise Refused(Tr(f"Demande de signature {request_id} inconnue.",
                         f"Unknown signature request {request_id}."), 404)
    return request


def cancel(hub: Hub, request_id: int, actor: str) -> SignatureRequest:
    request = _known(hub, request_id)
    state = State(request.state)
    if state is State.SENDING:
        raise Refused(Tr("Envoi à Universign en cours : réessayez dans un instant.",
                         "Being sent to Universign: try again in a moment."), 409)
    if state not in CANCELLABLE:
        raise Refused(Tr(f"Une demande « {state.value} » ne peut plus être annulée.",
                         f"A '{state.value}' request can no longer be cancelled."), 409)
    if request.transaction_id and state in PENDING:
        try:
            with UniversignClient(hub) as client:
                client.cancel(request.transaction_id)
        except ServiceError as error:
            wake(hub, SYNC_JOB, request_id=request.id)  # it may have just completed
            raise Refused(Tr("Universign n'a pas annulé la transaction :",
                             "Universign did not cancel the transaction:")
                          + error.diagnosis.message, 409) from None
    if not store.move(hub, request, State.CANCELLED, actor,
                      Tr("Annulée à la demande de l'ERP.", "Cancelled at the ERP's request.")):
        raise Refused(Tr("La demande vient de changer d'état : relisez-la.",
                         "The request has just changed state: read it again."), 409)
    return _known(hub, request_id)


def remind(hub: Hub, request_id: int, actor: str) -> SignatureRequest:
    request = _known(hub, request_id)
    if State(request.state) not in PENDING or not request.transaction_id:
        raise Refused(Tr("Seule une demande en attente de signatures peut être relancée.",
                         "Only a request waiting for signatures can be reminded."), 409)
    try:
        with UniversignClient(hub) as client:
            client.remind(request.transaction_id)
    except ServiceError as error:
        raise Refused(Tr("Universign n'a pas envoyé la relance :",
                         "Universign did not send the reminder:")
                      + error.diagnosis.message, 502) from None
    waiting = [s["email"] for s in request.signers if s["email"] not in (request.signed_by or [])]
    store.add_event(hub, request, actor, Tr("Relance envoyée aux signataires.",
                                            "Reminder sent to the signers."),
                    {"waiting": waiting})
    store.note(hub, request.id, reminders=request.reminders + 1)
    return _known(hub, request_id)
