"""The buyer's structure rules for one invoice (portal lookup, cached)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from raccord.features.einvoicing import structures
from raccord.features.einvoicing.invoice import InvoiceData
from raccord.features.einvoicing.validation import Problem, check_recipient

if TYPE_CHECKING:
    from raccord.core.hub import Hub
    from raccord.interfaces.chorus.client import ChorusClient


def recipient_problems(hub: Hub, client: ChorusClient, data: InvoiceData) -> list[Problem]:
    """ServiceError when the portal cannot be asked (the caller decides when to ask again)."""
    buyer = structures.lookup(hub, client, data.buyer.siret)
    needs_ej = bool(data.buyer_reference) and buyer.found and \
        structures.service_needs_engagement(hub, client, buyer, data.buyer_reference)
    return check_recipient(data, buyer, needs_ej)
