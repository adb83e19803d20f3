from raccord.interfaces.base import InterfaceSpec
from raccord.interfaces.gmail.settings import SCHEMA

SPEC = InterfaceSpec(schema=SCHEMA)
