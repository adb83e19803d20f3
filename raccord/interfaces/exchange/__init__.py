from raccord.core.i18n import Tr
from raccord.interfaces.base import InterfaceSpec, TestDef
from raccord.interfaces.exchange.check import run_test
from raccord.interfaces.exchange.settings import SCHEMA

SPEC = InterfaceSpec(
    schema=SCHEMA,
    tests=(TestDef("calendar", Tr("Tester", "Test"), run_test),),
    sandbox="raccord.interfaces.exchange.sandbox",
)
