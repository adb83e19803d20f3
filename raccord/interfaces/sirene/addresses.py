"""SIRENE address fields written as a French postal address (NF Z10-011: upper case, no
accents, street type spelled out, recipient's lines from the most precise to the town)."""

from __future__ import annotations

import re
from typing import Any

# INSEE's `typeVoie` codes (Sirene 3 list and the common Sirene 4 additions).
STREET_TYPES = {
    "ACH": "ANCIEN CHEMIN", "AER": "AERODROME", "AERG": "AEROGARE", "AGL": "AGGLOMERATION",
    "AIRE": "AIRE", "ALL": "ALLEE", "ANGL": "ANGLE", "ARC": "ARCADE", "AUT": "AUTOROUTE",
    "AV": "AVENUE", "BD": "BOULEVARD", "BER": "BERGE", "BRE": "BARRIERE", "CAR": "CARREFOUR",
    "CAMI": "CAMIN", "CAMP": "CAMPAGNE", "CHE": "CHEMIN", "CHEM": "CHEMINEMENT",
    "CHS": "CHAUSSEE", "CHV": "CHEMIN VICINAL", "CITE": "CITE", "CLOS": "CLOS",
    "COIN": "COIN", "COR": "CORNICHE", "COTE": "COTE", "COUR": "COUR", "CRS": "COURS",
    "DOM": "DOMAINE", "DSC": "DESCENTE", "ECA": "ECART", "ESP": "ESPLANADE",
    "FG": "FAUBOURG", "GARE": "GARE", "GR": "GRANDE RUE", "HAM": "HAMEAU", "HLE": "HALLE",
    "ILOT": "ILOT", "IMP": "IMPASSE", "LD": "LIEU DIT", "LOT": "LOTISSEMENT",
    "MAR": "MARCHE", "MTE": "MONTEE", "PARC": "PARC", "PAS": "PASSAGE", "PL": "PLACE",
    "PLAN": "PLAN", "PLN": "PLAINE", "PLT": "PLATEAU", "PONT": "PONT", "PORT": "PORT",
    "PRO": "PROMENADE", "PRV": "PARVIS", "QUA": "QUARTIER", "QUAI": "QUAI",
    "RES": "RESIDENCE", "RLE": "RUELLE", "ROC": "ROCADE", "RPT": "ROND POINT",
    "RTE": "ROUTE", "RUE": "RUE", "SEN": "SENTIER", "SQ": "SQUARE", "TOUR": "TOUR",
    "TPL": "TERRE PLEIN", "TRA": "TRAVERSE", "VLA": "VILLA", "VLGE": "VILLAGE", "VOIE": "VOIE",
    "ZA": "ZONE ARTISANALE", "ZAC": "ZONE D'AMENAGEMENT CONCERTE",
    "ZI": "ZONE INDUSTRIELLE", "ZONE": "ZONE",
}
REPETITION = {"B": "BIS", "T": "TER", "Q": "QUATER", "C": "QUINQUIES"}
# INSEE's country codes (COG, 99xxx) of the usual foreign addresses, to ISO 3166 codes.
COUNTRIES = {
    "99101": "DK", "99103": "NO", "99104": "SE", "99105": "FI", "99109": "DE", "99110": "AT",
    "99112": "HU", "99122": "PL", "99126": "GR", "99127": "IT", "99131": "BE", "99132": "GB",
    "99134": "ES", "99135": "NL", "99136": "IE", "99137": "LU", "99138": "MC", "99139": "PT",
    "99140": "CH", "99141": "CZ", "99350": "MA", "99351": "DZ", "99352": "TN",
    "99401": "CA", "99404": "US", "99216": "CN", "99217": "JP",
}
ARRONDISSEMENT = re.compile(r"^(PARIS|LYON|MARSEILLE) \d{1,2}(ER|E|EME)?$")
ND = "[ND]"


def shown(value: Any) -> str:
    """A field's text, or "" when it is absent or masked (`[ND]`)."""
    if value is None or value == ND:
        return ""
    return str(value).strip()


def street_line(address: dict[str, Any]) -> str:
    number = shown(address.get("numeroVoieEtablissement"))
    repetition = shown(address.get("indiceRepetitionEtablissement")).upper()
    kind = shown(address.get("typeVoieEtablissement")).upper()
    street = shown(address.get("libelleVoieEtablissement"))
    parts = [number, REPETITION.get(repetition, repetition), STREET_TYPES.get(kind, kind), street]
    return " ".join(p for p in parts if p)


def postal_city(name: str) -> str:
    """La Poste writes PARIS for INSEE's PARIS 11 (the arrondissement is in the postcode)."""
    found = ARRONDISSEMENT.match(name)
    return found.group(1) if found else name


def postal_lines(address: dict[str, Any]) -> tuple[list[str], str, str, str]:
    """(address lines, postcode, city, country code) of an `adresseEtablissement`."""
    lines = [shown(address.get("complementAdresseEtablissement")), street_line(address),
             shown(address.get("distributionSpecialeEtablissement"))]
    foreign_code = shown(address.get("codePaysEtrangerEtablissement"))
    if foreign_code:
        country = COUNTRIES.get(foreign_code) or shown(
            address.get("libellePaysEtrangerEtablissement"))
        return ([line for line in lines if line], "",
                shown(address.get("libelleCommuneEtrangerEtablissement")), country)
    cedex = shown(address.get("codeCedexEtablissement"))
    if cedex:
        postcode, city = cedex, shown(address.get("libelleCedexEtablissement"))
    else:
        postcode = shown(address.get("codePostalEtablissement"))
        city = postal_city(shown(address.get("libelleCommuneEtablissement")))
    return [line for line in lines if line], postcode, city, "FR"
