from raccord.core.i18n import Tr
from raccord.interfaces.base import InterfaceSpec, TestDef
from raccord.interfaces.google.check import run_distance_test, run_places_test
from raccord.interfaces.google.settings import SCHEMA

SPEC = InterfaceSpec(
    schema=SCHEMA,
    tests=(TestDef("places", Tr("Tester Place Autocomplete", "Test Place Autocomplete"),
                   run_places_test),
           TestDef("distance", Tr("Tester Distance Matrix", "Test Distance Matrix"),
                   run_distance_test)),
    sandbox="raccord.interfaces.google.sandbox",
)
