from raccord.interfaces.base import InterfaceSpec
from raccord.interfaces.google.settings import SCHEMA

SPEC = InterfaceSpec(schema=SCHEMA)
