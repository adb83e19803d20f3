from typing import Any

from raccord.core.hub import Hub
from raccord.interfaces.base import InterfaceSpec
from raccord.interfaces.certificates.settings import SCHEMA
from raccord.interfaces.certificates.state import trust_state


def screen_context(hub: Hub) -> dict[str, Any]:
    return {"certificates": hub.trust.list(), "trust_state": trust_state(hub)}


SPEC = InterfaceSpec(schema=SCHEMA, screen_context=screen_context, own_state=trust_state)
