"""Public buyers as CHORUS PRO describes them (service code, engagement number), looked up with
the AIFE sequence (rechercher → consulter → rechercher/services → consulter/service) and kept a
day: their rules change rarely and every invoice to them needs them."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

from sqlalchemy.exc import IntegrityError

from raccord.core.models import aware
from raccord.features.einvoicing.models import BuyerStructure

if TYPE_CHECKING:
    from raccord.core.hub import Hub
    from raccord.interfaces.chorus.client import ChorusClient

STRUCTURE_TTL = timedelta(hours=24)
# Reserved for invoicing between public entities: a supplier's invoice there is rejected.
PUBLIC_ENTITIES_SERVICE = "FACTURES_PUBLIQUES"


@dataclass
class Buyer:
    siret: str
    found: bool
    name: str = ""
    structure_id: int | None = None
    service_required: bool = False
    engagement_required: bool = False
    service_or_engagement: bool = False
    services: list[dict[str, Any]] = field(default_factory=list)

    def service(self, code: str) -> dict[str, Any] | None:
        return next((s for s in self.services if s.get("code") == code), None)


def cached(hub: Hub, siret: str) -> Buyer | None:
    with hub.db.session() as session:
        row = session.get(BuyerStructure, siret)
        if row is None or aware(row.fetched_at) < datetime.now(UTC) - STRUCTURE_TTL:
            return None
        return Buyer(row.siret, row.found, row.name, row.structure_id, row.service_required,
                     row.engagement_required, row.service_or_engagement, list(row.services))


def _store(hub: Hub, buyer: Buyer) -> None:
    try:
        with hub.db.session() as session:
            row = session.get(BuyerStructure, buyer.siret) or BuyerStructure(siret=buyer.siret)
            row.found, row.name, row.structure_id = buyer.found, buyer.name, buyer.structure_id
            row.service_required = buyer.service_required
            row.engagement_required = buyer.engagement_required
            row.service_or_engagement = buyer.service_or_engagement
            row.services = buyer.services
            row.fetched_at = datetime.now(UTC)
            session.add(row)
    except IntegrityError:
        pass  # another worker stored the same structure at the same moment


def lookup(hub: Hub, client: ChorusClient, siret: str) -> Buyer:
    """The buyer's rules, from the cache or the portal (ServiceError when it cannot say)."""
    known = cached(hub, siret)
    if known is not None:
        return known
    found = client.find_structure(siret)
    if found is None or found.id is None:
        buyer = Buyer(siret, False)
    else:
        rules = client.structure_rules(found.id)
        services = [{"id": s.id, "code": s.code, "name": s.name, "active": s.active,
                     "engagement_required": None}
                    for s in client.structure_services(found.id)]
        buyer = Buyer(siret, True, found.name, found.id, rules.service_required,
                      rules.engagement_required, rules.service_or_engagement, services)
    _store(hub, buyer)
    return buyer


def service_needs_engagement(hub: Hub, client: ChorusClient, buyer: Buyer, code: str) -> bool:
    """Whether the chosen service asks for an engagement number (consulted once, cached)."""
    service = buyer.service(code)
    if service is None or buyer.structure_id is None or service.get("id") is None:
        return False
    if service.get("engagement_required") is None:
        service["engagement_required"] = client.service_needs_engagement(
            buyer.structure_id, int(service["id"]))
        _store(hub, buyer)
    return bool(service["engagement_required"])
