from raccord.core.i18n import Tr
from raccord.interfaces.bank.check import run_test
from raccord.interfaces.bank.settings import SCHEMA
from raccord.interfaces.bank.simulator import (
    SANDBOX_CLIENT_ID,
    SANDBOX_CLIENT_SECRET,
    make_simulator,
)
from raccord.interfaces.base import InterfaceSpec, TestDef

SPEC = InterfaceSpec(
    schema=SCHEMA,
    tests=(TestDef("api", Tr("Tester", "Test"), run_test),),
    simulator=make_simulator,
    sandbox_values=lambda base: {"url": base, "client_id": SANDBOX_CLIENT_ID,
                                 "client_secret": SANDBOX_CLIENT_SECRET, "enabled": True},
)
