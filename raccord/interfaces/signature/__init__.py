from raccord.core.i18n import Tr
from raccord.interfaces.base import InterfaceSpec, TestDef
from raccord.interfaces.signature.check import run_test
from raccord.interfaces.signature.settings import SCHEMA
from raccord.interfaces.signature.simulator import SANDBOX_KEY, make_simulator

SPEC = InterfaceSpec(
    schema=SCHEMA,
    tests=(TestDef("api", Tr("Tester", "Test"), run_test),),
    simulator=make_simulator,
    sandbox_values=lambda base: {"enabled": True, "url": base, "user": SANDBOX_KEY},
)
