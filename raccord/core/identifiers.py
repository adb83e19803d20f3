"""French company identifiers: SIREN (9 digits) and SIRET (14 digits), checked offline."""

from __future__ import annotations

from dataclasses import dataclass

from raccord.core.i18n import Tr

LA_POSTE_SIREN = "356000000"
LA_POSTE_HEAD_OFFICE = "35600000000048"


def luhn_ok(digits: str) -> bool:
    total = 0
    for index, char in enumerate(reversed(digits)):
        value = int(char)
        if index % 2 == 1:
            value *= 2
            if value > 9:
                value -= 9
        total += value
    return total % 10 == 0


def clean(raw: str) -> str:
    return "".join(ch for ch in raw if ch not in " .\u00a0\t-")


@dataclass(frozen=True)
class Identifier:
    kind: str  # "siren" or "siret"
    value: str

    @property
    def siren(self) -> str:
        return self.value[:9]


class IdentifierError(ValueError):
    def __init__(self, message: Tr) -> None:
        super().__init__(message.en)
        self.message = message


def siret_key_ok(siret: str) -> bool:
    if siret.startswith(LA_POSTE_SIREN) and siret != LA_POSTE_HEAD_OFFICE:
        return sum(int(c) for c in siret) % 5 == 0
    return luhn_ok(siret)


def parse_identifier(raw: str, allow: tuple[str, ...] = ("siren", "siret")) -> Identifier:
    """Accept a SIREN or SIRET as users type them (spaces, dots) or say what is wrong."""
    value = clean(raw or "")
    expected = " ou ".join({"siren": "9 chiffres (SIREN)", "siret": "14 chiffres (SIRET)"}[k]
                           for k in allow)
    expected_en = " or ".join({"siren": "9 digits (SIREN)", "siret": "14 digits (SIRET)"}[k]
                              for k in allow)
    if not (value.isascii() and value.isdigit()):
        raise IdentifierError(Tr(
            f"« {raw} » contient autre chose que des chiffres : attendu {expected}.",
            f"'{raw}' holds something other than digits: expected {expected_en}."))
    if len(value) == 9 and "siren" in allow:
        if not luhn_ok(value):
            raise IdentifierError(Tr(
                f"Le SIREN {value} a une clé de contrôle fausse : vérifiez les chiffres saisis.",
                f"The SIREN {value} has a wrong check digit: check the digits typed."))
        return Identifier("siren", value)
    if len(value) == 14 and "siret" in allow:
        if not siret_key_ok(value):
            raise IdentifierError(Tr(
                f"Le SIRET {value} a une clé de contrôle fausse : vérifiez les chiffres saisis.",
                f"The SIRET {value} has a wrong check digit: check the digits typed."))
        return Identifier("siret", value)
    raise IdentifierError(Tr(
        f"« {raw} » a {len(value)} chiffres : attendu {expected}.",
        f"'{raw}' has {len(value)} digits: expected {expected_en}."))


def vat_number(siren: str) -> str:
    key = (12 + 3 * (int(siren) % 97)) % 97
    return f"FR{key:02d}{siren}"


def with_luhn_key(prefix: str) -> str:
    """Complete `prefix` with the one digit that makes it Luhn-valid (for generated data)."""
    for digit in "0123456789":
        if luhn_ok(prefix + digit):
            return prefix + digit
    raise AssertionError("unreachable")
