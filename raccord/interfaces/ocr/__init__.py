from raccord.core.i18n import Tr
from raccord.interfaces.base import InterfaceSpec, TestDef
from raccord.interfaces.ocr.check import run_test
from raccord.interfaces.ocr.settings import SCHEMA

SPEC = InterfaceSpec(
    schema=SCHEMA,
    tests=(TestDef("mindee", Tr("Tester", "Test"), run_test),),
    sandbox="raccord.interfaces.ocr.sandbox",
)
