"""Tables of the SIRENE feature in the main database: answers kept for a while (so that a
number asked again costs no call), and bulk enrichments handed over through the API.
The local copy of the SIRENE base lives elsewhere (see `localcopy.py`)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Boolean, DateTime, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from raccord.core.models import Base, utcnow


class SireneAnswer(Base):
    __tablename__ = "sirene_answers"
    # "siret:<14 digits>" or "siren:<9 digits>" (the head office's establishment).
    key: Mapped[str] = mapped_column(String(24), primary_key=True)
    # The API's `etablissement` object; None when INSEE does not know the number.
    answer: Mapped[dict[str, Any] | None] = mapped_column(JSON, nullable=True)
    fetched_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow,
                                                 index=True)


class SireneEnrichment(Base):
    __tablename__ = "sirene_enrichments"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    created_by: Mapped[str] = mapped_column(String(120))
    finished_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    # queued, running, done, failed
    state: Mapped[str] = mapped_column(String(20), default="queued", index=True)
    lang: Mapped[str] = mapped_column(String(2), default="fr")
    fresh: Mapped[bool] = mapped_column(Boolean, default=False)
    total: Mapped[int] = mapped_column(Integer, default=0)
    done: Mapped[int] = mapped_column(Integer, default=0)
    api_calls_left: Mapped[int] = mapped_column(Integer, default=0)
    counts: Mapped[dict[str, int] | None] = mapped_column(JSON, nullable=True)
    input_csv: Mapped[str] = mapped_column(Text)
    output_csv: Mapped[str | None] = mapped_column(Text, nullable=True)
    error: Mapped[str | None] = mapped_column(Text, nullable=True)
