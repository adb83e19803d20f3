"""Bulk enrichments handed over through the REST API: the CSV is kept in the database, a job
fills it in (at the API's pace for the numbers the local copy lacks), the result is read back
when done. Progress and the time left are on the record while it runs."""

from __future__ import annotations

import codecs
import io
import time
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from raccord.core.i18n import Tr
from raccord.core.models import utcnow
from raccord.features.sirene.enrich import (
    EnrichProgress,
    EnrichStopped,
    UnreadableCsv,
    enrich,
    survey,
)
from raccord.features.sirene.models import SireneEnrichment

if TYPE_CHECKING:
    from raccord.core.hub import Hub

JOB = "sirene.enrich"
MAX_BYTES = 20 * 1024 * 1024


class EnrichmentRefused(Exception):
    def __init__(self, message: Tr, status: int = 422) -> None:
        super().__init__(message.en)
        self.message = message
        self.status = status


def decode(content: bytes) -> str:
    """UTF-8 (with or without BOM), else Windows-1252 (a CSV saved by Excel in French)."""
    try:
        return content.decode("utf-8-sig")
    except UnicodeDecodeError:
        return content.decode("cp1252", errors="replace")


def file_encoding(path: Path) -> str:
    """The encoding to read (and write back) a CSV file with: UTF-8 when every byte decodes,
    else Windows-1252. Reads the file once, in chunks."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    try:
        with path.open("rb") as handle:
            while chunk := handle.read(1 << 20):
                decoder.decode(chunk)
            decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return "cp1252"
    return "utf-8-sig"


def create(hub: Hub, content: bytes, actor: str, fresh: bool = False, lang: str = "fr") -> int:
    """Keep the CSV and queue its enrichment; returns the enrichment's id."""
    if len(content) > MAX_BYTES:
        raise EnrichmentRefused(Tr(
            "Fichier de plus de 20 Mo : découpez-le, ou utilisez `raccord sirene enrich`.",
            "File over 20 MB: split it, or use `raccord sirene enrich`."), 413)
    text = decode(content)
    try:
        lines, calls = survey(hub, io.StringIO(text), fresh)
    except UnreadableCsv as error:
        raise EnrichmentRefused(error.message) from None
    if lines == 0:
        raise EnrichmentRefused(Tr("Le fichier ne contient aucun numéro.",
                                   "The file holds no number."))
    with hub.db.session() as session:
        row = SireneEnrichment(created_by=actor, lang=lang, fresh=fresh, total=lines,
                               api_calls_left=calls, input_csv=text)
        session.add(row)
        session.flush()
        enrichment_id = row.id
    hub.jobs.enqueue(JOB, enrichment_id=enrichment_id)
    return enrichment_id


def run(hub: Hub, enrichment_id: int) -> dict[str, int]:
    """The job: fill the kept CSV in, reporting progress on the record."""
    with hub.db.session() as session:
        row = session.get(SireneEnrichment, enrichment_id)
        if row is None or row.state in ("done", "failed"):
            return {}
        row.state = "running"
        text, fresh, lang, total = row.input_csv, row.fresh, row.lang, row.total
        calls = row.api_calls_left
    last = 0.0

    def report(state: EnrichProgress) -> None:
        nonlocal last
        if time.monotonic() - last < 1.0 and state.done < state.total:
            return
        last = time.monotonic()
        with hub.db.session() as session:
            found = session.get(SireneEnrichment, enrichment_id)
            if found is not None:
                found.done, found.api_calls_left = state.done, state.api_calls_left
                found.counts = dict(state.counts)

    out = io.StringIO()
    try:
        state = enrich(hub, io.StringIO(text), out, total=total, fresh=fresh, lang=lang,
                       api_calls=calls, progress=report)
    except EnrichStopped as stopped:
        _finish(hub, enrichment_id, "failed", out.getvalue(), stopped.progress,
                stopped.message(lang))
        raise
    _finish(hub, enrichment_id, "done", out.getvalue(), state, None)
    return dict(state.counts)


def _finish(hub: Hub, enrichment_id: int, state_name: str, output: str,
            state: EnrichProgress, error: str | None) -> None:
    with hub.db.session() as session:
        row = session.get(SireneEnrichment, enrichment_id)
        if row is None:
            return
        row.state, row.output_csv, row.error = state_name, output, error
        row.done, row.counts, row.finished_at = state.done, dict(state.counts), utcnow()
        row.api_calls_left = 0 if state_name == "done" else state.api_calls_left


@dataclass
class Enrichment:
    id: int
    state: str
    total: int
    done: int
    counts: dict[str, int]
    eta_s: float
    error: str | None
    created_at: str
    finished_at: str | None

    def as_dict(self) -> dict[str, Any]:
        return self.__dict__.copy()


def get(hub: Hub, enrichment_id: int) -> tuple[Enrichment, str | None] | None:
    """(status, output CSV when there is one) of an enrichment."""
    with hub.db.session() as session:
        row = session.get(SireneEnrichment, enrichment_id)
        if row is None:
            return None
        progress = EnrichProgress(row.done, row.total, api_calls_left=row.api_calls_left)
        status = Enrichment(row.id, row.state, row.total, row.done, dict(row.counts or {}),
                            round(progress.eta_s, 1) if row.state in ("queued", "running")
                            else 0.0, row.error, row.created_at.isoformat(),
                            row.finished_at.isoformat() if row.finished_at else None)
        return status, row.output_csv
