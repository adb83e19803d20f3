"""Console pages of electronic signature: the requests with their state and signers, one
request with its history and its signed document (cancel, remind), and the follow-up block of
the Universign settings screen."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse, Response

from raccord.core.accounts import Account
from raccord.core.httpsafe import RowId
from raccord.core.i18n import Tr
from raccord.features.signatures import intake, store, views
from raccord.features.signatures.screen import followup_summary
from raccord.features.signatures.states import LABELS, PENDING, State
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

if TYPE_CHECKING:
    from raccord.core.hub import Hub

add_template_folder(Path(__file__).parent / "templates")
TEMPLATES.env.globals["signature_followup"] = followup_summary
router = APIRouter(include_in_schema=False)
L = {
    "title": Tr("Demandes de signature", "Signature requests"),
    "company": Tr("Société", "Company"), "state": Tr("État", "Status"),
    "all": Tr("Tous", "All"), "filter": Tr("Filtrer", "Filter"),
    "reference": Tr("Référence", "Reference"), "kind": Tr("Document", "Document"),
    "signers": Tr("Signataires", "Signers"), "signer": Tr("Signataire", "Signer"),
    "email": Tr("Courriel", "E-mail"), "phone": Tr("Téléphone", "Phone"),
    "updated": Tr("Mis à jour", "Updated"),
    "none": Tr("Aucune demande de signature.", "No signature request."),
    "back": Tr("Toutes les demandes", "All requests"),
    "history": Tr("Historique", "History"), "at": Tr("Date", "Date"), "by": Tr("Par", "By"),
    "message": Tr("Message", "Message"),
    "download": Tr("Télécharger le document signé", "Download the signed document"),
    "attestation": Tr("Télécharger l'attestation", "Download the attestation"),
    "remind": Tr("Relancer les signataires", "Remind the signers"),
    "cancel": Tr("Annuler la demande", "Cancel the request"),
    "refused_by": Tr("Refusée par", "Refused by"),
    "has_signed": Tr("a signé", "signed"), "has_refused": Tr("a refusé", "refused"),
    "waiting": Tr("en attente", "waiting"),
}


@router.get("/signatures")
def listing(request: Request, company: str = "", state: str = "",
            account: Account = Depends(signed_in)) -> Response:
    hub = hub_of(request)
    lang = language(request)
    rows = [views.summary(r, lang) for r in store.listing(
        hub, company=company or None, state=state or None, limit=500)]
    return render(request, "signatures_list.html", rows=rows, L=L, states=LABELS,
                  companies=hub.accounts.companies(), company=company, state=state)


def _detail(request: Request, request_id: RowId, status_code: int = 200, **context: object
            ) -> Response:
    hub = hub_of(request)
    found = store.get(hub, request_id)
    if found is None:
        return RedirectResponse("/signatures", status_code=303)
    return render(request, "signatures_detail.html", status_code,
                  req=views.detail(hub, found, language(request)), L=L,
                  pending=State(found.state) in PENDING, **context)


@router.get("/signatures/{request_id}")
def detail(request_id: RowId, request: Request, account: Account = Depends(signed_in)
           ) -> Response:
    return _detail(request, request_id)


def _act(request: Request, request_id: RowId, account: Account,
         action: Callable[[Hub, int, str], object], done: Tr) -> Response:
    try:
        action(hub_of(request), request_id, account.login)
    except intake.Refused as refused:
        return _detail(request, request_id, 409, error=refused.message)
    return _detail(request, request_id, ok=done)


@router.post("/signatures/{request_id}/cancel", dependencies=[Depends(check_csrf)])
def cancel(request_id: RowId, request: Request, account: Account = Depends(may_change)
           ) -> Response:
    return _act(request, request_id, account, intake.cancel, Tr("Annulée.", "Cancelled."))


@router.post("/signatures/{request_id}/remind", dependencies=[Depends(check_csrf)])
def remind(request_id: RowId, request: Request, account: Account = Depends(may_change)
           ) -> Response:
    return _act(request, request_id, account, intake.remind,
                Tr("Relance envoyée.", "Reminder sent."))
