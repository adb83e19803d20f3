from raccord.interfaces.base import InterfaceSpec
from raccord.interfaces.exchange.settings import SCHEMA

SPEC = InterfaceSpec(schema=SCHEMA)
