from raccord.core.i18n import Tr
from raccord.interfaces.base import InterfaceSpec, TestDef
from raccord.interfaces.sirene.check import run_test
from raccord.interfaces.sirene.settings import SCHEMA

SPEC = InterfaceSpec(
    schema=SCHEMA,
    tests=(TestDef("api", Tr("Tester", "Test"), run_test),),
    sandbox="raccord.interfaces.sirene.sandbox",
)
