"""REST API of the SIRENE lookups, for the ERP (mounted under /api/v1).

    GET  /sirene/lookup/{number}[?fresh=true]   the third-party fields of a SIRET or SIREN
    POST /sirene/enrichments[?fresh=true]       a CSV (text/csv body or multipart `file`): 202
    GET  /sirene/enrichments/{id}               progress, counts, time left
    GET  /sirene/enrichments/{id}/result        the filled CSV
    GET  /sirene/status                         the local copy, the API, kept answers

Errors carry `reason` (invalid, unknown, disabled, auth, …) and the message in both languages.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import JSONResponse, Response
from starlette.datastructures import UploadFile as FormFile

from raccord.core.accounts import Account
from raccord.core.diagnosis import Problem, ServiceError
from raccord.core.httpsafe import RowId, content_disposition
from raccord.core.hub import Hub
from raccord.core.i18n import Tr, pick_language
from raccord.core.identifiers import IdentifierError
from raccord.core.roles import Role
from raccord.features.sirene import enrichments
from raccord.features.sirene.api_models import (
    EnrichmentCreated,
    EnrichmentOut,
    FilledOut,
    SireneStatus,
)
from raccord.features.sirene.lookup import UnknownNumber, lookup
from raccord.features.sirene.status import status_data
from raccord.toolkit.api import AUTH_ERRORS, errors, get_hub, require_role

router = APIRouter(prefix="/sirene", tags=["sirene"], responses=AUTH_ERRORS)
CSV_ANSWER: dict[int | str, dict[str, Any]] = {200: {
    "content": {"text/csv": {"schema": {"type": "string"}}}, "description": "The filled CSV"}}
reader = require_role(Role.READER)
writer = require_role(Role.ADMINISTRATOR)
# Service problems: the ERP's own fault (configuration) or the service's (try later).
SERVICE_STATUS = {Problem.DISABLED: 409, Problem.CONFIG: 409, Problem.AUTH: 502,
                  Problem.FORBIDDEN: 502, Problem.RATE_LIMIT: 503, Problem.SERVER: 503,
                  Problem.TIMEOUT: 504}


def _lang(request: Request) -> str:
    return pick_language(request.headers.get("accept-language"))


def refused(request: Request, message: Tr, status: int, reason: str,
            link: str | None = None) -> JSONResponse:
    body: dict[str, Any] = {"reason": reason, "error": message(_lang(request)),
                            "error_fr": message.fr, "error_en": message.en}
    if link:
        body["link"] = link
    return JSONResponse(body, status_code=status)


def lookup_answer(request: Request, hub: Hub, number: str, fresh: bool) -> Any:
    """A lookup as JSON, or its refusal (shared with the console's as-you-type filling)."""
    try:
        filled = lookup(hub, number, fresh=fresh)
    except IdentifierError as error:
        return refused(request, error.message, 422, "invalid")
    except UnknownNumber as error:
        return refused(request, error.message, 404, "unknown")
    except ServiceError as error:
        diagnosis = error.diagnosis
        return refused(request, diagnosis.message, SERVICE_STATUS.get(diagnosis.problem, 502),
                       diagnosis.problem.value, diagnosis.link)
    return filled.as_dict(_lang(request))


@router.get("/lookup/{number}", response_model=FilledOut,
            responses=errors(404, 409, 502, 503, 504))
def lookup_number(number: str, request: Request, fresh: bool = False,
                  hub: Hub = Depends(get_hub), _: Account = Depends(reader)) -> Any:
    """What SIRENE knows of a SIRET (14 digits) or SIREN (9 digits, filled from the head
    office): 422 for a wrong number (no call made), 404 for a number INSEE does not know."""
    return lookup_answer(request, hub, number, fresh)


CSV_BODY = {"requestBody": {"required": True, "content": {
    "text/csv": {"schema": {"type": "string"}},
    "multipart/form-data": {"schema": {"type": "object", "required": ["file"], "properties": {
        "file": {"type": "string", "format": "binary"}}}}}}}


@router.post("/enrichments", status_code=202, openapi_extra=CSV_BODY,
             response_model=EnrichmentCreated, responses=errors(413))
async def create_enrichment(request: Request, fresh: bool = False,
                            hub: Hub = Depends(get_hub),
                            account: Account = Depends(writer)) -> Any:
    """Hand over a CSV of numbers (one per line, or a column named siret/siren); it is
    filled in the background. Follow it at `status_url`, read it at `result_url`."""
    if request.headers.get("content-type", "").startswith("multipart/form-data"):
        form = await request.form()
        upload = form.get("file")
        content = await upload.read() if isinstance(upload, FormFile) else b""
    else:
        content = await request.body()
    try:
        enrichment_id = enrichments.create(hub, content, account.login, fresh, _lang(request))
    except enrichments.EnrichmentRefused as error:
        return refused(request, error.message, error.status, "invalid")
    found = enrichments.get(hub, enrichment_id)
    assert found is not None
    return JSONResponse({**found[0].as_dict(),
                         "status_url": f"/api/v1/sirene/enrichments/{enrichment_id}",
                         "result_url": f"/api/v1/sirene/enrichments/{enrichment_id}/result"},
                        status_code=202)


def _unknown_enrichment(request: Request, enrichment_id: RowId) -> JSONResponse:
    return refused(request, Tr(f"Enrichissement {enrichment_id} inconnu.",
                               f"Unknown enrichment {enrichment_id}."), 404, "unknown")


@router.get("/enrichments/{enrichment_id}", response_model=EnrichmentOut,
            responses=errors(404))
def enrichment_status(enrichment_id: RowId, request: Request, hub: Hub = Depends(get_hub),
                      _: Account = Depends(reader)) -> Any:
    found = enrichments.get(hub, enrichment_id)
    if found is None:
        return _unknown_enrichment(request, enrichment_id)
    return found[0].as_dict()


@router.get("/enrichments/{enrichment_id}/result", response_class=Response,
            responses={**CSV_ANSWER, **errors(404, 409)})
def enrichment_result(enrichment_id: RowId, request: Request, hub: Hub = Depends(get_hub),
                      _: Account = Depends(reader)) -> Any:
    found = enrichments.get(hub, enrichment_id)
    if found is None:
        return _unknown_enrichment(request, enrichment_id)
    status, output = found
    if output is None:
        return refused(request, Tr(
            f"Enrichissement en cours ({status.done}/{status.total}) : réessayez dans "
            f"{max(1, round(status.eta_s))} s.",
            f"Enrichment under way ({status.done}/{status.total}): try again in "
            f"{max(1, round(status.eta_s))} s."), 409, "running")
    return Response(output, media_type="text/csv; charset=utf-8", headers={
        "Content-Disposition": content_disposition(f"sirene-{enrichment_id}.csv")})


@router.get("/status", response_model=SireneStatus)
def status(hub: Hub = Depends(get_hub), _: Account = Depends(reader)) -> dict[str, Any]:
    return status_data(hub)
