"""Google Place Autocomplete and Distance Matrix for mileage entry."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from raccord.core.i18n import Tr
from raccord.core.schema import Field, InterfaceSchema, Kind, Rule, RuleContext

MAPS_URL = "https://maps.googleapis.com"


def _distance_needs_places(values: Mapping[str, Any], ctx: RuleContext) -> Tr | None:
    if not values.get("distance_enabled") or values.get("places_enabled"):
        return None
    if ctx.changed_key == "places_enabled":
        return Tr("Distance Matrix est activée et ne peut pas fonctionner seule : désactivez "
                  "d'abord Distance Matrix, puis Place Autocomplete.",
                  "Distance Matrix is on and cannot work alone: switch Distance Matrix off "
                  "first, then Place Autocomplete.")
    return Tr("Distance Matrix ne peut pas être utilisée seule : activez d'abord Place "
              "Autocomplete.",
              "Distance Matrix cannot be used alone: switch Place Autocomplete on first.")


SCHEMA = InterfaceSchema(
    name="google",
    title=Tr("API Google", "Google APIs"),
    summary=Tr("Saisie facilitée des kilomètres : adresses complétées à la frappe (Place "
               "Autocomplete) et distance calculée (Distance Matrix).",
               "Easier mileage entry: addresses completed as they are typed (Place "
               "Autocomplete) and the distance computed (Distance Matrix)."),
    fields=(
        Field("places_enabled", Tr("Activer l'API Place Autocomplete",
                                   "Enable the Place Autocomplete API"), Kind.BOOL,
              default=False),
        Field("places_key", Tr("Clé API Place Autocomplete", "Place Autocomplete API key"),
              Kind.SECRET),
        Field("distance_enabled", Tr("Activer l'API Distance Matrix",
                                     "Enable the Distance Matrix API"), Kind.BOOL,
              default=False, help=Tr("Nécessite Place Autocomplete.",
                                     "Needs Place Autocomplete.")),
        Field("distance_key", Tr("Clé API Distance Matrix", "Distance Matrix API key"),
              Kind.SECRET),
        Field("url", Tr("URL des API Google Maps", "Google Maps API URL"), Kind.URL,
              default=MAPS_URL, advanced=True),
    ),
    rules=(
        Rule(("places_enabled", "distance_enabled"), _distance_needs_places,
             Tr("Distance Matrix nécessite Place Autocomplete.",
                "Distance Matrix needs Place Autocomplete.")),
    ),
)
