"""The sandbox's welcome page, "Essayer raccord": what each interface does and, for each, a
ready example that works against the simulators — SIRETs the SIRENE simulator knows (the
demo company's too), invoices to send to the CHORUS PRO simulator (one per case), the other
features' examples (`tours`: receipts, a trip, a document to sign, a bank, a calendar), and
each interface's Test. Mounted by `raccord serve --sandbox` only."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from fastapi import APIRouter, Depends, FastAPI, Request
from fastapi.responses import RedirectResponse, Response

from raccord.core.accounts import Account
from raccord.core.i18n import Tr
from raccord.features.einvoicing import intake
from raccord.features.einvoicing.invoice import InvoiceData
from raccord.interfaces.demo import DEMO, QUALIFICATION_SUPPLIER
from raccord.interfaces.sirene.population import LegalUnit, luhn_complete
from raccord.sandbox import tours
from raccord.sandbox.examples import INVOICES, invoice_data
from raccord.sandbox.setup import Sandbox
from raccord.toolkit.pages import (
    add_template_folder,
    check_csrf,
    hub_of,
    may_change,
    render,
    signed_in,
)

add_template_folder(Path(__file__).parent / "templates")
router = APIRouter(include_in_schema=False)


@dataclass(frozen=True)
class SiretExample:
    siret: str
    title: Tr
    outcome: Tr


def _first(units: list[LegalUnit], test: Any) -> LegalUnit | None:
    return next((u for u in units if test(u)), None)


def siret_examples(box: Sandbox) -> list[SiretExample]:
    """Chosen from the SIRENE simulator's own population, so each is known to it."""
    units: list[LegalUnit] = list(box.simulators["sirene"].state["units"].values())
    found = [SiretExample(DEMO.siret, Tr("La société de démonstration (DEMO)",
                                         "The demo company (DEMO)"),
                          Tr(f"{DEMO.legal_name}, siège à Paris", f"{DEMO.legal_name}, head "
                             "office in Paris"))]
    picks = (
        (lambda u: not u.individual and u.open and u.diffusible and u.name,
         Tr("Une société en activité", "A company in business"),
         Tr("nom, adresse, NAF et TVA remplis", "name, address, NAF and VAT filled in")),
        (lambda u: u.individual and u.open and u.diffusible,
         Tr("Un entrepreneur individuel", "A sole trader"),
         Tr("nom et prénom de la personne", "the person's last and first names")),
        (lambda u: not u.open and u.diffusible,
         Tr("Une entreprise fermée", "A closed business"),
         Tr("remplie, avec la date de fermeture et un avertissement",
            "filled in, with its closing date and a warning")),
        (lambda u: not u.diffusible,
         Tr("Une entreprise non diffusible", "A non-diffusible business"),
         Tr("l'INSEE masque son identité : seuls les champs publics sont remplis",
            "INSEE hides its identity: only the public fields are filled in")),
    )
    for test, title, outcome in picks:
        unit = _first(units, test)
        if unit is not None:
            found.append(SiretExample(unit.head_office.siret, title, outcome))
    unknown = luhn_complete(luhn_complete("99999999") + "0001")
    found.append(SiretExample(unknown, Tr("Un SIRET valide mais inconnu",
                                          "A valid but unknown SIRET"),
                              Tr("« inconnu de l'INSEE », rien n'est rempli",
                                 "'unknown to INSEE', nothing is filled in")))
    found.append(SiretExample(DEMO.siret[:-1] + str((int(DEMO.siret[-1]) + 1) % 10),
                              Tr("Une faute de frappe", "A typing mistake"),
                              Tr("la clé de contrôle est signalée tout de suite, sans appel",
                                 "the check key is flagged at once, with no call")))
    return found


def other_examples() -> dict[str, list[Tr]]:
    """What to try beyond the examples (their Tests pass against the simulators)."""
    from raccord.interfaces.exchange import sim_directory as tenant
    from raccord.interfaces.gmail.sandbox import SANDBOX_SENDER

    return {
        "ocr": [Tr("Le test envoie un ticket de caisse dessiné par raccord et en lit le "
                   "montant.", "The Test sends a receipt drawn by raccord and reads its "
                   "amount.")],
        "exchange": [Tr(f"Autres boîtes du locataire de test : {tenant.TEST_USER} (et "
                        f"{tenant.PRIVATE_USER}, sans délégation, pour voir le refus).",
                        f"Other mailboxes of the test tenant: {tenant.TEST_USER} (and "
                        f"{tenant.PRIVATE_USER}, with no delegation, to see the refusal).")],
        "gmail": [Tr(f"Expéditeur de test : {SANDBOX_SENDER}.",
                     f"Test sender: {SANDBOX_SENDER}.")],
    }


def _sandbox(request: Request) -> Sandbox | None:
    box = getattr(request.app.state, "sandbox", None)
    return box if isinstance(box, Sandbox) else None


@router.get("/welcome")
def welcome(request: Request, account: Account = Depends(signed_in)) -> Response:
    box = _sandbox(request)
    if box is None:
        return RedirectResponse("/", 303)
    return render(request, "welcome.html", sirets=siret_examples(box), invoices=INVOICES,
                  others=other_examples(), demo=DEMO, supplier=QUALIFICATION_SUPPLIER,
                  **tours.context(box))


@router.post("/welcome/invoices/{key}", dependencies=[Depends(check_csrf)])
def send_example(key: str, request: Request, account: Account = Depends(may_change)
                 ) -> Response:
    example = next((e for e in INVOICES if e.key == key), None)
    if _sandbox(request) is None or example is None:
        return RedirectResponse("/welcome", 303)
    hub = hub_of(request)
    number = f"ESSAI-{key[:8].upper()}-{_next_number(hub)}"
    data = InvoiceData.model_validate(invoice_data(example, number))
    try:
        receipt = intake.receive(hub, DEMO.code, account.login, data=data)
    except intake.IntakeRefused as refused:
        return render(request, "message.html", refused.status, message=refused.message)
    return RedirectResponse(f"/transmissions/{receipt.id}", 303)


def _next_number(hub: Any) -> int:
    from sqlalchemy import func, select

    from raccord.features.einvoicing.models import EInvoice

    with hub.db.session() as session:
        return int(session.scalar(select(func.count(EInvoice.id))) or 0) + 1


def install_welcome(app: FastAPI, box: Sandbox) -> None:
    app.state.sandbox = box
    app.include_router(router)
    app.include_router(tours.router)
