"""Universign in the sandbox: its simulator, the CA it signs documents under, the values that
point at it, and its webhook endpoint declared towards the running console."""

from typing import Any

from raccord.core.simulator import Simulator
from raccord.interfaces.signature.simulator import SANDBOX_KEY, universign
from raccord.interfaces.signature.simulator import make_simulator as make_simulator
from raccord.interfaces.signature.simulator import use_ca as use_ca

# Where raccord receives Universign's webhooks (the signatures feature's API route).
WEBHOOK_PATH = "/api/v1/signatures/universign-webhook"


def values(base: str) -> dict[str, Any]:
    return {"enabled": True, "url": base, "user": SANDBOX_KEY}


def webhook_values(sim: Simulator, console: str) -> dict[str, Any]:
    """Declare the console as the webhook endpoint, as an operator does in Universign's web
    app. Universign signs with its own key (a detached JWS), which raccord checks against the
    keys the simulator publishes: nothing secret to copy, the endpoint is switched on."""
    universign(sim).webhooks.endpoint = console.rstrip("/") + WEBHOOK_PATH
    return {"universign_webhooks": True}
