"""Universign in the sandbox: its simulator and the values that point at it."""

from typing import Any

from raccord.interfaces.signature.simulator import SANDBOX_KEY
from raccord.interfaces.signature.simulator import make_simulator as make_simulator


def values(base: str) -> dict[str, Any]:
    return {"enabled": True, "url": base, "user": SANDBOX_KEY}
