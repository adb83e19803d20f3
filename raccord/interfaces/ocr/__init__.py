from raccord.interfaces.base import InterfaceSpec
from raccord.interfaces.ocr.settings import SCHEMA

SPEC = InterfaceSpec(schema=SCHEMA)
