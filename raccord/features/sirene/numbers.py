"""SIREN / SIRET as users type them, checked with the core rules (raccord.core.identifiers).

`str.isdigit` also accepts digits that are not 0-9 (²,  ７, ٣): the core check then crashes on
"²²²²²²²²²" or keeps full-width digits. Until the core checks ASCII digits itself, every
number goes through here first."""

from __future__ import annotations

from raccord.core.i18n import Tr
from raccord.core.identifiers import Identifier, IdentifierError, clean, parse_identifier

ASCII_DIGITS = frozenset("0123456789")
KIND_WORDS = {"siren": ("9 chiffres (SIREN)", "9 digits (SIREN)"),
              "siret": ("14 chiffres (SIRET)", "14 digits (SIRET)")}


def parse_number(raw: str, allow: tuple[str, ...] = ("siren", "siret")) -> Identifier:
    value = clean(raw or "")
    if not set(value) <= ASCII_DIGITS:
        expected_fr = " ou ".join(KIND_WORDS[k][0] for k in allow)
        expected_en = " or ".join(KIND_WORDS[k][1] for k in allow)
        raise IdentifierError(Tr(
            f"« {raw} » contient autre chose que des chiffres : attendu {expected_fr}.",
            f"'{raw}' holds something other than digits: expected {expected_en}."))
    return parse_identifier(value if value else raw, allow)
