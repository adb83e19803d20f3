from typing import Any

from raccord.core.i18n import Tr
from raccord.interfaces.base import InterfaceSpec, TestDef
from raccord.interfaces.gmail.check import run_test
from raccord.interfaces.gmail.sandbox import SANDBOX_SENDER, write_sandbox_key
from raccord.interfaces.gmail.settings import SCHEMA
from raccord.interfaces.gmail.simulator import make_simulator


def sandbox_values(base: str) -> dict[str, Any]:
    """The simulator serves both Google hosts: `/token` (OAuth) and `/gmail/v1/...` (API)."""
    return {"sender": SANDBOX_SENDER,
            "business_rule_google_mail": True, "mail_application": "gmail",
            "api_url": base, "token_url": f"{base}/token"}


SPEC = InterfaceSpec(
    schema=SCHEMA,
    tests=(TestDef("gmail", Tr("Tester", "Test"), run_test),),
    simulator=make_simulator,
    sandbox_values=sandbox_values,
    sandbox_home_values=lambda base, home: {"key_path": str(write_sandbox_key(base, home))},
)
