from typing import Any

from raccord.core.hub import Hub
from raccord.interfaces.base import InterfaceSpec
from raccord.interfaces.certificates.settings import SCHEMA


def screen_context(hub: Hub) -> dict[str, Any]:
    return {"certificates": hub.trust.list()}


SPEC = InterfaceSpec(schema=SCHEMA, screen_context=screen_context)
