"""SIRENE answers kept in the main database for a time-to-live (the `cache_ttl_h` setting),
shared by every worker. An unknown number is kept one hour at most: a company registered
this morning must be found this afternoon."""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from sqlalchemy import delete, func, select
from sqlalchemy.exc import IntegrityError

from raccord.core.models import aware, utcnow
from raccord.features.sirene.models import SireneAnswer
from raccord.interfaces.sirene.mapping import Filled

if TYPE_CHECKING:
    from raccord.core.hub import Hub

UNKNOWN_TTL = timedelta(hours=1)
PURGE_EVERY_S = 3600.0
_last_purge = 0.0


@dataclass(frozen=True)
class Cached:
    answer: Filled | None  # None: INSEE said it does not know the number
    fetched_at: datetime


class AnswerCache:
    def __init__(self, hub: Hub) -> None:
        self.hub = hub
        hours = hub.values("sirene").get("cache_ttl_h")
        self.ttl = timedelta(hours=168 if hours is None else int(hours))

    def get(self, key: str) -> Cached | None:
        if self.ttl <= timedelta(0):
            return None
        with self.hub.db.session() as session:
            row = session.get(SireneAnswer, key)
            if row is None:
                return None
            age = utcnow() - aware(row.fetched_at)
            ttl = self.ttl if row.answer is not None else min(self.ttl, UNKNOWN_TTL)
            if age >= ttl:
                return None
            try:
                answer = None if row.answer is None else Filled.from_record(row.answer)
            except ValueError:
                return None  # kept by an older version: asked again
            return Cached(answer, row.fetched_at)

    def put(self, key: str, filled: Filled | None) -> None:
        if self.ttl <= timedelta(0):
            return
        answer = None if filled is None else filled.to_record()
        self._purge_now_and_then()
        for _ in range(2):  # another worker may insert the same key between get and add
            try:
                with self.hub.db.session() as session:
                    row = session.get(SireneAnswer, key)
                    if row is None:
                        session.add(SireneAnswer(key=key, answer=answer, fetched_at=utcnow()))
                    else:
                        row.answer, row.fetched_at = answer, utcnow()
                return
            except IntegrityError:
                continue

    def _purge_now_and_then(self) -> None:
        """Expired answers go at most once an hour per process, on a write."""
        global _last_purge
        now = time.monotonic()
        if now - _last_purge >= PURGE_EVERY_S:
            _last_purge = now
            self.purge()

    def count(self) -> int:
        with self.hub.db.session() as session:
            return int(session.scalar(select(func.count()).select_from(SireneAnswer)) or 0)

    def purge(self) -> int:
        """Forget answers older than the time-to-live; returns how many went."""
        limit = utcnow() - max(self.ttl, UNKNOWN_TTL)
        with self.hub.db.session() as session:
            result = session.execute(delete(SireneAnswer).where(
                SireneAnswer.fetched_at < limit))
            return int(getattr(result, "rowcount", 0) or 0)
