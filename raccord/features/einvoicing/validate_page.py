"""Console page of the validator: an accountant drops a file (Factur-X PDF, UBL or CII XML,
structured JSON), reads the official verdict, and, when it is valid, sends it to CHORUS PRO
for the company chosen."""

from __future__ import annotations

import base64
import binascii

from fastapi import APIRouter, Depends, File, Form, Request, UploadFile
from fastapi.responses import RedirectResponse, Response

from raccord.core.accounts import Account
from raccord.core.i18n import Tr
from raccord.features.einvoicing import intake
from raccord.features.einvoicing.validation import Profile
from raccord.features.einvoicing.verdict import judge
from raccord.toolkit.pages import check_csrf, hub_of, language, may_change, render, signed_in

router = APIRouter(include_in_schema=False)
MAX_UPLOAD = 10 * 1024 * 1024
L = {
    "title": Tr("Valider une facture électronique", "Validate an e-invoice"),
    "help": Tr("Factur-X (PDF), UBL ou CII (XML), ou données structurées (JSON) : la facture "
               "est jugée par les règles officielles (EN 16931, règles françaises BR-FR) et "
               "celles de CHORUS PRO.",
               "Factur-X (PDF), UBL or CII (XML), or structured data (JSON): the invoice is "
               "judged by the official rules (EN 16931, French BR-FR rules) and CHORUS PRO's."),
    "file": Tr("Fichier", "File"), "profile": Tr("Règles", "Rules"),
    "company": Tr("Société", "Company"), "check": Tr("Valider", "Validate"),
    "valid": Tr("Valide", "Valid"), "invalid": Tr("Invalide", "Invalid"),
    "rule": Tr("Règle", "Rule"), "flag": Tr("Gravité", "Severity"),
    "location": Tr("Emplacement", "Location"), "message": Tr("Message", "Message"),
    "send": Tr("Envoyer à CHORUS PRO", "Send to CHORUS PRO"),
    "none": Tr("Aucun problème.", "No problem."),
}
PROFILES = {Profile.CHORUS: Tr("CHORUS PRO (toutes)", "CHORUS PRO (all)"),
            Profile.FR: Tr("EN 16931 et règles françaises", "EN 16931 and French rules"),
            Profile.EN16931: Tr("EN 16931 seulement", "EN 16931 only")}


def _page(request: Request, status_code: int = 200, **context: object) -> Response:
    hub = hub_of(request)
    return render(request, "einvoice_validate.html", status_code, L=L, profiles=PROFILES,
                  companies=hub.accounts.companies(), **context)


@router.get("/einvoice/validate")
def page(request: Request, account: Account = Depends(signed_in)) -> Response:
    return _page(request, profile=Profile.CHORUS.value)


@router.post("/einvoice/validate", dependencies=[Depends(check_csrf)])
async def validate(request: Request, file: UploadFile = File(...),
                   profile: Profile = Form(Profile.CHORUS), company: str = Form(""),
                   account: Account = Depends(signed_in)) -> Response:
    content = await file.read(MAX_UPLOAD + 1)
    if len(content) > MAX_UPLOAD:
        return _page(request, 413, error=Tr("Fichier de plus de 10 Mo.", "File over 10 MB."),
                     profile=profile.value)
    known = hub_of(request).accounts.company(company) if company else None
    verdict = judge(content, file.filename or "file", profile,
                    known.siret if known is not None else None)
    return _page(request, verdict=verdict.as_json(language(request)), profile=profile.value,
                 company=company, may_send=verdict.valid and profile is Profile.CHORUS,
                 content=base64.b64encode(content).decode(), file_name=file.filename or "")


@router.post("/einvoice/send", dependencies=[Depends(check_csrf)])
def send(request: Request, content: str = Form(...), file_name: str = Form(""),
         company: str = Form(...), account: Account = Depends(may_change)) -> Response:
    try:
        raw = base64.b64decode(content, validate=True)
    except (binascii.Error, ValueError):
        return _page(request, 422, error=Tr("Fichier illisible : déposez-le à nouveau.",
                                            "Unreadable file: drop it again."))
    hub = hub_of(request)
    try:
        if raw.lstrip()[:1] == b"{":
            from raccord.features.einvoicing.invoice import InvoiceData

            receipt = intake.receive(hub, company, account.login,
                                     data=InvoiceData.model_validate_json(raw))
        else:
            receipt = intake.receive(hub, company, account.login, content=raw,
                                     file_name=file_name)
    except intake.IntakeRefused as refused:
        return _page(request, refused.status, error=refused.message)
    except ValueError:
        return _page(request, 422, error=Tr("JSON de facture invalide.",
                                            "Invalid invoice JSON."))
    return RedirectResponse(f"/transmissions/{receipt.id}", status_code=303)
