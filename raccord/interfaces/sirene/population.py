"""A deterministic population of legal units and establishments, shaped like INSEE's data.

The simulator answers from it, and the stock-file generator writes the same units, so that a
local copy and the API agree. It holds legal persons, individuals (category 1000), closed
units and establishments, partly non-diffusible units (`statutDiffusion` P, `[ND]`), addresses
with a repetition index, a complement, a CEDEX or a foreign country, and trade names.

Generation is streamed and needs no memory per unit: SIRENs come from a permutation of the
8-digit bodies, so any size (tens of millions) is generated in constant memory."""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import dataclass, field

ND = "[ND]"
STREET_TYPES = ("RUE", "AV", "BD", "PL", "CHE", "ALL", "IMP", "QUAI", "RTE", "CRS", "SQ", "FG")
STREET_NAMES = ("DE LA REPUBLIQUE", "VICTOR HUGO", "DES LILAS", "DU GENERAL DE GAULLE",
                "JEAN JAURES", "PASTEUR", "DE LA GARE", "DES ECOLES", "DU MOULIN", "FOCH")
CITIES = (("75011", "PARIS 11", "75111"), ("69003", "LYON 3EME", "69383"),
          ("13008", "MARSEILLE 8EME", "13208"), ("31000", "TOULOUSE", "31555"),
          ("44000", "NANTES", "44109"), ("57000", "METZ", "57463"),
          ("33000", "BORDEAUX", "33063"), ("59000", "LILLE", "59350"))
FOREIGN = (("99109", "ALLEMAGNE", "BERLIN"), ("99131", "BELGIQUE", "BRUXELLES"),
           ("99140", "SUISSE", "GENEVE"))
WORDS = ("ATELIER", "CONSEIL", "SOLUTIONS", "BATIMENT", "NUMERIQUE", "LOGISTIQUE", "SERVICES",
         "INGENIERIE", "DISTRIBUTION", "TRANSPORTS", "HORIZON", "ALPHA", "ARMOR", "OCCITANIE")
FIRST_NAMES = ("MARIE", "JEAN", "CAMILLE", "LUC", "SOPHIE", "PIERRE", "LEA", "HUGO")
LAST_NAMES = ("MARTIN", "BERNARD", "DUBOIS", "THOMAS", "ROBERT", "RICHARD", "PETIT", "DURAND")
LEGAL_FORMS = ("5710", "5499", "5720", "5599", "6540", "9220")
NAF = ("62.01Z", "70.22Z", "43.21A", "49.41A", "46.90Z", "71.12B", "56.10A", "47.11B")
COMPLEMENTS = ("BATIMENT A", "RESIDENCE LES PINS", "ZONE ARTISANALE", "ESCALIER 2")
# A multiplier prime to 10**8: index -> body is a permutation, so SIRENs never repeat.
SIREN_STEP = 48_271_013


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
    repetition: str | None = None
    complement: str | None = None
    distribution: str | None = None
    cedex_code: str | None = None
    cedex_label: str | None = None
    foreign_country_code: str | None = None
    foreign_country: str | None = None
    foreign_city: str | None = None

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
    usage_name: str | None = None
    usual_name: str | None = None  # denominationUsuelle1UniteLegale
    acronym: str | None = None
    establishments: list[Establishment] = field(default_factory=list)

    @property
    def head_office(self) -> Establishment:
        return next(e for e in self.establishments if e.head_office)


_DOUBLED = {str(d): (2 * d - 9 if d > 4 else 2 * d) for d in range(10)}
_PLAIN = {str(d): d for d in range(10)}


def luhn_complete(prefix: str) -> str:
    """`prefix` followed by the digit that makes the whole Luhn-valid."""
    # Counted from the right once the check digit is appended, odd positions are doubled.
    backwards = prefix[::-1]
    total = sum(_DOUBLED[c] for c in backwards[0::2]) + sum(_PLAIN[c] for c in backwards[1::2])
    return prefix + str((10 - total % 10) % 10)


def siren_at(index: int, seed: int) -> str:
    body = (index * SIREN_STEP + seed * 7_919 + 10_000_000) % 10**8
    if body == 35_600_000:  # La Poste's SIREN has its own rules: leave it out
        body = (body + 1) % 10**8
    return luhn_complete(f"{body:08d}")


def _establishment(rng: random.Random, unit: LegalUnit, nic: int, position: int,
                   year: int) -> Establishment:
    postcode, city, city_code = rng.choice(CITIES)
    est_open = unit.open and (position == 0 or rng.random() > 0.15)
    est = Establishment(
        siret=luhn_complete(f"{unit.siren}{nic:04d}"), head_office=position == 0,
        open=est_open, closed_on=None if est_open else f"{rng.randrange(year, 2026)}-12-31",
        trade_name=rng.choice((None, None, f"{rng.choice(WORDS)} {city.split()[0]}")),
        street_number=str(rng.randrange(1, 200)), street_type=rng.choice(STREET_TYPES),
        street_name=rng.choice(STREET_NAMES), postcode=postcode, city=city,
        city_code=city_code, naf=unit.naf, created_on=unit.created_on)
    roll = rng.random()
    if roll < 0.08:
        est.repetition = rng.choice(("B", "T"))
    elif roll < 0.16:
        est.complement = rng.choice(COMPLEMENTS)
    elif roll < 0.20:
        est.distribution = f"BP {rng.randrange(10, 999)}"
        est.cedex_code = postcode[:2] + "0" + postcode[3:]
        est.cedex_label = f"{city.split()[0]} CEDEX {rng.randrange(1, 9)}"
    elif roll < 0.21 and position > 0:
        code, country, foreign_city = rng.choice(FOREIGN)
        est.foreign_country_code, est.foreign_country, est.foreign_city = code, country, \
            foreign_city
        est.postcode, est.city, est.city_code = "", "", ""
    return est


def cast_units() -> list[LegalUnit]:
    """The sandbox's demo company and the CHORUS PRO qualification supplier, as INSEE would
    describe them (see `raccord.interfaces.demo`), so that the SIRENE simulator knows them."""
    from raccord.interfaces.demo import CAST

    units = []
    for member in CAST:
        unit = LegalUnit(siren=member.siren, individual=False, name=member.legal_name,
                         last_name=None, first_name=None, legal_form="5499", naf=member.naf,
                         open=True, closed_on=None, diffusible=True,
                         created_on=member.created_on)
        unit.establishments.append(Establishment(
            siret=member.siret, head_office=True, open=True, closed_on=None, trade_name=None,
            street_number=member.street_number, street_type=member.street_type,
            street_name=member.street_name, postcode=member.postcode, city=member.city,
            city_code=member.city_code, naf=member.naf, created_on=member.created_on))
        units.append(unit)
    return units


def generate(size: int, seed: int = 42) -> Iterator[LegalUnit]:
    """`size` legal units, each with one to three establishments, always the same for a seed."""
    rng = random.Random(seed)
    for index in range(size):
        siren = siren_at(index, seed)
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
        extra = rng.random()
        if individual and extra < 0.2:
            unit.usage_name = rng.choice(LAST_NAMES)
        elif not individual and extra < 0.1:
            unit.usual_name = f"{rng.choice(WORDS)} {rng.choice(WORDS)}"
        elif not individual and extra < 0.2:
            unit.acronym = "".join(w[0] for w in (unit.name or "").split()[:2])
        count = 1 if individual else rng.choice((1, 1, 2, 3))
        nics = sorted(rng.sample(range(10, 9999), count))
        for position, nic in enumerate(nics):
            unit.establishments.append(_establishment(rng, unit, nic, position, year))
        yield unit
