"""INSEE SIRENE API 3.11 simulator: `/siret/{siret}`, `/siren/{siren}`, `/informations`, the key
header, 30 calls a minute, and the real answer shapes (including `[ND]` masking)."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI, Header
from fastapi.responses import JSONResponse

from raccord.interfaces.sirene.population import ND, Establishment, LegalUnit, generate
from raccord.sandbox.simulator import Quotas, Simulator, build

SANDBOX_KEY = "sandbox-sirene-key"
UNSUBSCRIBED_KEY = "sandbox-sirene-unsubscribed"
POPULATION_SIZE = 300


def _error(status: int, message: str) -> JSONResponse:
    return JSONResponse({"header": {"statut": status, "message": message}}, status_code=status)


def _unit_fields(unit: LegalUnit) -> dict[str, Any]:
    hidden = not unit.diffusible
    return {
        "statutDiffusionUniteLegale": "O" if unit.diffusible else "P",
        "etatAdministratifUniteLegale": "A" if unit.open else "C",
        "dateCreationUniteLegale": unit.created_on,
        "categorieJuridiqueUniteLegale": unit.legal_form,
        "denominationUniteLegale": unit.name,
        "nomUniteLegale": ND if hidden and unit.individual else unit.last_name,
        "nomUsageUniteLegale": None,
        "prenom1UniteLegale": ND if hidden and unit.individual else unit.first_name,
        "prenomUsuelUniteLegale": ND if hidden and unit.individual else unit.first_name,
        "sexeUniteLegale": (ND if hidden else "F") if unit.individual else None,
        "activitePrincipaleUniteLegale": unit.naf,
        "nomenclatureActivitePrincipaleUniteLegale": "NAFRev2",
        "nicSiegeUniteLegale": unit.head_office.nic,
        "caractereEmployeurUniteLegale": "N",
    }


def etablissement(unit: LegalUnit, est: Establishment) -> dict[str, Any]:
    hidden = not unit.diffusible
    street = {
        "numeroVoieEtablissement": ND if hidden else est.street_number,
        "typeVoieEtablissement": ND if hidden else est.street_type,
        "libelleVoieEtablissement": ND if hidden else est.street_name,
        "complementAdresseEtablissement": None,
    }
    return {
        "siren": est.siren, "nic": est.nic, "siret": est.siret,
        "statutDiffusionEtablissement": "O" if unit.diffusible else "P",
        "dateCreationEtablissement": est.created_on,
        "etablissementSiege": est.head_office,
        "dateDernierTraitementEtablissement": "2026-10-01T08:00:00.000",
        "uniteLegale": _unit_fields(unit),
        "adresseEtablissement": {
            **street,
            "codePostalEtablissement": est.postcode,
            "libelleCommuneEtablissement": est.city,
            "codeCommuneEtablissement": est.city_code,
            "codePaysEtrangerEtablissement": None,
            "libellePaysEtrangerEtablissement": None,
            "coordonneeLambertAbscisseEtablissement": ND if hidden else "651234.5",
            "coordonneeLambertOrdonneeEtablissement": ND if hidden else "6862345.1",
        },
        "periodesEtablissement": [{
            "dateFin": None,
            "dateDebut": est.closed_on or est.created_on,
            "etatAdministratifEtablissement": "A" if est.open else "F",
            "enseigne1Etablissement": ND if hidden and est.trade_name else est.trade_name,
            "denominationUsuelleEtablissement": None,
            "activitePrincipaleEtablissement": est.naf,
            "nomenclatureActivitePrincipaleEtablissement": "NAFRev2",
        }],
    }


def unite_legale(unit: LegalUnit) -> dict[str, Any]:
    fields = _unit_fields(unit)
    period_keys = ("etatAdministratifUniteLegale", "nomUniteLegale", "nomUsageUniteLegale",
                   "denominationUniteLegale", "categorieJuridiqueUniteLegale",
                   "activitePrincipaleUniteLegale", "nomenclatureActivitePrincipaleUniteLegale",
                   "nicSiegeUniteLegale", "caractereEmployeurUniteLegale")
    period = {k: fields.pop(k) for k in period_keys}
    period.update({"dateFin": None, "dateDebut": unit.closed_on or unit.created_on})
    return {"siren": unit.siren, **fields, "periodesUniteLegale": [period]}


def make_simulator(size: int = POPULATION_SIZE) -> Simulator:
    sim = Simulator("sirene", default_quotas=Quotas(per_minute=30))
    units = {u.siren: u for u in generate(size)}
    establishments = {e.siret: (u, e) for u in units.values() for e in u.establishments}
    sim.state.update(units=units, establishments=establishments,
                     keys={SANDBOX_KEY: True, UNSUBSCRIBED_KEY: False})
    app = FastAPI(title="INSEE API Sirene 3.11 (simulator)")

    def refused(key: str | None) -> JSONResponse | None:
        subscribed = sim.state["keys"].get(key or "")
        if subscribed is None:
            return JSONResponse({"error": "Unauthorized", "message": "invalid API key"},
                                status_code=401)
        if not subscribed:
            return JSONResponse({"error": "Forbidden", "message": "not subscribed"},
                                status_code=403)
        return None

    @app.get("/informations")
    def informations(x_insee_api_key_integration: str | None = Header(None)) -> Any:
        return refused(x_insee_api_key_integration) or {
            "etatService": "UP", "etatsDesServices": [
                {"Collection": "Unités Légales", "etatCollection": "UP"},
                {"Collection": "Établissements", "etatCollection": "UP"}],
            "versionService": "3.11", "datesDernieresMisesAJourDesDonnees": [
                {"collection": "Unités Légales", "dateDerniereMiseADisposition":
                 "2026-11-22T05:00:00.000"}]}

    @app.get("/siret/{siret}")
    def by_siret(siret: str, x_insee_api_key_integration: str | None = Header(None)) -> Any:
        denied = refused(x_insee_api_key_integration)
        if denied:
            return denied
        if not (siret.isdigit() and len(siret) == 14):
            return _error(400, f"Le paramètre siret {siret} est invalide")
        found = establishments.get(siret)
        if found is None:
            return _error(404, f"Aucun élément trouvé pour le siret {siret}")
        return {"header": {"statut": 200, "message": "ok"}, "etablissement": etablissement(*found)}

    @app.get("/siren/{siren}")
    def by_siren(siren: str, x_insee_api_key_integration: str | None = Header(None)) -> Any:
        denied = refused(x_insee_api_key_integration)
        if denied:
            return denied
        if not (siren.isdigit() and len(siren) == 9):
            return _error(400, f"Le paramètre siren {siren} est invalide")
        unit = units.get(siren)
        if unit is None:
            return _error(404, f"Aucun élément trouvé pour le siren {siren}")
        return {"header": {"statut": 200, "message": "OK"}, "uniteLegale": unite_legale(unit)}

    return build(sim, app, lambda status: {"header": {"statut": status, "message":
                                                      "Too Many Requests" if status == 429
                                                      else "Erreur"}})
