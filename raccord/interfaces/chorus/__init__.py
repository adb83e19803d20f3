from typing import Any

from raccord.core.i18n import Tr
from raccord.interfaces.base import InterfaceSpec, TestDef
from raccord.interfaces.chorus.check import run_test
from raccord.interfaces.chorus.settings import SCHEMA
from raccord.interfaces.chorus.simulator import (
    SANDBOX_CLIENT_ID,
    SANDBOX_CLIENT_SECRET,
    SANDBOX_LOGIN,
    SANDBOX_PASSWORD,
    make_simulator,
)

SANDBOX_COMPANY = "DEMO"


def sandbox_values(base: str) -> dict[str, Any]:
    return {"enabled": True, "auth_url": f"{base}/api/oauth/token", "url": base,
            "company_code": SANDBOX_COMPANY, "max_calls_per_second": 20,
            "piste_client_id": SANDBOX_CLIENT_ID, "piste_client_secret": SANDBOX_CLIENT_SECRET}


def sandbox_company_values(base: str) -> dict[str, Any]:
    return {"cpro_login": SANDBOX_LOGIN, "cpro_password": SANDBOX_PASSWORD,
            "piste_client_id": SANDBOX_CLIENT_ID, "piste_client_secret": SANDBOX_CLIENT_SECRET}


SPEC = InterfaceSpec(
    schema=SCHEMA,
    tests=(TestDef("api", Tr("Tester", "Test"), run_test),),
    simulator=make_simulator,
    sandbox_values=sandbox_values,
    sandbox_company_values=sandbox_company_values,
)
