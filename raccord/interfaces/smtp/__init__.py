from raccord.core.i18n import Tr
from raccord.interfaces.base import InterfaceSpec, TestDef
from raccord.interfaces.smtp.check import run_test
from raccord.interfaces.smtp.settings import SCHEMA

SPEC = InterfaceSpec(schema=SCHEMA, tests=(TestDef("smtp", Tr("Tester", "Test"), run_test),))
