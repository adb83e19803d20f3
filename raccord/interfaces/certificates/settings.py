"""Certificate authorities: a screen with no fields (import, list, remove)."""

from __future__ import annotations

from raccord.core.i18n import Tr
from raccord.core.schema import InterfaceSchema

SCHEMA = InterfaceSchema(
    name="certificates",
    title=Tr("Certificats", "Certificates"),
    summary=Tr("Autorités de certification reconnues en plus de celles du système (par exemple "
               "Certigna pour l'API SIRENE) : prises en compte aussitôt, sans redémarrage.",
               "Certificate authorities trusted beside the system's (e.g. Certigna for the "
               "SIRENE API): in effect at once, with no restart."),
    fields=(),
    has_test=False,
)
