"""Background work of the SIRENE feature."""

from __future__ import annotations

from typing import TYPE_CHECKING

from raccord.core.jobs import job
from raccord.features.sirene import enrichments

if TYPE_CHECKING:
    from raccord.core.hub import Hub


@job(enrichments.JOB)
def enrich_job(hub: Hub, enrichment_id: int) -> dict[str, int] | None:
    """Fill in a CSV handed over through the API (`POST /api/v1/sirene/enrichments`)."""
    return enrichments.run(hub, enrichment_id)
