"""Universign in the sandbox: its simulator, the CA it signs documents under, and the values
that point at it."""

from typing import Any

from raccord.interfaces.signature.simulator import SANDBOX_KEY
from raccord.interfaces.signature.simulator import make_simulator as make_simulator
from raccord.interfaces.signature.simulator import use_ca as use_ca


def values(base: str) -> dict[str, Any]:
    return {"enabled": True, "url": base, "user": SANDBOX_KEY}
