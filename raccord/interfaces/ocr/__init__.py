from raccord.core.i18n import Tr
from raccord.interfaces.base import InterfaceSpec, TestDef
from raccord.interfaces.ocr.check import run_test
from raccord.interfaces.ocr.settings import SCHEMA
from raccord.interfaces.ocr.simulator import SANDBOX_TOKEN, make_simulator

SPEC = InterfaceSpec(
    schema=SCHEMA,
    tests=(TestDef("mindee", Tr("Tester", "Test"), run_test),),
    simulator=make_simulator,
    sandbox_values=lambda base: {"provider": "OCR_MINDEE", "enabled": True,
                                 "mindee_enabled": True, "url": base, "token": SANDBOX_TOKEN},
)
