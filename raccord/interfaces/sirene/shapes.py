"""INSEE's public view of a unit: the API 3.11 answer shapes, with `[ND]` masking of the
partly non-diffusible units. The simulator answers with them and the stock-file generator
flattens them into rows, so the API and a local copy always tell the same story."""

from __future__ import annotations

from typing import Any

from raccord.interfaces.sirene.population import ND, Establishment, LegalUnit

UNIT_PERIOD_KEYS = (
    "etatAdministratifUniteLegale", "nomUniteLegale", "nomUsageUniteLegale",
    "denominationUniteLegale", "denominationUsuelle1UniteLegale",
    "denominationUsuelle2UniteLegale", "denominationUsuelle3UniteLegale",
    "categorieJuridiqueUniteLegale", "activitePrincipaleUniteLegale",
    "nomenclatureActivitePrincipaleUniteLegale", "nicSiegeUniteLegale",
    "economieSocialeSolidaireUniteLegale", "societeMissionUniteLegale",
    "caractereEmployeurUniteLegale")
LAST_TREATMENT = "2026-10-01T08:00:00.000"


def _masked(hidden: bool, value: str | None) -> str | None:
    return ND if hidden and value else value


def unit_fields(unit: LegalUnit) -> dict[str, Any]:
    """The legal unit's current values, flattened as in `etablissement.uniteLegale`."""
    hidden_person = not unit.diffusible and unit.individual
    return {
        "statutDiffusionUniteLegale": "O" if unit.diffusible else "P",
        "unitePurgeeUniteLegale": None,
        "dateCreationUniteLegale": unit.created_on,
        "sigleUniteLegale": unit.acronym,
        "sexeUniteLegale": (ND if hidden_person else "F") if unit.individual else None,
        "prenom1UniteLegale": _masked(hidden_person, unit.first_name),
        "prenom2UniteLegale": None, "prenom3UniteLegale": None, "prenom4UniteLegale": None,
        "prenomUsuelUniteLegale": _masked(hidden_person, unit.first_name),
        "pseudonymeUniteLegale": None,
        "identifiantAssociationUniteLegale": None,
        "trancheEffectifsUniteLegale": "NN",
        "anneeEffectifsUniteLegale": None,
        "dateDernierTraitementUniteLegale": LAST_TREATMENT,
        "categorieEntreprise": None if unit.individual else "PME",
        "anneeCategorieEntreprise": None if unit.individual else "2023",
        "etatAdministratifUniteLegale": "A" if unit.open else "C",
        "nomUniteLegale": _masked(hidden_person, unit.last_name),
        "nomUsageUniteLegale": _masked(hidden_person, unit.usage_name),
        "denominationUniteLegale": unit.name,
        "denominationUsuelle1UniteLegale": unit.usual_name,
        "denominationUsuelle2UniteLegale": None,
        "denominationUsuelle3UniteLegale": None,
        "categorieJuridiqueUniteLegale": unit.legal_form,
        "activitePrincipaleUniteLegale": unit.naf,
        "nomenclatureActivitePrincipaleUniteLegale": "NAFRev2",
        "nicSiegeUniteLegale": unit.head_office.nic,
        "economieSocialeSolidaireUniteLegale": "N",
        "societeMissionUniteLegale": None,
        "caractereEmployeurUniteLegale": "N",
    }


def unite_legale(unit: LegalUnit) -> dict[str, Any]:
    """`GET /siren/{siren}`'s `uniteLegale`: top-level fields plus the current period."""
    fields = unit_fields(unit)
    period = {k: fields.pop(k) for k in UNIT_PERIOD_KEYS}
    period.update({"dateFin": None, "dateDebut": unit.closed_on or unit.created_on})
    return {"siren": unit.siren, **fields, "nombrePeriodesUniteLegale": 1,
            "periodesUniteLegale": [period]}


def adresse(unit: LegalUnit, est: Establishment) -> dict[str, Any]:
    hidden = not unit.diffusible
    return {
        "complementAdresseEtablissement": _masked(hidden, est.complement),
        "numeroVoieEtablissement": _masked(hidden, est.street_number),
        "indiceRepetitionEtablissement": _masked(hidden, est.repetition),
        "dernierNumeroVoieEtablissement": None,
        "indiceRepetitionDernierNumeroVoieEtablissement": None,
        "typeVoieEtablissement": _masked(hidden, est.street_type),
        "libelleVoieEtablissement": _masked(hidden, est.street_name),
        "codePostalEtablissement": est.postcode or None,
        "libelleCommuneEtablissement": est.city or None,
        "libelleCommuneEtrangerEtablissement": est.foreign_city,
        "distributionSpecialeEtablissement": _masked(hidden, est.distribution),
        "codeCommuneEtablissement": est.city_code or None,
        "codeCedexEtablissement": est.cedex_code,
        "libelleCedexEtablissement": est.cedex_label,
        "codePaysEtrangerEtablissement": est.foreign_country_code,
        "libellePaysEtrangerEtablissement": est.foreign_country,
        "identifiantAdresseEtablissement": None,
        "coordonneeLambertAbscisseEtablissement": ND if hidden else "651234.5",
        "coordonneeLambertOrdonneeEtablissement": ND if hidden else "6862345.1",
    }


def etablissement(unit: LegalUnit, est: Establishment) -> dict[str, Any]:
    """`GET /siret/{siret}`'s `etablissement`, with the unit's current values nested."""
    hidden = not unit.diffusible
    return {
        "siren": est.siren, "nic": est.nic, "siret": est.siret,
        "statutDiffusionEtablissement": "O" if unit.diffusible else "P",
        "dateCreationEtablissement": est.created_on,
        "trancheEffectifsEtablissement": "NN",
        "anneeEffectifsEtablissement": None,
        "activitePrincipaleRegistreMetiersEtablissement": None,
        "dateDernierTraitementEtablissement": LAST_TREATMENT,
        "etablissementSiege": est.head_office,
        "nombrePeriodesEtablissement": 1,
        "uniteLegale": unit_fields(unit),
        "adresseEtablissement": adresse(unit, est),
        "adresse2Etablissement": {},
        "periodesEtablissement": [{
            "dateFin": None,
            "dateDebut": est.closed_on or est.created_on,
            "etatAdministratifEtablissement": "A" if est.open else "F",
            "enseigne1Etablissement": _masked(hidden, est.trade_name),
            "enseigne2Etablissement": None,
            "enseigne3Etablissement": None,
            "denominationUsuelleEtablissement": None,
            "activitePrincipaleEtablissement": est.naf,
            "nomenclatureActivitePrincipaleEtablissement": "NAFRev2",
            "caractereEmployeurEtablissement": "N",
        }],
    }


def without_nulls(value: Any) -> Any:
    """`masquerValeursNulles=true`: the same answer without its null fields."""
    if isinstance(value, dict):
        return {k: without_nulls(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [without_nulls(v) for v in value]
    return value
