"""From a SIRENE answer (API 3.11 shapes, or a local copy row rebuilt in those shapes) to the
fields of a third party: name, trade name, postal address, identity, VAT, state. `Filled` is
what the SIRENE client hands the features: INSEE's field names stay in this folder."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import date
from typing import Any

from raccord.core.i18n import Tr
from raccord.core.identifiers import vat_number
from raccord.interfaces.sirene.addresses import ND, postal_lines, shown

INDIVIDUAL = "1000"
# Level III legal categories most often met (INSEE nomenclature), for display.
LEGAL_FORMS = {
    "1000": Tr("Entrepreneur individuel", "Sole trader"),
    "5202": Tr("Société en nom collectif", "General partnership (SNC)"),
    "5410": Tr("SARL nationale", "Private limited company (SARL)"),
    "5485": Tr("Société d'exercice libéral à responsabilité limitée", "SELARL"),
    "5499": Tr("Société à responsabilité limitée (SARL)", "Private limited company (SARL)"),
    "5599": Tr("SA à conseil d'administration", "Public limited company (SA, board)"),
    "5699": Tr("SA à directoire", "Public limited company (SA, management board)"),
    "5710": Tr("Société par actions simplifiée (SAS)", "Simplified joint-stock company (SAS)"),
    "5720": Tr("SAS à associé unique (SASU)", "Single-member SAS (SASU)"),
    "6540": Tr("Société civile immobilière (SCI)", "Real-estate partnership (SCI)"),
    "6599": Tr("Autre société civile", "Other civil partnership"),
    "7120": Tr("Service central d'un ministère", "Central government department"),
    "7210": Tr("Commune", "Municipality"),
    "7361": Tr("Centre communal d'action sociale", "Municipal social action centre"),
    "9220": Tr("Association déclarée", "Registered association"),
}
HIDDEN_WORDS = {
    "name": Tr("nom", "name"), "trade_name": Tr("enseigne", "trade name"),
    "address": Tr("adresse précise", "street address"),
}


@dataclass
class Filled:
    """What SIRENE tells about a number, as third-party fields."""

    siren: str
    siret: str = ""
    name: str = ""
    trade_name: str = ""
    address_lines: list[str] = field(default_factory=list)
    postcode: str = ""
    city: str = ""
    country: str = "FR"
    naf: str = ""
    legal_form: str = ""
    vat_number: str = ""
    head_office: bool | None = None
    closed: bool = False
    closed_on: str | None = None
    diffusible: bool = True
    hidden: list[str] = field(default_factory=list)
    notes: list[Tr] = field(default_factory=list)
    source: str = ""
    updated_at: str = ""

    @property
    def legal_form_label(self) -> Tr | None:
        return LEGAL_FORMS.get(self.legal_form)

    def address_line(self, index: int) -> str:
        return self.address_lines[index] if index < len(self.address_lines) else ""

    def to_record(self) -> dict[str, Any]:
        """A JSON-able copy (for the answers cache); `from_record` reads it back."""
        data = asdict(self)
        data["notes"] = [{"fr": n.fr, "en": n.en} for n in self.notes]
        return data

    @classmethod
    def from_record(cls, data: dict[str, Any]) -> Filled:
        """Raises ValueError for anything `to_record` did not write."""
        try:
            notes = [Tr(n["fr"], n["en"]) for n in data.get("notes") or []]
            return cls(**{**data, "notes": notes})
        except (KeyError, TypeError) as error:
            raise ValueError(f"not a kept SIRENE answer: {error}") from None

    def as_dict(self, lang: str = "fr") -> dict[str, Any]:
        data = asdict(self)
        label = self.legal_form_label
        data["legal_form_label"] = label(lang) if label else ""
        data["notes"] = [n(lang) for n in self.notes]
        for index in range(3):
            data[f"address{index + 1}"] = self.address_line(index)
        return data


def _person_name(unit: dict[str, Any]) -> str:
    first = shown(unit.get("prenomUsuelUniteLegale")) or shown(unit.get("prenom1UniteLegale"))
    last = shown(unit.get("nomUsageUniteLegale")) or shown(unit.get("nomUniteLegale"))
    return " ".join(p for p in (first, last) if p)


def _unit_name(unit: dict[str, Any]) -> tuple[str, bool]:
    """(name, masked) of a legal unit's flattened current values."""
    if unit.get("categorieJuridiqueUniteLegale") == INDIVIDUAL or not unit.get(
            "denominationUniteLegale"):
        name = _person_name(unit)
        masked = ND in (unit.get("nomUniteLegale"), unit.get("prenom1UniteLegale"),
                        unit.get("prenomUsuelUniteLegale"))
        return name, masked and not name
    denomination = unit.get("denominationUniteLegale")
    return shown(denomination), denomination == ND


def _french(day: str | None) -> str:
    try:
        return date.fromisoformat(day or "").strftime("%d/%m/%Y")
    except ValueError:
        return day or ""


def _closed_notes(filled: Filled, unit_closed: bool, establishment: bool) -> None:
    when = _french(filled.closed_on)
    if unit_closed:
        filled.notes.append(Tr(
            f"Entreprise cessée{' le ' + when if when else ''} (INSEE) : vérifiez le numéro "
            "avant de l'utiliser.",
            f"Company ceased{' on ' + when if when else ''} (INSEE): check the number before "
            "using it."))
    elif establishment:
        filled.notes.append(Tr(
            f"Établissement fermé{' le ' + when if when else ''} (INSEE) : l'entreprise a "
            "peut-être un autre établissement ouvert ; cherchez par son SIREN.",
            f"Establishment closed{' on ' + when if when else ''} (INSEE): the company may "
            "have another open establishment; look its SIREN up."))


def _diffusion_note(filled: Filled) -> None:
    if not filled.hidden:
        return
    fr = ", ".join(HIDDEN_WORDS[h].fr for h in filled.hidden)
    en = ", ".join(HIDDEN_WORDS[h].en for h in filled.hidden)
    filled.notes.append(Tr(
        f"Entreprise partiellement diffusible (statut P) : à la demande de l'entrepreneur, "
        f"l'INSEE ne publie pas ces données ({fr}). Elles restent vides : demandez-les "
        "directement au tiers.",
        f"Partly non-diffusible company (status P): at the owner's request, INSEE does not "
        f"publish these ({en}). They are left empty: ask the third party for them."))


def from_establishment(etab: dict[str, Any], unit_periods: dict[str, Any] | None = None
                       ) -> Filled:
    """An `etablissement` (from `/siret`, the `/siret` search, or the local copy)."""
    unit = etab.get("uniteLegale") or {}
    periods = etab.get("periodesEtablissement") or [{}]
    period = next((p for p in periods if not p.get("dateFin")), periods[0])
    address = etab.get("adresseEtablissement") or {}
    siren = str(etab.get("siren") or str(etab.get("siret", ""))[:9])
    filled = Filled(siren=siren, siret=str(etab.get("siret") or ""),
                    updated_at=str(etab.get("dateDernierTraitementEtablissement") or ""))
    filled.name, name_masked = _unit_name(unit)
    trade_sources = (period.get("enseigne1Etablissement"),
                     period.get("denominationUsuelleEtablissement"),
                     unit.get("denominationUsuelle1UniteLegale"))
    filled.trade_name = next((shown(v) for v in trade_sources if shown(v)), "")
    lines, filled.postcode, filled.city, filled.country = postal_lines(address)
    filled.address_lines = lines
    filled.naf = shown(period.get("activitePrincipaleEtablissement")) or shown(
        unit.get("activitePrincipaleUniteLegale"))
    filled.legal_form = shown(unit.get("categorieJuridiqueUniteLegale"))
    filled.vat_number = vat_number(siren) if len(siren) == 9 else ""
    filled.head_office = bool(etab.get("etablissementSiege"))
    filled.diffusible = etab.get("statutDiffusionEtablissement") != "P" and unit.get(
        "statutDiffusionUniteLegale") != "P"
    if name_masked:
        filled.hidden.append("name")
    if ND in trade_sources and not filled.trade_name:
        filled.hidden.append("trade_name")
    if ND in (address.get("numeroVoieEtablissement"), address.get("libelleVoieEtablissement"),
              address.get("typeVoieEtablissement")):
        filled.hidden.append("address")
    establishment_closed = period.get("etatAdministratifEtablissement") == "F"
    unit_closed = unit.get("etatAdministratifUniteLegale") == "C"
    filled.closed = establishment_closed or unit_closed
    if establishment_closed:
        filled.closed_on = period.get("dateDebut")
    elif unit_closed and unit_periods is not None:
        filled.closed_on = unit_periods.get("dateDebut")
    _closed_notes(filled, unit_closed, establishment_closed)
    _diffusion_note(filled)
    return filled


def from_unit(unit: dict[str, Any]) -> Filled:
    """A `uniteLegale` with its periods (from `/siren`), when no establishment is known."""
    periods = unit.get("periodesUniteLegale") or [{}]
    current = next((p for p in periods if not p.get("dateFin")), periods[0])
    flat = {**unit, **current}
    siren = str(unit.get("siren") or "")
    filled = Filled(siren=siren, updated_at=str(unit.get("dateDernierTraitementUniteLegale")
                                                or ""))
    filled.name, name_masked = _unit_name(flat)
    filled.trade_name = shown(flat.get("denominationUsuelle1UniteLegale"))
    filled.naf = shown(flat.get("activitePrincipaleUniteLegale"))
    filled.legal_form = shown(flat.get("categorieJuridiqueUniteLegale"))
    filled.vat_number = vat_number(siren) if len(siren) == 9 else ""
    filled.diffusible = flat.get("statutDiffusionUniteLegale") != "P"
    if name_masked:
        filled.hidden.append("name")
    filled.closed = flat.get("etatAdministratifUniteLegale") == "C"
    if filled.closed:
        filled.closed_on = current.get("dateDebut")
    _closed_notes(filled, filled.closed, False)
    filled.notes.append(Tr(
        "Le siège de cette entreprise n'est pas connu : l'adresse reste à saisir.",
        "This company's head office is not known: the address is left to fill in."))
    _diffusion_note(filled)
    return filled
