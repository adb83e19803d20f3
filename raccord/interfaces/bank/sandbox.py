"""Bridge in the sandbox: its simulator and the values that point at it."""

from typing import Any

from raccord.interfaces.bank.simulator import (
    SANDBOX_CLIENT_ID,
    SANDBOX_CLIENT_SECRET,
    SANDBOX_WEBHOOK_SECRET,
)
from raccord.interfaces.bank.simulator import make_simulator as make_simulator


def values(base: str) -> dict[str, Any]:
    return {"url": base, "client_id": SANDBOX_CLIENT_ID, "client_secret": SANDBOX_CLIENT_SECRET,
            "bridge_webhook_secret": SANDBOX_WEBHOOK_SECRET, "enabled": True}
