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
from raccord.features.sirene.enrich import LINE_STATUSES
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
W = {
    "title": Tr("SIRENE : copie locale et enrichissement", "SIRENE: local copy and enrichment"),
    "summary": Tr("Les numéros présents dans la copie locale de la base SIRENE sont remplis "
                  "sans appel à l'API ni quota ; les autres passent par l'API (30 appels par "
                  "minute).",
                  "Numbers in the local copy of the SIRENE base are filled with no API call "
                  "and no quota; the others go through the API (30 calls a minute)."),
    "local_copy": Tr("Copie locale", "Local copy"), "data_of": Tr("Données du", "Data of"),
    "units": (Tr("unité légale", "legal unit"), Tr("unités légales", "legal units")),
    "establishments": (Tr("établissement", "establishment"),
                       Tr("établissements", "establishments")),
    "mb": Tr("Mo", "MB"), "imported": Tr("Importée le", "Imported on"),
    "no_copy": Tr("Pas encore de copie locale.", "No local copy yet."),
    "import": Tr("Import", "Import"), "rows": (Tr("ligne", "row"), Tr("lignes", "rows")),
    "finished": Tr("terminé", "done"),
    "interrupted": Tr("interrompu ou en cours : relancez la même commande pour reprendre",
                      "interrupted or running: run the same command again to resume"),
    "monthly": Tr("Chaque mois, téléchargez StockUniteLegale et StockEtablissement "
                  "(data.gouv.fr, « Base Sirene des entreprises et de leurs établissements ») "
                  "puis, sur le serveur :",
                  "Every month, download StockUniteLegale and StockEtablissement (data.gouv.fr,"
                  " 'Base Sirene des entreprises et de leurs établissements'), then on the "
                  "server:"),
    "api": Tr("API SIRENE", "SIRENE API"), "enabled": Tr("activée", "enabled"),
    "disabled": Tr("désactivée", "disabled"),
    "kept": (Tr("réponse conservée", "kept answer"), Tr("réponses conservées", "kept answers")),
    "settings": Tr("Réglages", "Settings"), "enrich_title": Tr("Enrichir un fichier",
                                                                "Enrich a file"),
    "file": Tr("Fichier CSV de SIRET ou SIREN (une colonne siret/siren, ou un numéro par "
               "ligne)", "CSV file of SIRET or SIREN numbers (a siret/siren column, or one "
               "number a line)"),
    "fresh": Tr("Tout redemander à l'API", "Ask the API for everything"),
    "enrich": Tr("Enrichir", "Enrich"), "handed": Tr("Déposé", "Handed over"),
    "by": Tr("Par", "By"), "state": Tr("État", "State"),
    "lines": (Tr("ligne", "line"), Tr("lignes", "lines")), "lines_col": Tr("Lignes", "Lines"),
    "enrichment": Tr("Enrichissement", "Enrichment"), "left": Tr("reste environ", "about"),
    "left_after": Tr("", " left"), "status": Tr("Statut", "Status"),
    "download": Tr("Télécharger le fichier enrichi", "Download the enriched file"),
    "extra": Tr("Copie locale de la base SIRENE et enrichissement de fichiers →",
                "Local copy of the SIRENE base and file enrichment →"),
}


def _recent(request: Request) -> list[SireneEnrichment]:
    with hub_of(request).db.session() as session:
        return list(session.scalars(select(SireneEnrichment).order_by(
            SireneEnrichment.id.desc()).limit(20)))


def _page(request: Request, status_code: int = 200, error: Tr | None = None) -> Response:
    return render(request, "sirene_page.html", status_code, data=status_data(hub_of(request)),
                  enrichments=_recent(request), states=STATES, error=error, W=W)


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
    return render(request, "sirene_enrichment.html", item=found[0], states=STATES, W=W,
                  line_statuses=LINE_STATUSES)


@router.get("/sirene/enrichments/{enrichment_id}/result")
def enrichment_result(enrichment_id: RowId, request: Request,
                      account: Account = Depends(signed_in)) -> Response:
    found = enrichments.get(hub_of(request), enrichment_id)
    if found is None or found[1] is None:
        return RedirectResponse(f"/sirene/enrichments/{enrichment_id}", 303)
    return Response(found[1], media_type="text/csv; charset=utf-8", headers={
        "Content-Disposition": content_disposition(f"sirene-{enrichment_id}.csv")})
