from raccord.core.i18n import Tr
from raccord.interfaces.base import InterfaceSpec, TestDef
from raccord.interfaces.gmail.check import run_test
from raccord.interfaces.gmail.settings import SCHEMA

SPEC = InterfaceSpec(
    schema=SCHEMA,
    tests=(TestDef("gmail", Tr("Tester", "Test"), run_test),),
    sandbox="raccord.interfaces.gmail.sandbox",
)
