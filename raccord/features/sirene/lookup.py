"""Finding what SIRENE knows about a number: checked first (no call for a wrong number), then
the local copy, then the answers kept in the database, then the INSEE API (limited to its
30 calls a minute for every worker). `fresh=True` skips the copy and the kept answers."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from raccord.core.diagnosis import Problem, ServiceError
from raccord.core.i18n import Tr
from raccord.core.identifiers import Identifier
from raccord.features.sirene.cache import AnswerCache
from raccord.features.sirene.localcopy import LocalCopy
from raccord.features.sirene.numbers import parse_number
from raccord.interfaces.sirene.client import SireneClient
from raccord.interfaces.sirene.mapping import Filled, from_establishment, from_unit

if TYPE_CHECKING:
    from raccord.core.hub import Hub

COPY, CACHE, API = "copy", "cache", "api"
SOURCE_LABELS = {COPY: Tr("copie locale", "local copy"), CACHE: Tr("réponse conservée",
                                                                   "kept answer"),
                 API: Tr("API SIRENE", "SIRENE API")}


class UnknownNumber(Exception):
    """INSEE (or the local copy, when the API is off) does not know the number."""

    def __init__(self, message: Tr) -> None:
        super().__init__(message.en)
        self.message = message


def _unknown(ident: Identifier, extra: Tr | None = None) -> UnknownNumber:
    label = ident.kind.upper()
    message = Tr(f"{label} {ident.value} inconnu de l'INSEE : vérifiez le numéro auprès du "
                 "tiers (il peut être trop récent ou radié depuis longtemps).",
                 f"{label} {ident.value} is not known to INSEE: check the number with the "
                 "third party (it may be too recent, or struck off long ago).")
    return UnknownNumber(message + extra if extra else message)


@dataclass
class Lookups:
    """Lookups sharing one API connection and the settings read once (a bulk run, a
    request). Use as a context manager."""

    hub: Hub

    def __post_init__(self) -> None:
        self.copy = LocalCopy(self.hub.env.home)
        self.cache = AnswerCache(self.hub)
        self._client: SireneClient | None = None

    def __enter__(self) -> Lookups:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    def close(self) -> None:
        if self._client is not None:
            self._client.close()
        self.copy.close()

    @property
    def client(self) -> SireneClient:
        if self._client is None:
            self._client = SireneClient(self.hub)
        return self._client

    def find(self, raw: str, fresh: bool = False) -> Filled:
        """The third-party fields for a SIRET or SIREN; raises IdentifierError (a wrong
        number, no call made), UnknownNumber, or ServiceError (the API failed)."""
        ident = parse_number(raw)
        if not fresh:
            found = self._from_copy(ident)
            if found is not None:
                return found
            kept = self.cache.get(self._key(ident))
            if kept is not None:
                if kept.answer is None:
                    raise _unknown(ident)
                return _sourced(kept.answer, CACHE)
        return self._from_api(ident)

    def needs_api(self, raw: str, fresh: bool = False) -> bool:
        """Whether finding `raw` will cost an API call (for time estimates); False for a wrong
        number."""
        try:
            ident = parse_number(raw)
        except ValueError:
            return False
        if not self.client.values.get("enabled"):
            return False
        if fresh:
            return True
        if self._in_copy(ident):
            return False
        return self.cache.get(self._key(ident)) is None

    @staticmethod
    def _key(ident: Identifier) -> str:
        return f"{ident.kind}:{ident.value}"

    @staticmethod
    def _filled(etab: dict[str, Any], source: str,
                unit_period: dict[str, Any] | None = None) -> Filled:
        filled = from_establishment(etab, unit_period)
        filled.source = source
        return filled

    def _in_copy(self, ident: Identifier) -> bool:
        if ident.kind == "siret":
            return self.copy.etablissement(ident.value) is not None
        return self.copy.head_office(ident.value) is not None

    def _from_copy(self, ident: Identifier) -> Filled | None:
        if ident.kind == "siret":
            found = self.copy.etablissement(ident.value)
            return None if found is None else self._filled(found[0], COPY, found[1])
        head = self.copy.head_office(ident.value)
        if head is None:
            return None
        etab, unit = head
        if etab is None:
            filled = from_unit(unit or {})
            filled.source = COPY
            return filled
        periods = (unit or {}).get("periodesUniteLegale") or [None]
        return self._filled(etab, COPY, periods[0])

    def _from_api(self, ident: Identifier) -> Filled:
        client = self.client
        try:
            client.ensure_usable()
        except ServiceError as error:
            info = self.copy.info()
            if info is not None and error.diagnosis.problem is Problem.DISABLED:
                raise _unknown(ident, Tr(
                    f"Il est absent de la copie locale (données du {info.data_date}) et "
                    "l'API SIRENE n'est pas activée.",
                    f"It is not in the local copy (data of {info.data_date}) and the SIRENE "
                    "API is not enabled.")) from None
            raise
        if ident.kind == "siret":
            answer = client.siret(ident.value)
        else:
            answer = client.head_office(ident.value)
        self.cache.put(self._key(ident), answer)
        if answer is None:
            raise _unknown(ident)
        answer.source = API
        return answer


def _sourced(filled: Filled, source: str) -> Filled:
    filled.source = source
    return filled


def lookup(hub: Hub, raw: str, fresh: bool = False) -> Filled:
    """One lookup (the console's field, `raccord sirene lookup`, the API)."""
    with Lookups(hub) as lookups:
        return lookups.find(raw, fresh)
