"""Exchange in the sandbox: its simulator and the values that point at it."""

from typing import Any

from raccord.interfaces.exchange import sim_directory as tenant
from raccord.interfaces.exchange.simulator import make_simulator as make_simulator


def values(base: str) -> dict[str, Any]:
    return {
        "graph": True, "oauth": False, "impersonation": False,
        "tenant_id": tenant.TENANT_ID, "client_id": tenant.CLIENT_ID,
        "client_secret": tenant.CLIENT_SECRET,
        "graph_url": f"{base}/v1.0", "login_url": f"{base}/login",
        "ews_url": f"{base}/EWS/Exchange.asmx", "server_version": "Exchange2016",
        "delegate_user": tenant.DELEGATE_USER, "password": tenant.DELEGATE_PASSWORD,
        "test_user": tenant.TEST_USER,
    }
