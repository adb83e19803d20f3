"""The CHORUS PRO interface in the sandbox: its simulator and the values that point at it."""

from typing import Any

from raccord.interfaces.chorus.simulator import (
    SANDBOX_CLIENT_ID,
    SANDBOX_CLIENT_SECRET,
    SANDBOX_LOGIN,
    SANDBOX_PASSWORD,
)
from raccord.interfaces.chorus.simulator import make_simulator as make_simulator

SANDBOX_COMPANY = "DEMO"


def values(base: str) -> dict[str, Any]:
    return {"enabled": True, "auth_url": f"{base}/api/oauth/token", "url": base,
            "company_code": SANDBOX_COMPANY, "max_calls_per_second": 20,
            "piste_client_id": SANDBOX_CLIENT_ID, "piste_client_secret": SANDBOX_CLIENT_SECRET}


def company_values(base: str) -> dict[str, Any]:
    return {"cpro_login": SANDBOX_LOGIN, "cpro_password": SANDBOX_PASSWORD,
            "piste_client_id": SANDBOX_CLIENT_ID, "piste_client_secret": SANDBOX_CLIENT_SECRET}
