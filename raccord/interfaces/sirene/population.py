"""A deterministic population of legal units and establishments, shaped like INSEE's data.

The simulator answers from it, and the stock-file generator writes the same units, so that a
local copy and the API agree. It holds legal persons, individuals (category 1000), closed
units and establishments, and partly non-diffusible units (`statutDiffusion` P, `[ND]`)."""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import dataclass, field

from raccord.core.identifiers import with_luhn_key

ND = "[ND]"
STREET_TYPES = ("RUE", "AV", "BD", "PL", "CHE", "ALL", "IMP", "QUAI")
STREET_NAMES = ("DE LA REPUBLIQUE", "VICTOR HUGO", "DES LILAS", "DU GENERAL DE GAULLE",
                "JEAN JAURES", "PASTEUR", "DE LA GARE", "DES ECOLES", "DU MOULIN", "FOCH")
CITIES = (("75011", "PARIS 11", "75111"), ("69003", "LYON 3EME", "69383"),
          ("13008", "MARSEILLE 8EME", "13208"), ("31000", "TOULOUSE", "31555"),
          ("44000", "NANTES", "44109"), ("57000", "METZ", "57463"),
          ("33000", "BORDEAUX", "33063"), ("59000", "LILLE", "59350"))
WORDS = ("ATELIER", "CONSEIL", "SOLUTIONS", "BATIMENT", "NUMERIQUE", "LOGISTIQUE", "SERVICES",
         "INGENIERIE", "DISTRIBUTION", "TRANSPORTS", "HORIZON", "ALPHA", "ARMOR", "OCCITANIE")
FIRST_NAMES = ("MARIE", "JEAN", "CAMILLE", "LUC", "SOPHIE", "PIERRE", "LEA", "HUGO")
LAST_NAMES = ("MARTIN", "BERNARD", "DUBOIS", "THOMAS", "ROBERT", "RICHARD", "PETIT", "DURAND")
LEGAL_FORMS = ("5710", "5499", "5720", "5599", "6540", "9220")
NAF = ("62.01Z", "70.22Z", "43.21A", "49.41A", "46.90Z", "71.12B", "56.10A", "47.11B")


@dataclass
class Establishment:
    siret: str
    head_office: bool
    open: bool
    closed_on: str | None
    trade_name: str | None
    street_number: str
    street_type: str
    street_name: str
    postcode: str
    city: str
    city_code: str
    naf: str
    created_on: str

    @property
    def siren(self) -> str:
        return self.siret[:9]

    @property
    def nic(self) -> str:
        return self.siret[9:]


@dataclass
class LegalUnit:
    siren: str
    individual: bool
    name: str | None  # denomination of a legal person
    last_name: str | None
    first_name: str | None
    legal_form: str
    naf: str
    open: bool
    closed_on: str | None
    diffusible: bool
    created_on: str
    establishments: list[Establishment] = field(default_factory=list)

    @property
    def head_office(self) -> Establishment:
        return next(e for e in self.establishments if e.head_office)


def _siren(rng: random.Random, used: set[str]) -> str:
    while True:
        candidate = with_luhn_key(f"{rng.randrange(10**7, 10**8):08d}")
        if candidate not in used and not candidate.startswith("356000000"):
            used.add(candidate)
            return candidate


def generate(size: int, seed: int = 42) -> Iterator[LegalUnit]:
    """`size` legal units, each with one to three establishments, always the same for a seed."""
    rng = random.Random(seed)
    used: set[str] = set()
    for index in range(size):
        siren = _siren(rng, used)
        individual = rng.random() < 0.12
        unit_open = rng.random() > 0.06
        diffusible = not (individual and rng.random() < 0.4) and rng.random() > 0.02
        year = rng.randrange(1975, 2024)
        unit = LegalUnit(
            siren=siren, individual=individual,
            name=None if individual else f"{rng.choice(WORDS)} {rng.choice(WORDS)} {index}",
            last_name=rng.choice(LAST_NAMES) if individual else None,
            first_name=rng.choice(FIRST_NAMES) if individual else None,
            legal_form="1000" if individual else rng.choice(LEGAL_FORMS),
            naf=rng.choice(NAF), open=unit_open,
            closed_on=None if unit_open else f"{rng.randrange(year, 2026)}-06-30",
            diffusible=diffusible, created_on=f"{year}-01-01")
        count = 1 if individual else rng.choice((1, 1, 2, 3))
        nics = sorted(rng.sample(range(10, 9999), count))
        for position, nic in enumerate(nics):
            postcode, city, city_code = rng.choice(CITIES)
            est_open = unit_open and (position == 0 or rng.random() > 0.15)
            unit.establishments.append(Establishment(
                siret=with_luhn_key(f"{siren}{nic:04d}"), head_office=position == 0,
                open=est_open, closed_on=None if est_open else f"{rng.randrange(year, 2026)}-12-31",
                trade_name=rng.choice((None, None, f"{rng.choice(WORDS)} {city.split()[0]}")),
                street_number=str(rng.randrange(1, 200)), street_type=rng.choice(STREET_TYPES),
                street_name=rng.choice(STREET_NAMES), postcode=postcode, city=city,
                city_code=city_code, naf=unit.naf, created_on=unit.created_on))
        yield unit
