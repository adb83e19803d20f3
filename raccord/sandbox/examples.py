"""Ready examples for the sandbox's welcome page: invoices for the CHORUS PRO simulator (one
per case the portal knows), SIRETs the SIRENE simulator knows (a company, an individual, a
closed one, a non-diffusible one, the demo company itself), and each interface's sample.

Every example says what it leads to; `tests/browser/test_welcome.py` follows each one."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from raccord.core.i18n import Tr
from raccord.interfaces.demo import DEMO, QUALIFICATION_SUPPLIER

PLAIN_BUYER = "12345678200051"
EJ_BUYER = "12345678200036"
SERVICE_BUYER = "12345678200028"
SERVICE_AND_EJ_BUYER = "12345678200044"


@dataclass(frozen=True)
class InvoiceExample:
    key: str
    title: Tr
    outcome: Tr
    expected_state: str
    changes: dict[str, Any]


INVOICES = (
    InvoiceExample("valid", Tr("Facture valide à un acheteur public",
                               "Valid invoice to a public buyer"),
                   Tr("déposée puis intégrée par le portail en quelques secondes",
                      "deposited, then integrated by the portal within seconds"),
                   "integrated", {}),
    InvoiceExample("service", Tr("Acheteur exigeant un code service, code donné",
                                 "Buyer requiring a service code, code given"),
                   Tr("intégrée", "integrated"), "integrated",
                   {"buyer_siret": SERVICE_BUYER, "buyer_reference": "SERVICE_DEST_SERV_OBL"}),
    InvoiceExample("service_and_ej", Tr("Acheteur exigeant service et engagement, tous deux "
                                        "donnés",
                                        "Buyer requiring service and engagement, both given"),
                   Tr("intégrée", "integrated"), "integrated",
                   {"buyer_siret": SERVICE_AND_EJ_BUYER, "buyer_reference": "SERV_ET_EJ",
                    "purchase_order": "EJ-2026-0042"}),
    InvoiceExample("invalid", Tr("Facture invalide (prix négatif, n° de TVA du vendeur absent)",
                                 "Invalid invoice (negative price, seller's VAT number "
                                 "missing)"),
                   Tr("refusée par raccord avant tout envoi, chaque erreur nommée",
                      "refused by raccord before anything is sent, each error named"),
                   "invalid", {"lines": [{"id": "1", "name": "Conseil", "quantity": "3",
                                          "net_price": "-450.00", "vat_rate": "20"}],
                               "seller_vat": ""}),
    InvoiceExample("missing_ej", Tr("Acheteur exigeant un numéro d'engagement, absent",
                                    "Buyer requiring an engagement number, missing"),
                   Tr("invalide : raccord a lu les exigences de l'acheteur sur le portail",
                      "invalid: raccord read the buyer's requirements from the portal"),
                   "invalid", {"buyer_siret": EJ_BUYER}),
    InvoiceExample("missing_service", Tr("Acheteur exigeant un code service, absent",
                                         "Buyer requiring a service code, missing"),
                   Tr("invalide, avant tout dépôt", "invalid, before any deposit"), "invalid",
                   {"buyer_siret": SERVICE_BUYER}),
    InvoiceExample("reserved_service", Tr("Service réservé aux factures entre entités publiques",
                                          "Service kept for invoices between public bodies"),
                   Tr("invalide : ce service n'est pas pour une entreprise",
                      "invalid: this service is not for a company"),
                   "invalid", {"buyer_reference": "FACTURES_PUBLIQUES"}),
    InvoiceExample("closed_service", Tr("Service fermé de l'acheteur", "Buyer's closed service"),
                   Tr("invalide, les services actifs de l'acheteur nommés",
                      "invalid, the buyer's active services named"),
                   "invalid", {"buyer_reference": "ANCIEN"}),
    InvoiceExample("private_buyer", Tr("Acheteur privé (le fournisseur de qualification)",
                                       "Private buyer (the qualification supplier)"),
                   Tr("déposée, puis rejetée par le portail avec son message",
                      "deposited, then rejected by the portal with its message"),
                   "rejected", {"buyer_siret": QUALIFICATION_SUPPLIER.siret}),
)


def invoice_data(example: InvoiceExample, number: str) -> dict[str, Any]:
    """The invoice's structured data (EN 16931, as the ERP sends it to the API)."""
    changes = dict(example.changes)
    buyer = changes.pop("buyer_siret", PLAIN_BUYER)
    vat = changes.pop("seller_vat", DEMO.vat_id)
    data: dict[str, Any] = {
        "number": number, "issue_date": "2026-11-20", "due_date": "2026-12-20",
        "seller": {"name": DEMO.name, "siret": DEMO.siret, "vat_id": vat,
                   "address": {"line1": "1 rue de la Paix", "postcode": DEMO.postcode,
                               "city": "Paris"}},
        "buyer": {"name": "Destinataire public", "siret": buyer,
                  "address": {"line1": "2 avenue du Général", "postcode": "69001",
                              "city": "Lyon"}},
        "lines": [{"id": "1", "name": "Conseil", "quantity": "2", "net_price": "600.00",
                   "vat_rate": "20"}],
        "payment": {"means_code": "30", "iban": "FR7630006000011234567890189",
                    "terms": "30 jours fin de mois"},
    }
    data.update(changes)
    return data
