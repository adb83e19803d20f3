"""SIRENE answers to third-party fields, for each kind of unit."""

from __future__ import annotations

from typing import Any

from raccord.core.identifiers import vat_number
from raccord.interfaces.sirene.addresses import postal_lines, street_line
from raccord.interfaces.sirene.mapping import from_establishment, from_unit
from raccord.interfaces.sirene.population import generate
from raccord.interfaces.sirene.shapes import etablissement, unite_legale

UNITS = list(generate(400))


def first(condition: Any) -> tuple[Any, Any]:
    return next((u, e) for u in UNITS for e in u.establishments if condition(u, e))


# The real answer of GET /siret/26570134200148 (INSEE, 2021), as documented.
CCAS_METZ: dict[str, Any] = {
    "siren": "265701342", "nic": "00148", "siret": "26570134200148",
    "statutDiffusionEtablissement": "O", "dateCreationEtablissement": "2004-02-01",
    "dateDernierTraitementEtablissement": "2021-10-27T08:13:02", "etablissementSiege": True,
    "uniteLegale": {
        "etatAdministratifUniteLegale": "A", "statutDiffusionUniteLegale": "O",
        "categorieJuridiqueUniteLegale": "7361",
        "denominationUniteLegale": "CENTRE COMMUNAL D'ACTION SOCIALE",
        "sigleUniteLegale": "CCAS", "activitePrincipaleUniteLegale": "88.99B",
        "nicSiegeUniteLegale": "00148"},
    "adresseEtablissement": {
        "complementAdresseEtablissement": "22-24", "numeroVoieEtablissement": "22",
        "typeVoieEtablissement": "RUE", "libelleVoieEtablissement": "DU WAD BILLY",
        "codePostalEtablissement": "57000", "libelleCommuneEtablissement": "METZ",
        "codeCommuneEtablissement": "57463"},
    "adresse2Etablissement": {},
    "periodesEtablissement": [
        {"dateDebut": "2008-01-01", "etatAdministratifEtablissement": "A",
         "activitePrincipaleEtablissement": "88.99B"},
        {"dateFin": "2007-12-31", "dateDebut": "2004-12-25",
         "etatAdministratifEtablissement": "A", "activitePrincipaleEtablissement": "85.3K"}],
}


def test_a_real_answer_fills_a_legal_person() -> None:
    filled = from_establishment(CCAS_METZ)
    assert filled.name == "CENTRE COMMUNAL D'ACTION SOCIALE"
    assert filled.address_lines == ["22-24", "22 RUE DU WAD BILLY"]
    assert (filled.postcode, filled.city, filled.country) == ("57000", "METZ", "FR")
    assert (filled.siren, filled.siret) == ("265701342", "26570134200148")
    assert filled.naf == "88.99B"  # the current period's, not the 2007 one
    assert filled.legal_form == "7361"
    assert filled.vat_number == vat_number("265701342")
    assert filled.head_office is True and not filled.closed and filled.notes == []


def test_an_individual_is_named_by_first_and_last_name() -> None:
    unit, est = first(lambda u, e: u.individual and u.diffusible and not u.usage_name)
    filled = from_establishment(etablissement(unit, est))
    assert filled.name == f"{unit.first_name} {unit.last_name}"
    assert filled.legal_form == "1000"


def test_an_individual_s_usage_name_comes_first() -> None:
    unit, est = first(lambda u, e: u.individual and u.diffusible and u.usage_name)
    assert from_establishment(etablissement(unit, est)).name == \
        f"{unit.first_name} {unit.usage_name}"


def test_the_trade_name_comes_from_the_sign_or_the_usual_name() -> None:
    unit, est = first(lambda u, e: u.diffusible and e.trade_name)
    assert from_establishment(etablissement(unit, est)).trade_name == est.trade_name
    unit, est = first(lambda u, e: u.usual_name and not e.trade_name)
    assert from_establishment(etablissement(unit, est)).trade_name == unit.usual_name


def test_a_closed_establishment_is_closed_with_its_date() -> None:
    unit, est = first(lambda u, e: u.open and not e.open and u.diffusible)
    filled = from_establishment(etablissement(unit, est))
    assert filled.closed and filled.closed_on == est.closed_on
    day = est.closed_on
    assert f"{day[8:10]}/{day[5:7]}/{day[:4]}" in filled.notes[0].fr
    assert "Establishment closed" in filled.notes[0].en


def test_a_ceased_company_is_closed_with_its_date() -> None:
    unit, est = first(lambda u, e: not u.open)
    filled = from_establishment(etablissement(unit, est))
    assert filled.closed and filled.closed_on == est.closed_on
    assert "Company ceased" in filled.notes[0].en
    from_siren = from_unit(unite_legale(unit))
    assert from_siren.closed and from_siren.closed_on == unit.closed_on


def test_a_non_diffusible_individual_fills_only_what_may_be_shown() -> None:
    unit, est = first(lambda u, e: u.individual and not u.diffusible)
    filled = from_establishment(etablissement(unit, est))
    assert filled.name == "" and filled.address_lines == []
    assert "[ND]" not in repr(filled)
    assert filled.postcode == est.postcode and filled.city  # the commune stays public
    assert filled.siret == est.siret and filled.vat_number
    assert {"name", "address"} <= set(filled.hidden)
    assert not filled.diffusible
    note = filled.notes[-1]
    assert "status P" in note.en and "ask the third party" in note.en
    assert "statut P" in note.fr


def test_street_types_and_repetition_are_spelled_out() -> None:
    assert street_line({"numeroVoieEtablissement": "3", "indiceRepetitionEtablissement": "B",
                        "typeVoieEtablissement": "AV",
                        "libelleVoieEtablissement": "DES LILAS"}) == "3 BIS AVENUE DES LILAS"
    assert street_line({"typeVoieEtablissement": "CHS",
                        "libelleVoieEtablissement": "DU PORT"}) == "CHAUSSEE DU PORT"
    # Sirene 4 may already spell the type out: kept as it is.
    assert street_line({"typeVoieEtablissement": "AVENUE",
                        "libelleVoieEtablissement": "FOCH"}) == "AVENUE FOCH"


def test_paris_arrondissements_cedex_and_foreign_addresses_read_as_postal_addresses() -> None:
    lines, postcode, city, country = postal_lines({
        "numeroVoieEtablissement": "10", "typeVoieEtablissement": "BD",
        "libelleVoieEtablissement": "VOLTAIRE", "codePostalEtablissement": "75011",
        "libelleCommuneEtablissement": "PARIS 11"})
    assert (lines, postcode, city, country) == (["10 BOULEVARD VOLTAIRE"], "75011", "PARIS",
                                                "FR")
    lines, postcode, city, _ = postal_lines({
        "distributionSpecialeEtablissement": "BP 12", "codePostalEtablissement": "57000",
        "libelleCommuneEtablissement": "METZ", "codeCedexEtablissement": "57036",
        "libelleCedexEtablissement": "METZ CEDEX 1"})
    assert (lines, postcode, city) == (["BP 12"], "57036", "METZ CEDEX 1")
    lines, postcode, city, country = postal_lines({
        "numeroVoieEtablissement": "5", "libelleVoieEtablissement": "UNTER DEN LINDEN",
        "libelleCommuneEtrangerEtablissement": "BERLIN",
        "codePaysEtrangerEtablissement": "99109",
        "libellePaysEtrangerEtablissement": "ALLEMAGNE"})
    assert (lines, postcode, city, country) == (["5 UNTER DEN LINDEN"], "", "BERLIN", "DE")


def test_a_siren_without_a_known_head_office_still_names_the_company() -> None:
    unit = next(u for u in UNITS if not u.individual and u.open and u.diffusible)
    filled = from_unit(unite_legale(unit))
    assert filled.name == unit.name and filled.siret == ""
    assert filled.vat_number == vat_number(unit.siren)
    assert "head office is not known" in filled.notes[-1].en
