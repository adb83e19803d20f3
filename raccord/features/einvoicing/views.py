"""What the CLI, the REST API and the console show of transmissions and quotas."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import func, select

from raccord.core import formats
from raccord.core.i18n import Tr
from raccord.features.einvoicing import store
from raccord.features.einvoicing.models import EInvoice
from raccord.features.einvoicing.states import State, label, portal_label
from raccord.features.einvoicing.store import QUOTA_KIND
from raccord.interfaces.chorus.settings import QUOTAS, space_label, space_of

if TYPE_CHECKING:
    from raccord.core.hub import Hub


def _iso(moment: datetime | None) -> str | None:
    if moment is None:
        return None
    return (moment if moment.tzinfo else moment.replace(tzinfo=UTC)).isoformat()


def summary(invoice: EInvoice, lang: str = "fr") -> dict[str, Any]:
    waiting = invoice.waiting_reason or {}
    return {"id": invoice.id, "company": invoice.company_code, "number": invoice.number,
            "state": invoice.state, "state_label": label(invoice.state)(lang),
            "portal_status": invoice.portal_status,
            "portal_status_label": portal_label(invoice.portal_status)(lang) or None,
            "flow_number": invoice.flow_number, "portal_id": invoice.portal_id,
            "buyer_siret": invoice.buyer_siret, "buyer_name": invoice.buyer_name,
            "total_due": invoice.total_due, "currency": invoice.currency,
            "format": invoice.format, "attempts": invoice.attempts,
            "waiting": waiting.get(lang) if waiting else None,
            "next_attempt_at": _iso(invoice.next_attempt_at),
            "created_at": _iso(invoice.created_at), "updated_at": _iso(invoice.updated_at)}


def detail(hub: Hub, invoice: EInvoice, lang: str = "fr") -> dict[str, Any]:
    history = [{"at": _iso(e.at), "actor": e.actor, "from": e.from_state, "to": e.to_state,
                "to_label": label(e.to_state)(lang) if e.to_state else "",
                "portal_status": e.portal_status,
                "portal_status_label": portal_label(e.portal_status)(lang) or None,
                "message": (e.message or {}).get(lang), "details": e.details}
               for e in store.events(hub, invoice.id)]
    return {**summary(invoice, lang), "file_name": invoice.file_name,
            "syntax": invoice.syntax, "errors": invoice.errors, "history": history,
            "data": invoice.data}


def listing(hub: Hub, *, company: str | None = None, state: str | None = None,
            since: datetime | None = None, until: datetime | None = None,
            limit: int = 100) -> list[EInvoice]:
    query = select(EInvoice).order_by(EInvoice.id.desc()).limit(limit)
    if company:
        query = query.where(EInvoice.company_code == company)
    if state:
        query = query.where(EInvoice.state == state)
    if since is not None:
        query = query.where(EInvoice.created_at >= since)
    if until is not None:
        query = query.where(EInvoice.created_at < until)
    with hub.db.session() as session:
        return list(session.scalars(query))


def counts_by_state(hub: Hub, company: str | None = None) -> dict[str, int]:
    query = select(EInvoice.state, func.count()).group_by(EInvoice.state)
    if company:
        query = query.where(EInvoice.company_code == company)
    with hub.db.session() as session:
        return {state: int(n) for state, n in session.execute(query)}


def lookup(hub: Hub, ref: str, company: str | None = None) -> EInvoice | None:
    """An invoice by its id, or by its number (within `company` when given)."""
    if ref.isdigit():
        found = store.get(hub, int(ref))
        if found is not None:
            return found
    query = select(EInvoice).where(EInvoice.number == ref)
    if company:
        query = query.where(EInvoice.company_code == company)
    with hub.db.session() as session:
        rows = list(session.scalars(query.limit(2)))
    return rows[0] if len(rows) == 1 else None


@dataclass(frozen=True)
class Quota:
    space: str
    rate: int
    rate_limit: int
    used_day: int
    limit_day: int
    used_second: int
    paused_until: datetime | None
    space_name: Tr = Tr("production", "production")

    def as_dict(self, lang: str = "fr") -> dict[str, Any]:
        return {"space": self.space, "max_calls_per_second": self.rate,
                "space_calls_per_second": self.rate_limit, "calls_today": self.used_day,
                "calls_per_day": self.limit_day, "calls_last_second": self.used_second,
                "paused_until": _iso(self.paused_until), "message": self.message()(lang)}

    def message(self) -> Tr:
        def said(lang: str) -> str:
            share = formats.percent(self.used_day / max(self.limit_day, 1), lang, 2)
            calls = formats.plural(self.used_day, Tr("appel", "call"), Tr("appels", "calls"),
                                   lang)
            limit, rate = formats.number(self.limit_day, lang), formats.number(self.rate, lang)
            if lang == "fr":
                return (f"Espace {self.space_name.fr} : {calls} aujourd'hui (depuis minuit, "
                        f"heure de Paris), quota {limit} ({share}) ; débit réglé à "
                        f"{rate}/s (quota {self.rate_limit}/s).")
            return (f"{self.space_name.en} space: {calls} today (since midnight, Paris time), "
                    f"quota {limit} ({share}); rate set to {rate}/s (quota "
                    f"{self.rate_limit}/s).")

        text = Tr(said("fr"), said("en"))
        if self.paused_until is not None:
            text = text + Tr(
                f"Transmission en pause, reprise automatique le "
                f"{formats.moment(self.paused_until, 'fr', True)}.",
                f"Transmission paused, resumes by itself on "
                f"{formats.moment(self.paused_until, 'en', True)}.")
        return text


def quota(hub: Hub) -> Quota:
    """Today's use of the portal's quotas, as the shared limiter counts them (the daily count
    starts from the call log in a process of its own), and the current second."""
    from raccord.interfaces.chorus.client import ceilings_for

    values = hub.values("chorus")
    space = space_of(str(values.get("url") or ""))
    per_second, per_day = QUOTAS[space]
    now = datetime.now(UTC)
    with hub.db.session() as session:
        waiting = session.execute(
            select(EInvoice.next_attempt_at, EInvoice.waiting_reason)
            .where(EInvoice.state == State.QUEUED.value, EInvoice.next_attempt_at > now)
            .order_by(EInvoice.next_attempt_at.desc()).limit(200)).all()
    pauses = [at if at.tzinfo else at.replace(tzinfo=UTC) for at, why in waiting
              if at is not None and why and why.get("kind") == QUOTA_KIND]
    rate_ceiling, day_ceiling = ceilings_for(values, hub)
    second, _ = hub.limiter.usage("chorus", rate_ceiling)
    used, _ = hub.limiter.usage("chorus", day_ceiling)
    return Quota(space, int(values.get("max_calls_per_second") or 0), per_second, used,
                 per_day, second, max(pauses) if pauses else None,
                 space_label(str(values.get("url") or "")))
