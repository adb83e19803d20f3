from raccord.interfaces.base import InterfaceSpec
from raccord.interfaces.certificates.settings import SCHEMA

SPEC = InterfaceSpec(schema=SCHEMA)
