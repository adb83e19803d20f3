from raccord.core.i18n import Tr
from raccord.interfaces.bank.check import run_test
from raccord.interfaces.bank.settings import SCHEMA
from raccord.interfaces.base import InterfaceSpec, TestDef

SPEC = InterfaceSpec(
    schema=SCHEMA,
    tests=(TestDef("api", Tr("Tester", "Test"), run_test),),
    sandbox="raccord.interfaces.bank.sandbox",
)
