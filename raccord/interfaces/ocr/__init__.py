from raccord.core.i18n import Tr
from raccord.interfaces.base import InterfaceSpec, TestDef
from raccord.interfaces.ocr.check import run_local_test, run_test
from raccord.interfaces.ocr.settings import SCHEMA

SPEC = InterfaceSpec(
    schema=SCHEMA,
    tests=(TestDef("mindee", Tr("Tester", "Test"), run_test),
           TestDef("local", Tr("Tester la lecture locale (OCR_LOCAL)",
                               "Test local reading (OCR_LOCAL)"), run_local_test)),
    sandbox="raccord.interfaces.ocr.sandbox",
)
