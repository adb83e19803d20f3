"""SIRENE in the sandbox: its simulator and the values that point at it."""

from typing import Any

from raccord.interfaces.sirene.simulator import SANDBOX_KEY
from raccord.interfaces.sirene.simulator import make_simulator as make_simulator


def values(base: str) -> dict[str, Any]:
    return {"enabled": True, "url": base, "token": SANDBOX_KEY}
