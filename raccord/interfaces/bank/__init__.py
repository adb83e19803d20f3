from raccord.interfaces.bank.settings import SCHEMA
from raccord.interfaces.base import InterfaceSpec

SPEC = InterfaceSpec(schema=SCHEMA)
