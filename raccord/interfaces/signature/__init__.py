from raccord.interfaces.base import InterfaceSpec
from raccord.interfaces.signature.settings import SCHEMA

SPEC = InterfaceSpec(schema=SCHEMA)
