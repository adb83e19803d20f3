"""The two Google Tests, one per key: Place Autocomplete, then Distance Matrix (which cannot
be used alone, so its Test first checks that Place Autocomplete is on)."""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING

from raccord.core.formats import counted
from raccord.core.i18n import Tr
from raccord.interfaces.base import (
    CONFIG_STEP,
    Checker,
    CheckFailed,
    TestReport,
    require,
    run_checks,
)
from raccord.interfaces.google.client import MapsClient
from raccord.interfaces.google.settings import SCHEMA

if TYPE_CHECKING:
    from raccord.core.hub import Hub

SAMPLE_INPUT = "Lyon"
SAMPLE_TRIP = ("Paris, France", "Lyon, France")


def run_places_test(hub: Hub) -> TestReport:
    def body(check: Checker) -> None:
        client = MapsClient(hub)
        with check.step(CONFIG_STEP):
            require(client.values, SCHEMA, "places_key", "url")
        with check.step(Tr(f"Complétion de l'adresse « {SAMPLE_INPUT} »",
                           f"Completing the address '{SAMPLE_INPUT}'")):
            suggestions = client.predictions(SAMPLE_INPUT, str(uuid.uuid4()))
        first = suggestions[0].description if suggestions else "—"
        found = counted(len(suggestions), Tr("proposition", "suggestion"),
                        Tr("propositions", "suggestions"))
        check.report.notes.append(Tr(f"{found.fr}, dont « {first} ».",
                                     f"{found.en}, including '{first}'."))

    return run_checks("google", body)


def run_distance_test(hub: Hub) -> TestReport:
    def body(check: Checker) -> None:
        client = MapsClient(hub)
        with check.step(Tr("Place Autocomplete activée", "Place Autocomplete switched on")):
            if not client.values.get("places_enabled"):
                raise CheckFailed(Tr(
                    "Distance Matrix ne peut pas être utilisée seule : cochez d'abord « Activer "
                    "l'API Place Autocomplete » et renseignez sa clé.",
                    "Distance Matrix cannot be used alone: first tick 'Enable the Place "
                    "Autocomplete API' and fill in its key."))
        with check.step(CONFIG_STEP):
            require(client.values, SCHEMA, "distance_key", "url")
        start, end = SAMPLE_TRIP
        with check.step(Tr(f"Distance de « {start} » à « {end} »",
                           f"Distance from '{start}' to '{end}'")):
            route = client.route(start, end, attempts=1)
        check.report.notes.append(Tr(
            f"{route.origin} → {route.destination} : {route.km:g} km par la route.",
            f"{route.origin} → {route.destination}: {route.km:g} km by road."))

    return run_checks("google", body)
