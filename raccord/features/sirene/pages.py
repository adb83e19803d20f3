"""Console page of the SIRENE feature: the local copy (date, counts, an import under way),
the API's state, and bulk enrichment (upload a CSV, follow it, download the result)."""

from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter, Depends, File, Request, UploadFile
from fastapi.responses import RedirectResponse, Response
from sqlalchemy import select

from raccord.core.accounts import Account
from raccord.core.httpsafe import RowId, content_disposition
from raccord.core.i18n import Tr
from raccord.features.sirene import enrichments
from raccord.features.sirene.models import SireneEnrichment
from raccord.features.sirene.status import status_data
from raccord.toolkit.pages import (
    add_template_folder,
    check_csrf,
    hub_of,
    language,
    may_change,
    render,
    signed_in,
)

add_template_folder(Path(__file__).parent / "templates")
router = APIRouter(include_in_schema=False)
STATES = {"queued": Tr("en attente", "queued"), "running": Tr("en cours", "running"),
          "done": Tr("terminé", "done"), "failed": Tr("arrêté", "stopped")}


def _recent(request: Request) -> list[SireneEnrichment]:
    with hub_of(request).db.session() as session:
        return list(session.scalars(select(SireneEnrichment).order_by(
            SireneEnrichment.id.desc()).limit(20)))


def _page(request: Request, status_code: int = 200, error: Tr | None = None) -> Response:
    return render(request, "sirene_page.html", status_code, data=status_data(hub_of(request)),
                  enrichments=_recent(request), states=STATES, error=error)


@router.get("/sirene")
def sirene_page(request: Request, account: Account = Depends(signed_in)) -> Response:
    return _page(request)


@router.post("/sirene/enrichments", dependencies=[Depends(check_csrf)])
async def upload(request: Request, file: UploadFile = File(...), fresh: str = "",
                 account: Account = Depends(may_change)) -> Response:
    content = await file.read(enrichments.MAX_BYTES + 1)
    try:
        enrichment_id = enrichments.create(hub_of(request), content, account.login,
                                           bool(fresh), language(request))
    except enrichments.EnrichmentRefused as error:
        return _page(request, 400, error.message)
    return RedirectResponse(f"/sirene/enrichments/{enrichment_id}", 303)


@router.get("/sirene/enrichments/{enrichment_id}")
def enrichment_page(enrichment_id: RowId, request: Request,
                    account: Account = Depends(signed_in)) -> Response:
    found = enrichments.get(hub_of(request), enrichment_id)
    if found is None:
        return render(request, "message.html", 404, message=Tr(
            f"Enrichissement {enrichment_id} inconnu.", f"Unknown enrichment {enrichment_id}."))
    return render(request, "sirene_enrichment.html", item=found[0], states=STATES)


@router.get("/sirene/enrichments/{enrichment_id}/result")
def enrichment_result(enrichment_id: RowId, request: Request,
                      account: Account = Depends(signed_in)) -> Response:
    found = enrichments.get(hub_of(request), enrichment_id)
    if found is None or found[1] is None:
        return RedirectResponse(f"/sirene/enrichments/{enrichment_id}", 303)
    return Response(found[1], media_type="text/csv; charset=utf-8", headers={
        "Content-Disposition": content_disposition(f"sirene-{enrichment_id}.csv")})
