"""Fixtures of the CHORUS PRO tests: a hub pointed at the sandbox with short delays, the
simulator, and sample invoices to the qualification space's buyers."""

from __future__ import annotations

from typing import Any

import pytest

from raccord.core.hub import Hub
from raccord.core.settings_store import SYSTEM
from raccord.features.einvoicing.invoice import InvoiceData
from raccord.interfaces.chorus.client import forget_tokens
from raccord.interfaces.chorus.simulator import ChorusSimulator
from raccord.sandbox.setup import Sandbox

BUYER_PLAIN = "12345678200051"
BUYER_EJ = "12345678200036"
BUYER_SERVICE = "12345678200028"
DEMO_SIRET = "90243187300014"


def sample(number: str = "F-2026-0001", buyer_siret: str = BUYER_PLAIN, **changes: Any
           ) -> InvoiceData:
    data: dict[str, Any] = {
        "number": number, "issue_date": "2026-11-20", "due_date": "2026-12-20",
        "seller": {"name": "Démo SARL", "siret": DEMO_SIRET, "vat_id": "FR23902431873",
                   "address": {"line1": "1 rue de la Paix", "postcode": "75002",
                               "city": "Paris"}},
        "buyer": {"name": "Destinataire public", "siret": buyer_siret,
                  "address": {"line1": "2 avenue du Général", "postcode": "69001",
                              "city": "Lyon"}},
        "lines": [{"id": "1", "name": "Conseil", "quantity": "3", "net_price": "450.00",
                   "vat_rate": "20"},
                  {"id": "2", "name": "Frais de déplacement", "quantity": "1",
                   "net_price": "33.33", "vat_rate": "10"}],
        "payment": {"means_code": "30", "iban": "FR7630006000011234567890189",
                    "terms": "30 jours fin de mois"},
    }
    data.update(changes)
    return InvoiceData.model_validate(data)


@pytest.fixture
def sim(sandbox: Sandbox) -> ChorusSimulator:
    found = sandbox.simulators["chorus"]
    assert isinstance(found, ChorusSimulator)
    return found


@pytest.fixture
def chorus_hub(sandboxed_hub: Hub, sim: ChorusSimulator) -> Hub:
    """Sandbox values, with the delays shortened so that a test takes seconds."""
    forget_tokens()
    sim.portal.processing_s = 0.05
    sandboxed_hub.settings.set_many("chorus", {
        "retry_delay_s": 0, "timeout_s": 1, "reconcile_after_s": 1, "max_attempts": 3},
        SYSTEM)
    return sandboxed_hub
