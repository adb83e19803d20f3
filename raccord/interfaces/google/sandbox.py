"""Google Maps in the sandbox: its simulator and the values that point at it."""

from typing import Any

from raccord.interfaces.google.simulator import SANDBOX_DISTANCE_KEY, SANDBOX_PLACES_KEY
from raccord.interfaces.google.simulator import make_simulator as make_simulator


def values(base: str) -> dict[str, Any]:
    return {"places_enabled": True, "places_key": SANDBOX_PLACES_KEY,
            "distance_enabled": True, "distance_key": SANDBOX_DISTANCE_KEY, "url": base}
