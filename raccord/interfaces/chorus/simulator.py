"""PISTE + CHORUS PRO simulator: the OAuth token endpoint (`/api/oauth/token`) and the `/cpro/...`
calls raccord uses, with the gateway's 401/403, `cpro-account` checks, `codeRetour`/`libelle`
answers, flows processed after a delay, the qualification space's test structures, and the
production space's quotas (20 calls/s, 1,000,000/day; change them through `sim.faults`)."""

from __future__ import annotations

import base64
import binascii
import math
import time
from dataclasses import dataclass, field
from http import HTTPStatus
from typing import Any

from fastapi import Body, Depends, FastAPI, Header, Request
from fastapi.responses import JSONResponse

from raccord.core.simulator import ASGIApp, Quotas, Receive, Scope, Send, Simulator, build
from raccord.interfaces.chorus.portal import (
    FINAL_FLOW_STATES,
    KNOWN_SYNTAXES,
    SUPPORTED_SYNTAXES,
    Flow,
    Portal,
    PortalInvoice,
    minute,
    stamp,
)
from raccord.interfaces.demo import DEMO, QUALIFICATION_SUPPLIER

SANDBOX_CLIENT_ID = "raccord-sandbox-piste-app"
SANDBOX_CLIENT_SECRET = "sandbox-piste-secret-4f2a"
UNSUBSCRIBED_CLIENT_ID = "raccord-sandbox-unsubscribed-app"
SANDBOX_LOGIN = "TECH_1_demo@cpro.fr"
SANDBOX_PASSWORD = "sandbox-cpro-password-7d1c"
DEMO_SIRET = DEMO.siret  # the sandbox's DEMO company (raccord.interfaces.demo)
QUALIF_SUPPLIER = QUALIFICATION_SUPPLIER.siret  # the qualification space's test supplier
OK = {"codeRetour": 0, "libelle": "TRA_MSG_00.000"}
NO_RESULT = {"codeRetour": 20000,
             "libelle": "TRA_MSG_00.015 - La recherche n'a retourné aucun résultat"}
MAX_FILE_BYTES = 10 * 1024 * 1024


@dataclass
class ChorusSimulator(Simulator):
    portal: Portal = field(default_factory=lambda: Portal({}, {}))
    # client_id -> (secret, subscribed to the CHORUS PRO APIs)
    apps: dict[str, tuple[str, bool]] = field(default_factory=dict)
    token_apps: dict[str, str] = field(default_factory=dict)

    def reset(self) -> None:
        super().reset()
        self.portal.reset()
        self.portal.processing_s = 2.0
        self.portal.token_lifetime_s = 3600
        self.portal.lose_next_deposits = 0


class Gate(Exception):
    """An answer of the PISTE gateway itself (IBM API Connect style body)."""

    def __init__(self, status: int, more: str) -> None:
        super().__init__(more)
        self.status = status
        self.more = more


def gateway_body(status: int, more: str = "") -> dict[str, str]:
    return {"httpCode": str(status), "httpMessage": HTTPStatus(status).phrase,
            "moreInformation": more or HTTPStatus(status).description}


def _refused(status: int, code: int, libelle: str) -> JSONResponse:
    return JSONResponse({"codeRetour": code, "libelle": libelle}, status_code=status)


def make_simulator() -> ChorusSimulator:
    portal = Portal({member.siret: member.legal_name for member in (DEMO, QUALIFICATION_SUPPLIER)},
                    {SANDBOX_LOGIN: (SANDBOX_PASSWORD, {DEMO_SIRET, QUALIF_SUPPLIER})})
    sim = ChorusSimulator("chorus", default_quotas=Quotas(per_second=20, per_day=1_000_000),
                          portal=portal,
                          apps={SANDBOX_CLIENT_ID: (SANDBOX_CLIENT_SECRET, True),
                                UNSUBSCRIBED_CLIENT_ID: (SANDBOX_CLIENT_SECRET, False)})
    app = FastAPI(title="PISTE + CHORUS PRO (simulator)")

    @app.exception_handler(Gate)
    async def gate(_request: Request, error: Gate) -> JSONResponse:
        return JSONResponse(gateway_body(error.status, error.more), status_code=error.status)

    def token_of(authorization: str | None) -> str:
        header = authorization or ""
        token = header[7:].strip() if header.lower().startswith("bearer ") else ""
        if not sim.token_valid(token):
            raise Gate(401, "Cannot pass the security checks that are required by the target "
                            "API or operation: invalid or expired access token.")
        return token

    def caller(authorization: str | None = Header(None),
               cpro_account: str | None = Header(None, alias="cpro-account")) -> str:
        client_id = sim.token_apps.get(token_of(authorization), "")
        if not sim.apps.get(client_id, ("", False))[1]:
            raise Gate(403, "The client application is not subscribed to this API.")
        login = portal.account(cpro_account)
        if login is None:
            raise Gate(401, "cpro-account: compte technique ou mot de passe invalide.")
        return login

    @app.post("/api/oauth/token")
    async def token(request: Request) -> JSONResponse:
        form = await request.form()
        if form.get("grant_type") != "client_credentials":
            return JSONResponse({"error": "unsupported_grant_type",
                                 "error_description": "grant_type must be client_credentials"},
                                status_code=400)
        known = sim.apps.get(str(form.get("client_id") or ""))
        if known is None or known[0] != form.get("client_secret"):
            return JSONResponse({"error": "invalid_client",
                                 "error_description": "Client authentication failed"},
                                status_code=400)
        lifetime = portal.token_lifetime_s
        value = sim.issue_token(lifetime)
        sim.token_apps[value] = str(form["client_id"])
        return JSONResponse({"access_token": value, "token_type": "Bearer",
                             "expires_in": lifetime, "scope": "openid"})

    @app.get("/cpro/transverses/v1/health-check")
    def health(authorization: str | None = Header(None)) -> dict[str, Any]:
        token_of(authorization)
        return {"body": "OK", "statusCode": "OK", "statusCodeValue": 200}

    @app.post("/cpro/transverses/v1/recuperer/structures/actives/fournisseur")
    def active_suppliers(login: str = Depends(caller)) -> dict[str, Any]:
        mine = [portal.structures[s] for s in sorted(portal.suppliers_of(login))]
        return {**OK, "listeStructures": [
            {"idStructureCPP": s.id, "identifiant": s.siret, "designationStructure": s.name}
            for s in mine]}

    @app.post("/cpro/transverses/v1/recuperer/tauxtva")
    def vat_rates(login: str = Depends(caller)) -> dict[str, Any]:
        return {**OK, "listeTauxTva": [
            {"codeTauxTva": code, "libelleTauxTva": f"{rate}%", "valeurTauxTva": rate}
            for code, rate in (("TVA1", 20.0), ("TVA2", 10.0), ("TVA3", 5.5), ("TVA4", 2.1),
                               ("TVA5", 0.0))]}

    @app.post("/cpro/factures/v1/deposer/flux")
    def deposit(body: dict[str, Any] = Body(default_factory=dict),
                login: str = Depends(caller)) -> Any:
        for name in ("fichierFlux", "nomFichier", "syntaxeFlux"):
            if not body.get(name):
                return _refused(400, 20002, f"GDP_MSG_01.001 - Le parametre {name} est "
                                            "obligatoire")
        syntax = str(body["syntaxeFlux"])
        if syntax not in KNOWN_SYNTAXES:
            return _refused(400, 20003, f"GDP_MSG_01.002 - La syntaxe de flux {syntax} est "
                                        "inconnue")
        try:
            content = base64.b64decode(str(body["fichierFlux"]), validate=True)
        except (binascii.Error, ValueError):
            return _refused(400, 20004, "GDP_MSG_01.003 - Le fichier du flux n'est pas encode "
                                        "en base64")
        if len(content) > MAX_FILE_BYTES:
            return _refused(400, 20001, "GDP_MSG_11.022 - La taille du fichier depasse la "
                                        "taille maximale autorisee (10 Mo)")
        flow = portal.deposit(login, syntax, str(body["nomFichier"]), content)
        if portal.lose_next_deposits > 0:
            portal.lose_next_deposits -= 1
            time.sleep(sim.faults.hang_s)
        return {"codeRetour": 0, "libelle": "GCU_MSG_01_000", "numeroFluxDepot": flow.number,
                "dateDepot": stamp(flow.deposited_at)[:10], "syntaxeFlux": syntax}

    def flow_or_missing(login: str, body: dict[str, Any]) -> Flow | JSONResponse:
        flow = portal.visible_flow(login, str(body.get("numeroFluxDepot") or ""))
        if flow is None:
            return _refused(200, 20001, "POQ_MSG_01.003 - Flux introuvable.")
        return flow

    @app.post("/cpro/transverses/v1/consulterCRDetaille")
    def detailed_report(body: dict[str, Any] = Body(default_factory=dict),
                        login: str = Depends(caller)) -> Any:
        flow = flow_or_missing(login, body)
        if isinstance(flow, JSONResponse):
            return flow
        answer = {**OK, **_flow_head(flow), "etatCourantDepotFlux": flow.state}
        if flow.state in FINAL_FLOW_STATES:
            answer["listeErreurDP"] = flow.errors_dp
            answer["listeErreurTechnique"] = flow.errors_tech
        return answer

    @app.post("/cpro/transverses/v1/consulterCR")
    def report(body: dict[str, Any] = Body(default_factory=dict),
               login: str = Depends(caller)) -> Any:
        flow = flow_or_missing(login, body)
        if isinstance(flow, JSONResponse):
            return flow
        head = _flow_head(flow)
        return {**OK, "numeroFluxDepot": flow.number, "nomFichierFlux": flow.file_name,
                "dateDepotFlux": head["dateDepotFlux"],
                "dateHeureEtatCourantFlux": head["dateHeureEtatCourantFlux"],
                "etatCourantFlux": flow.state,
                "codeInterfaceFlux": head["codeInterfaceDepotFlux"],
                "codeAppliPartenaire": "", "designationPartenaire": "", "fichierCR": ""}

    @app.post("/cpro/factures/v1/rechercher/fournisseur")
    def search(body: dict[str, Any] = Body(default_factory=dict),
               login: str = Depends(caller)) -> dict[str, Any]:
        found = [i for i in portal.visible_invoices(login) if _matches(i, body)]
        found.sort(key=lambda i: i.id)
        paging = body.get("rechercheFactureParFournisseur") or {}
        per_page = max(1, min(int(paging.get("nbResultatsParPage") or 10), 5000))
        page = max(1, int(paging.get("pageResultatDemandee") or 1))
        if not found:
            return NO_RESULT
        chunk = found[(page - 1) * per_page: page * per_page]
        return {**OK, "listeFactures": [_invoice_row(i) for i in chunk],
                "parametresRetour": {"nbResultatsParPage": per_page, "pageCourante": page,
                                     "pages": math.ceil(len(found) / per_page),
                                     "total": len(found)}}

    @app.post("/cpro/factures/v1/consulter/historique")
    def history(body: dict[str, Any] = Body(default_factory=dict),
                login: str = Depends(caller)) -> Any:
        wanted = body.get("idFacture")
        invoice = next((i for i in portal.visible_invoices(login) if i.id == wanted), None)
        if invoice is None:
            return _refused(200, 20001, "GFA_MSG_01.005 - Facture introuvable.")
        statuses = [{"histoStatutId": n + 1, "histoStatutCode": code,
                     "histoStatutCommentaire": comment, "histoStatutDatePassage": minute(at),
                     "histoStatutUtilisateurNom": "", "histoStatutUtilisateurPrenom": "",
                     "histoStatutUtilisateurEmail": "", "histoStatutUtilisateurTelephone": ""}
                    for n, (code, at, comment) in enumerate(invoice.history)]
        return {**OK, "idFacture": invoice.id, "numeroFacture": invoice.number,
                "modeDepot": "DEPOT_EDI", "statutCourantCode": invoice.status,
                "historiquesDesStatuts": {
                    "histoStatut": statuses, "nbResultatsParPageHistoStatut": 50,
                    "pageCouranteHistoStatut": 1, "pagesHistoStatut": 1,
                    "totalHistoStatut": len(statuses)},
                "historiquesDesActionsUtilisateurs": {"histoAction": []},
                "historiquesDesEvenementsComplementaires": {"evenement": []}}

    @app.post("/cpro/structures/v1/rechercher")
    def find_structures(body: dict[str, Any] = Body(default_factory=dict),
                        login: str = Depends(caller)) -> dict[str, Any]:
        wanted = (body.get("structure") or {}).get("identifiantStructure")
        mine = portal.suppliers_of(login)
        found = [s for s in portal.structures.values()
                 if (not wanted or s.siret == wanted) and (s.public or s.siret in mine)]
        if not found:
            return NO_RESULT
        return {**OK, "listeStructures": [
            {"idStructureCPP": s.id, "identifiantStructure": s.siret,
             "typeIdentifiantStructure": "SIRET", "designationStructure": s.name,
             "statut": "ACTIF"} for s in found],
            "parametresRetour": {"nbResultatsParPage": 10, "pageCourante": 1, "pages": 1,
                                 "total": len(found)}}

    def structure_by_id(number: Any) -> Any:
        return next((s for s in portal.structures.values() if s.id == number), None)

    @app.post("/cpro/structures/v1/consulter")
    def consult_structure(body: dict[str, Any] = Body(default_factory=dict),
                          login: str = Depends(caller)) -> Any:
        s = structure_by_id(body.get("idStructureCPP"))
        if s is None:
            return _refused(200, 20001, "GSP_MSG_01.003 - Structure introuvable.")
        return {**OK, "informationGenerales": {
            "idStructureCPP": s.id, "identifiantStructure": s.siret,
            "typeIdentifiantStructure": "SIRET", "raisonSocialeStructure": s.name,
            "libelleStructure": s.name,
            "structurePriveePublique": "PUBLIQUE" if s.public else "PRIVEE"},
            "parametres": {
                "codeServiceDoitEtreRenseigne": s.service_required,
                "numeroEJDoitEtreRenseigne": s.engagement_required,
                "gestionNumeroEJOuCodeService": s.service_or_engagement,
                "connexionEDI": False, "estMoaUniquement": False, "estValideurDelegue": False,
                "getaMoa": False, "nonDiffusibleInsee": False, "recevoirDonneesViaEDI": False,
                "statutMiseEnPaiementNestPasRemonte": False}}

    @app.post("/cpro/structures/v1/rechercher/services")
    def services(body: dict[str, Any] = Body(default_factory=dict),
                 login: str = Depends(caller)) -> Any:
        s = structure_by_id(body.get("idStructure"))
        if s is None or not s.services:
            return NO_RESULT
        return {**OK, "listeServices": [
            {"idService": v.id, "codeService": v.code, "libelleService": v.name,
             "estActif": v.active, "statutService": "ACTIF" if v.active else "INACTIF",
             "dateDbtService": "2016-10-25 17:42", "dateFinService": "2050-12-31 00:00"}
            for v in s.services],
            "parametresRetour": {"nbResultatsParPage": 10000, "pageCourante": 1, "pages": 1,
                                 "total": len(s.services)}}

    @app.post("/cpro/structures/v1/consulter/service")
    def consult_service(body: dict[str, Any] = Body(default_factory=dict),
                        login: str = Depends(caller)) -> Any:
        s = structure_by_id(body.get("idStructure"))
        v = next((v for v in (s.services if s else []) if v.id == body.get("idService")), None)
        if v is None:
            return _refused(200, 20001, "GSP_MSG_02.003 - Service introuvable.")
        return {**OK, "informationsGenerales": {"codeService": v.code, "nomService": v.name,
                                                "descriptionService": v.name},
                "parametres": {"dateCreation": "2016-10-25", "dateDebutValidite": "2016-10-25",
                               "dateFinValidite": "2050-12-31", "dateModification": "2024-01-01",
                               "miseEnPaiement": True,
                               "numeroEngagement": v.engagement_required}}

    @app.api_route("/cpro/{rest:path}", methods=["GET", "POST", "PUT", "DELETE"])
    def not_subscribed(rest: str) -> JSONResponse:
        return JSONResponse(gateway_body(403, f"The API /cpro/{rest} is not subscribed by the "
                                              "client application."), status_code=403)

    _control_routes(app, sim)
    built = build(sim, app, lambda status: gateway_body(status))
    assert isinstance(built, ChorusSimulator) and built.app is not None
    built.app = _arrivals(built.app, portal)
    return built


def _arrivals(app: ASGIApp, portal: Portal) -> ASGIApp:
    """Record when every call to the portal arrives, those later refused with 429 too."""

    async def recorder(scope: Scope, receive: Receive, send: Send) -> None:
        path = str(scope.get("path", ""))
        if scope["type"] == "http" and ("/cpro/" in path or path.endswith("/oauth/token")):
            portal.arrivals.append(time.time())
        await app(scope, receive, send)

    return recorder


def _flow_head(flow: Flow) -> dict[str, Any]:
    code = SUPPORTED_SYNTAXES.get(flow.syntax, "1100")
    return {"codeInterfaceDepotFlux": f"FSO{code}A", "dateDepotFlux": stamp(flow.deposited_at),
            "dateHeureEtatCourantFlux": stamp(flow.changed_at),
            "nomFichier": f"FSO{code}A_CPP001_{flow.number}"}


def _day_of(value: Any) -> str:
    return str(value or "")[:10]


def _matches(invoice: PortalInvoice, body: dict[str, Any]) -> bool:
    if body.get("numeroFluxDepot") and invoice.flow != body["numeroFluxDepot"]:
        return False
    if body.get("numeroFacture") and invoice.number != body["numeroFacture"]:
        return False
    statuses = body.get("statutCourant") or []
    if statuses and invoice.status not in statuses:
        return False
    changed = stamp(invoice.changed_at)[:10]
    for key, value, low in (("periodeDateDepotDu", invoice.deposited_on, True),
                            ("periodeDateDepotAu", invoice.deposited_on, False),
                            ("periodeDateHeureEtatCourantDu", changed, True),
                            ("periodeDateHeureEtatCourantAu", changed, False)):
        bound = _day_of(body.get(key))
        if bound and ((low and value < bound) or (not low and value > bound)):
            return False
    return True


def _invoice_row(i: PortalInvoice) -> dict[str, Any]:
    f = i.facts
    return {"identifiantFactureCPP": i.id, "numeroFacture": i.number, "statut": i.status,
            "numeroFluxDepot": i.flow, "dateDepot": i.deposited_on,
            "dateFacture": f"{f.issue_date[:4]}-{f.issue_date[4:6]}-{f.issue_date[6:8]}"
            if len(f.issue_date) == 8 else f.issue_date,
            "dateHeureEtatCourant": minute(i.changed_at),
            "typeFacture": "AVOIR" if f.credit_note else "FACTURE",
            "typeDemandePaiement": "FACTURE", "codeFournisseur": f.seller,
            "typeIdentifiantFournisseur": "SIRET", "codeDestinataire": f.buyer,
            "codeServiceExecutant": f.service_code, "numeroBonCommande": f.engagement,
            "montantHT": float(f.tax_basis or 0), "montantTTC": float(f.grand_total or 0),
            "montantAPayer": float(f.due or 0), "devise": f.currency, "modeDepot": "DEPOT_EDI",
            "commentaireEtatCourant": i.history[-1][2] if i.history else ""}


def _control_routes(app: FastAPI, sim: ChorusSimulator) -> None:
    portal = sim.portal

    @app.get("/_sim/chorus/state", include_in_schema=False)
    def state() -> dict[str, Any]:
        portal.settle()
        return {"deposits": dict(portal.deposits), "flows": len(portal.flows),
                "invoices": {i.number: {"id": i.id, "status": i.status, "flow": i.flow}
                             for i in portal.invoices.values()},
                "processing_s": portal.processing_s}

    @app.get("/_sim/chorus/calls", include_in_schema=False)
    def calls() -> dict[str, list[float]]:
        """When each call arrived (the busiest-second measure) and each deposit was
        recorded."""
        with portal.lock:
            deposits = sorted(f.deposited_at for f in portal.flows.values())
        return {"calls": list(portal.arrivals), "deposits": deposits}

    @app.post("/_sim/chorus/config", include_in_schema=False)
    def config(body: dict[str, Any] = Body(default_factory=dict)) -> dict[str, Any]:
        for key in ("processing_s", "token_lifetime_s", "lose_next_deposits"):
            if key in body:
                setattr(portal, key, type(getattr(portal, key))(body[key]))
        return {"processing_s": portal.processing_s,
                "token_lifetime_s": portal.token_lifetime_s,
                "lose_next_deposits": portal.lose_next_deposits}

    @app.post("/_sim/chorus/invoices/{invoice_id}/status", include_in_schema=False)
    def set_status(invoice_id: int, body: dict[str, Any] = Body(default_factory=dict)) -> Any:
        portal.settle()
        if invoice_id not in portal.invoices:
            return JSONResponse({"error": "unknown invoice"}, status_code=404)
        invoice = portal.set_status(invoice_id, str(body.get("statut") or ""),
                                    str(body.get("commentaire") or ""))
        return {"id": invoice.id, "status": invoice.status}

    @app.post("/_sim/chorus/reset", include_in_schema=False)
    def reset() -> dict[str, str]:
        sim.reset()
        return {"status": "reset"}
