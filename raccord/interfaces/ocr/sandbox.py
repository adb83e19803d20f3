"""Mindee OCR in the sandbox: its simulator and the values that point at it."""

from typing import Any

from raccord.interfaces.ocr.simulator import SANDBOX_TOKEN
from raccord.interfaces.ocr.simulator import make_simulator as make_simulator


def values(base: str) -> dict[str, Any]:
    return {"provider": "OCR_MINDEE", "enabled": True, "mindee_enabled": True, "url": base,
            "token": SANDBOX_TOKEN}
