"""INSEE SIRENE API 3.11 simulator: `/siret/{siret}`, `/siren/{siren}`, the `/siret` search
(`q=siren:… AND etablissementSiege:true`, GET or POST form), `/informations`, the key header,
30 calls a minute, and the real answer shapes (including `[ND]` masking)."""

from __future__ import annotations

import time
from typing import Any

from fastapi import FastAPI, Form, Header
from fastapi.responses import JSONResponse

from raccord.core.simulator import Quotas, Simulator, build
from raccord.interfaces.sirene.population import Establishment, LegalUnit, cast_units, generate
from raccord.interfaces.sirene.shapes import etablissement, unite_legale, without_nulls

__all__ = ["SANDBOX_KEY", "UNSUBSCRIBED_KEY", "etablissement", "make_simulator", "unite_legale"]

SANDBOX_KEY = "sandbox-sirene-key"
UNSUBSCRIBED_KEY = "sandbox-sirene-unsubscribed"
POPULATION_SIZE = 300
# Fields the simulated search understands (the real one takes any field, Lucene syntax).
SEARCH_FIELDS = {"siren", "siret", "nic", "etablissementSiege", "codePostalEtablissement"}


def _error(status: int, message: str) -> JSONResponse:
    return JSONResponse({"header": {"statut": status, "message": message}}, status_code=status)


def _shown(body: dict[str, Any], hide_nulls: str | None) -> dict[str, Any]:
    return without_nulls(body) if (hide_nulls or "").lower() == "true" else body


def _parse_q(q: str) -> dict[str, str] | None:
    """`field:value AND field:value` into a dict, or None for what the simulator cannot read."""
    terms: dict[str, str] = {}
    for term in q.split(" AND "):
        name, _, value = term.strip().partition(":")
        if not value or name not in SEARCH_FIELDS:
            return None
        terms[name] = value.strip().strip('"')
    return terms


def _matches(est: Establishment, terms: dict[str, str]) -> bool:
    values = {"siren": est.siren, "siret": est.siret, "nic": est.nic,
              "etablissementSiege": "true" if est.head_office else "false",
              "codePostalEtablissement": est.postcode}
    return all(values[k] == v for k, v in terms.items())


def make_simulator(size: int = POPULATION_SIZE) -> Simulator:
    sim = Simulator("sirene", default_quotas=Quotas(per_minute=30))
    units = {u.siren: u for u in generate(size)}
    units.update({u.siren: u for u in cast_units()})
    establishments = {e.siret: (u, e) for u in units.values() for e in u.establishments}
    # served_at: when each call got past the key and quota checks (tests read the spacing).
    sim.state.update(units=units, establishments=establishments, served_at=[],
                     keys={SANDBOX_KEY: True, UNSUBSCRIBED_KEY: False})
    app = FastAPI(title="INSEE API Sirene 3.11 (simulator)")

    def refused(key: str | None) -> JSONResponse | None:
        sim.state["served_at"].append(time.time())
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
    def by_siret(siret: str, masquerValeursNulles: str | None = None,
                 x_insee_api_key_integration: str | None = Header(None)) -> Any:
        denied = refused(x_insee_api_key_integration)
        if denied:
            return denied
        if not (siret.isdigit() and len(siret) == 14):
            return _error(400, f"Le paramètre siret {siret} est invalide")
        found = establishments.get(siret)
        if found is None:
            return _error(404, f"Aucun élément trouvé pour le siret {siret}")
        return _shown({"header": {"statut": 200, "message": "ok"},
                       "etablissement": etablissement(*found)}, masquerValeursNulles)

    @app.get("/siren/{siren}")
    def by_siren(siren: str, masquerValeursNulles: str | None = None,
                 x_insee_api_key_integration: str | None = Header(None)) -> Any:
        denied = refused(x_insee_api_key_integration)
        if denied:
            return denied
        if not (siren.isdigit() and len(siren) == 9):
            return _error(400, f"Le paramètre siren {siren} est invalide")
        unit = units.get(siren)
        if unit is None:
            return _error(404, f"Aucun élément trouvé pour le siren {siren}")
        return _shown({"header": {"statut": 200, "message": "OK"},
                       "uniteLegale": unite_legale(unit)}, masquerValeursNulles)

    def search(q: str | None, nombre: int, debut: int, hide_nulls: str | None) -> Any:
        if not q:
            return _error(400, "Le paramètre q est obligatoire")
        terms = _parse_q(q)
        if terms is None:
            return _error(400, f"Erreur de syntaxe dans le paramètre q={q}")
        if not 0 <= nombre <= 1000:
            return _error(400, "Le paramètre nombre doit être compris entre 0 et 1000")
        pool: list[tuple[LegalUnit, Establishment]]
        if "siren" in terms:
            unit = units.get(terms["siren"])
            pool = [(unit, e) for e in unit.establishments] if unit else []
        else:
            pool = list(establishments.values())
        found = [(u, e) for u, e in pool if _matches(e, terms)]
        if not found:
            return _error(404, f"Aucun élément trouvé pour q={q}")
        page = found[debut:debut + nombre]
        return _shown({"header": {"statut": 200, "message": "OK", "total": len(found),
                                  "debut": debut, "nombre": len(page)},
                       "etablissements": [etablissement(u, e) for u, e in page]}, hide_nulls)

    @app.get("/siret")
    def search_get(q: str | None = None, nombre: int = 20, debut: int = 0,
                   masquerValeursNulles: str | None = None,
                   x_insee_api_key_integration: str | None = Header(None)) -> Any:
        return refused(x_insee_api_key_integration) or search(q, nombre, debut,
                                                              masquerValeursNulles)

    @app.post("/siret")
    def search_post(q: str | None = Form(None), nombre: int = Form(20), debut: int = Form(0),
                    masquerValeursNulles: str | None = Form(None),
                    x_insee_api_key_integration: str | None = Header(None)) -> Any:
        return refused(x_insee_api_key_integration) or search(q, nombre, debut,
                                                              masquerValeursNulles)

    return build(sim, app, lambda status: {"header": {"statut": status, "message":
                                                      "Too Many Requests" if status == 429
                                                      else "Erreur"}})
