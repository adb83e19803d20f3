"""Background work of the SIRENE feature."""

from __future__ import annotations

from typing import TYPE_CHECKING

from raccord.core.i18n import Tr
from raccord.core.jobs import job
from raccord.core.words import count_words, task_words
from raccord.features.sirene import enrichments
from raccord.features.sirene.enrich import ERROR, INVALID, OK, UNKNOWN

if TYPE_CHECKING:
    from raccord.core.hub import Hub

task_words({enrichments.JOB: Tr("Complément d'un fichier de SIRET", "SIRET file enrichment")})
count_words({OK: Tr("lignes remplies", "lines filled in"),
             UNKNOWN: Tr("inconnues", "unknown"),
             INVALID: Tr("invalides", "invalid"),
             ERROR: Tr("erreurs du service", "service errors")})


@job(enrichments.JOB)
def enrich_job(hub: Hub, enrichment_id: int) -> dict[str, int] | None:
    """Fill in a CSV handed over through the API (`POST /api/v1/sirene/enrichments`)."""
    return enrichments.run(hub, enrichment_id)
