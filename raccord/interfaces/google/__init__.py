from raccord.core.i18n import Tr
from raccord.interfaces.base import InterfaceSpec, TestDef
from raccord.interfaces.google.check import run_distance_test, run_places_test
from raccord.interfaces.google.settings import SCHEMA
from raccord.interfaces.google.simulator import (
    SANDBOX_DISTANCE_KEY,
    SANDBOX_PLACES_KEY,
    make_simulator,
)

SPEC = InterfaceSpec(
    schema=SCHEMA,
    tests=(TestDef("places", Tr("Tester Place Autocomplete", "Test Place Autocomplete"),
                   run_places_test),
           TestDef("distance", Tr("Tester Distance Matrix", "Test Distance Matrix"),
                   run_distance_test)),
    simulator=make_simulator,
    sandbox_values=lambda base: {"places_enabled": True, "places_key": SANDBOX_PLACES_KEY,
                                 "distance_enabled": True, "distance_key": SANDBOX_DISTANCE_KEY,
                                 "url": base},
)
