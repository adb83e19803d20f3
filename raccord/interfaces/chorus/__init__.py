from raccord.interfaces.base import InterfaceSpec
from raccord.interfaces.chorus.settings import SCHEMA

SPEC = InterfaceSpec(schema=SCHEMA)
