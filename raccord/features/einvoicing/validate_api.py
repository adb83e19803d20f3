"""REST API of the validator (mounted under /api/v1 with the e-invoicing routes).

    POST /einvoicing/validate[?profile=en16931|fr|chorus][&company=CODE]   multipart `file`

The answer is the verdict `raccord einvoice validate --json` prints for one file:
`{"file", "valid", "problems": [{"rule", "flag", "location", "message"}]}` (200 either way:
an invalid invoice is a verdict, not an error). Sending a valid file is
`POST /einvoicing/invoices/file`."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Request, UploadFile
from fastapi.responses import JSONResponse

from raccord.core.accounts import Account
from raccord.core.hub import Hub
from raccord.core.i18n import Tr, pick_language
from raccord.core.roles import Role
from raccord.features.einvoicing.api_models import VerdictOut
from raccord.features.einvoicing.validation import Profile
from raccord.features.einvoicing.verdict import judge
from raccord.toolkit.api import errors, get_hub, require_role

router = APIRouter(tags=["einvoicing"])  # included by api.py under /einvoicing
MAX_UPLOAD = 10 * 1024 * 1024


@router.post("/validate", response_model=VerdictOut, responses=errors(404, 413))
async def validate_file(file: UploadFile, request: Request, profile: Profile = Profile.CHORUS,
                        company: str | None = None, hub: Hub = Depends(get_hub),
                        _: Account = Depends(require_role(Role.READER))) -> Any:
    """Judge a Factur-X PDF, UBL/CII XML or structured JSON with the official rules."""
    lang = pick_language(request.headers.get("accept-language"))
    content = await file.read(MAX_UPLOAD + 1)
    if len(content) > MAX_UPLOAD:
        message = Tr("Fichier de plus de 10 Mo.", "File over 10 MB.")
        return JSONResponse({"error": message(lang), "error_fr": message.fr,
                             "error_en": message.en}, status_code=413)
    siret = None
    if company:
        known = hub.accounts.company(company)
        if known is None:
            message = Tr(f"Société « {company} » inconnue.", f"Unknown company '{company}'.")
            return JSONResponse({"error": message(lang), "error_fr": message.fr,
                                 "error_en": message.en}, status_code=404)
        siret = known.siret
    return judge(content, file.filename or "file", profile, siret).as_json(lang)
