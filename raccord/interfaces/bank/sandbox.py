"""Bridge in the sandbox: its simulator, the values that point at it, and its webhook
declared towards the running console (the secret Bridge's dashboard would show, saved in
raccord's settings)."""

from typing import Any

from raccord.core.simulator import Simulator
from raccord.interfaces.bank.simulator import (
    SANDBOX_CLIENT_ID,
    SANDBOX_CLIENT_SECRET,
    SANDBOX_WEBHOOK_SECRET,
    register_webhook,
)
from raccord.interfaces.bank.simulator import make_simulator as make_simulator

# Where raccord receives Bridge's webhooks (the banking feature's API route).
WEBHOOK_PATH = "/api/v1/bank/webhooks/bridge"


def values(base: str) -> dict[str, Any]:
    return {"url": base, "client_id": SANDBOX_CLIENT_ID, "client_secret": SANDBOX_CLIENT_SECRET,
            "bridge_webhook_secret": SANDBOX_WEBHOOK_SECRET, "enabled": True}


def webhook_values(sim: Simulator, console: str) -> dict[str, Any]:
    """Declare the webhook at the simulated Bridge, as an operator does in Bridge's dashboard:
    the console's URL, then the secret Bridge gives, for raccord's settings."""
    return {"bridge_webhook_secret": register_webhook(sim, console.rstrip("/") + WEBHOOK_PATH)}
