"""What the expense pages' machine words read as, in both languages: the expense categories,
the fields of the change history and its values (amounts, dates and states written the
reader's way)."""

from __future__ import annotations

import re
from datetime import date

from raccord.core.formats import day, money, number
from raccord.core.i18n import Tr
from raccord.features.expenses.mileage import VEHICLE_LABELS
from raccord.features.expenses.models import STATE_LABELS, ReportState

CATEGORY_LABELS: dict[str, Tr] = {
    "food": Tr("Repas", "Food"), "gasoline": Tr("Carburant", "Fuel"),
    "parking": Tr("Stationnement", "Parking"), "toll": Tr("Péage", "Toll"),
    "accommodation": Tr("Hébergement", "Accommodation"),
    "transport": Tr("Transport", "Transport"), "telecom": Tr("Télécommunications", "Telecom"),
    "software": Tr("Logiciels", "Software"), "shopping": Tr("Achats", "Shopping"),
    "energy": Tr("Énergie", "Energy"), "miscellaneous": Tr("Divers", "Miscellaneous"),
    "mileage": Tr("Indemnités kilométriques", "Mileage"),
}

FIELD_LABELS: dict[str, Tr] = {
    "state": Tr("état", "state"), "refusal_reason": Tr("motif du refus", "refusal reason"),
    "deleted": Tr("dépense supprimée", "expense deleted"),
    "spent_on": Tr("date", "date"), "merchant": Tr("commerçant", "merchant"),
    "category": Tr("catégorie", "category"),
    "amount_incl_tax": Tr("montant TTC", "amount incl. tax"),
    "amount_excl_tax": Tr("montant HT", "amount excl. tax"), "vat": Tr("TVA", "VAT"),
    "currency": Tr("devise", "currency"), "siret": Tr("SIRET", "SIRET"),
    "kind": Tr("type", "kind"), "trip_from": Tr("départ", "from"),
    "trip_to": Tr("arrivée", "to"), "round_trip": Tr("aller-retour", "round trip"),
    "distance_km": Tr("distance (km)", "distance (km)"),
    "computed_km": Tr("distance calculée (km)", "computed distance (km)"),
    "vehicle": Tr("véhicule", "vehicle"), "fiscal_cv": Tr("puissance fiscale", "fiscal power"),
    "electric": Tr("électrique", "electric"), "allowance": Tr("indemnité", "allowance"),
    "receipt_name": Tr("justificatif", "receipt"),
}

KINDS = {"receipt": Tr("justificatif", "receipt"), "trip": Tr("trajet", "trip"),
         "manual": Tr("saisie libre", "typed by hand")}
MONEY = ("amount_incl_tax", "amount_excl_tax", "allowance")
KM = ("distance_km", "computed_km")


def category(value: str | None, lang: str) -> str:
    found = CATEGORY_LABELS.get(value or "")
    return found(lang) if found is not None else (value or "")


def field(name: str, lang: str) -> str:
    found = FIELD_LABELS.get(name)
    return found(lang) if found is not None else name


def change_value(name: str, value: str | None, lang: str) -> str:
    """A value of the change history as the reader reads it (`1 234,10 €`, `02/03/2026`)."""
    if value is None or value == "":
        return "—"
    tables: dict[str, dict[str, Tr]] = {
        "category": CATEGORY_LABELS, "vehicle": VEHICLE_LABELS, "kind": KINDS,
        "state": {ReportState(k).value: v for k, v in STATE_LABELS.items()}}
    if name in tables and value in tables[name]:
        return tables[name][value](lang)
    if name in MONEY:
        return money(value, "EUR", lang)
    if name in KM:
        return number(value, lang, 1)
    if name == "spent_on":
        try:
            return day(date.fromisoformat(value), lang)
        except ValueError:
            return value
    if name == "vat":  # "10%: 2.10; 20%: 1.17"
        return re.sub(r"([\d.]+)%: ([\d.]+)", lambda m: (
            f"{number(m[1], lang)} %{' : ' if lang == 'fr' else ': '}{money(m[2], 'EUR', lang)}"),
            value)
    if value in ("true", "false"):
        yes = value == "true"
        return ("oui" if yes else "non") if lang == "fr" else ("yes" if yes else "no")
    return value
