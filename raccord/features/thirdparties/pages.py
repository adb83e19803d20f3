"""Console pages of the third parties: the list, and the form where typing a SIRET or SIREN
fills the fields in as the user types (a wrong key is flagged at once, before any call).
Without JavaScript, the "Fill from SIRENE" button does the same through the server."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import JSONResponse, RedirectResponse, Response
from pydantic import ValidationError

from raccord.core.accounts import Account
from raccord.core.httpsafe import RowId
from raccord.core.i18n import Tr
from raccord.features.thirdparties import service
from raccord.features.thirdparties.models import KIND_LABELS, PartyKind
from raccord.features.thirdparties.service import PartyData, PartyRefused
from raccord.interfaces.sirene.mapping import Filled
from raccord.toolkit.pages import (
    add_template_folder,
    check_csrf,
    hub_of,
    language,
    may_change,
    render,
    signed_in,
)

add_template_folder(Path(__file__).parent / "templates")
router = APIRouter(include_in_schema=False)
FORM_FIELDS = ("name", "trade_name", "address1", "address2", "address3", "postcode", "city",
               "country", "siren", "siret", "naf", "legal_form", "vat_number")
LABELS = {
    "title": Tr("Tiers", "Third parties"), "new": Tr("Nouveau tiers", "New third party"),
    "kind": Tr("Type", "Kind"), "all": Tr("Tous", "All"), "search": Tr("Chercher", "Search"),
    "name": Tr("Nom", "Name"), "trade_name": Tr("Enseigne", "Trade name"),
    "address1": Tr("Adresse", "Address"), "address2": Tr("Adresse (suite)", "Address (2)"),
    "address3": Tr("Adresse (fin)", "Address (3)"), "postcode": Tr("Code postal", "Postcode"),
    "city": Tr("Ville", "City"), "country": Tr("Pays", "Country"),
    "siren": Tr("SIREN", "SIREN"), "siret": Tr("SIRET", "SIRET"),
    "naf": Tr("Code NAF", "NAF code"), "legal_form": Tr("Forme juridique", "Legal form"),
    "vat_number": Tr("N° TVA intracommunautaire", "EU VAT number"),
    "head_office": Tr("Siège", "Head office"), "closed": Tr("Fermé", "Closed"),
    "closed_on": Tr("Fermé le", "Closed on"), "save": Tr("Enregistrer", "Save"),
    "fill": Tr("Remplir depuis SIRENE", "Fill from SIRENE"),
    "refresh": Tr("Mettre à jour depuis SIRENE", "Update from SIRENE"),
    "delete": Tr("Supprimer", "Delete"), "saved": Tr("Enregistré.", "Saved."),
    "none": Tr("Aucun tiers.", "No third party."),
    "number_help": Tr("Tapez le SIRET (14 chiffres) ou le SIREN (9 chiffres) : les champs se "
                      "remplissent dès que l'INSEE le connaît.",
                      "Type the SIRET (14 digits) or SIREN (9 digits): the fields fill in as "
                      "soon as INSEE knows it."),
    "searching": Tr("Recherche SIRENE…", "Looking SIRENE up…"),
    "found": Tr("Rempli depuis SIRENE", "Filled from SIRENE"),
    "open": Tr("ouvert", "open"), "yes": Tr("oui", "yes"), "no": Tr("non", "no"),
}



def _typed(form: Any) -> dict[str, str]:
    return {k: str(form.get(k, "")).strip() for k in (*FORM_FIELDS, "kind", "closed_on")} | {
        "head_office": "true" if form.get("head_office") else "",
        "closed": "true" if form.get("closed") else ""}


def _data(typed: dict[str, str]) -> PartyData:
    values: dict[str, Any] = {k: typed.get(k, "") for k in FORM_FIELDS}
    values["kind"] = typed.get("kind") or None
    values["head_office"] = bool(typed.get("head_office"))
    values["closed"] = bool(typed.get("closed"))
    values["closed_on"] = typed.get("closed_on") or None
    try:
        return PartyData.model_validate(values)
    except ValidationError as error:
        where = ", ".join(str(e["loc"][0]) for e in error.errors())
        raise PartyRefused(Tr(f"Valeur refusée : {where}.", f"Value refused: {where}.")) \
            from None


def _form_values(party: Any) -> dict[str, str]:
    values = {k: getattr(party, k) or "" for k in FORM_FIELDS}
    values["kind"] = party.kind
    values["head_office"] = "true" if party.head_office else ""
    values["closed"] = "true" if party.closed else ""
    values["closed_on"] = party.closed_on.isoformat() if party.closed_on else ""
    return values


def _filled_form(filled: Filled, typed: dict[str, str]) -> dict[str, str]:
    values = service.filled_values(filled)
    merged = dict(typed)
    for key in FORM_FIELDS:
        merged[key] = str(values.get(key) or "")
    merged["head_office"] = "true" if filled.head_office else ""
    merged["closed"] = "true" if filled.closed else ""
    merged["closed_on"] = filled.closed_on or ""
    return merged


def _page(request: Request, typed: dict[str, str], party_id: int | None = None,
          status_code: int = 200, **context: Any) -> Response:
    return render(request, "thirdparties_form.html", status_code, typed=typed,
                  party_id=party_id, L=LABELS, kinds=KIND_LABELS, fields=FORM_FIELDS,
                  **context)


@router.get("/thirdparties")
def listing(request: Request, kind: str = "", q: str = "",
            account: Account = Depends(signed_in)) -> Response:
    parties = service.listing(hub_of(request), kind or None, q or None, limit=500)
    return render(request, "thirdparties_list.html", parties=parties, kind=kind, q=q,
                  L=LABELS, kinds=KIND_LABELS)


@router.get("/thirdparties/new")
def new_form(request: Request, kind: str = PartyKind.CUSTOMER.value, siret: str = "",
             account: Account = Depends(may_change)) -> Response:
    """A new third party; given a SIRET (the sandbox's examples link here), filled from
    SIRENE at once."""
    typed = {"kind": kind, "country": "FR"}
    if not siret:
        return _page(request, typed)
    typed["siret"] = siret
    try:
        filled = service.fill_from_sirene(hub_of(request), siret, fresh=False)
    except PartyRefused as error:
        return _page(request, typed, None, 400, error=error.message)
    return _page(request, _filled_form(filled, typed),
                 notes=[n(language(request)) for n in filled.notes])


@router.get("/thirdparties/fill")
def fill(request: Request, number: str, account: Account = Depends(signed_in)) -> Response:
    """The as-you-type filling: the fields for a number, or why there are none."""
    from raccord.features.sirene.api import lookup_answer

    answer = lookup_answer(request, hub_of(request), number, fresh=False)
    if isinstance(answer, JSONResponse):
        return answer
    return JSONResponse(answer)


async def _save(request: Request, account: Account, party_id: int | None) -> Response:
    hub = hub_of(request)
    form = await request.form()
    typed = _typed(form)
    lang = language(request)
    action = str(form.get("action", "save"))
    try:
        if action == "fill":
            number = typed.get("siret") or typed.get("siren") or ""
            filled = service.fill_from_sirene(hub, number, fresh=False)
            return _page(request, _filled_form(filled, typed), party_id,
                         notes=[n(lang) for n in filled.notes])
        data = _data(typed)
        if party_id is None:
            party = service.create(hub, data, account.login)
        else:
            party = service.update(hub, party_id, data, account.login)
    except PartyRefused as error:
        return _page(request, typed, party_id, 400, error=error.message)
    return RedirectResponse(f"/thirdparties/{party.id}?saved=1", 303)


@router.post("/thirdparties/new", dependencies=[Depends(check_csrf)])
async def create(request: Request, account: Account = Depends(may_change)) -> Response:
    return await _save(request, account, None)


@router.get("/thirdparties/{party_id}")
def edit_form(party_id: RowId, request: Request, saved: str = "",
              account: Account = Depends(signed_in)) -> Response:
    try:
        party = service.get(hub_of(request), party_id)
    except PartyRefused as error:
        return render(request, "message.html", 404, message=error.message)
    info = party.sirene_info or {}
    notes = [n.get(language(request), "") for n in info.get("notes", [])]
    return _page(request, _form_values(party), party_id, saved=bool(saved), notes=notes,
                 checked_at=party.sirene_checked_at, today=date.today())


@router.post("/thirdparties/{party_id}", dependencies=[Depends(check_csrf)])
async def update(party_id: RowId, request: Request,
                 account: Account = Depends(may_change)) -> Response:
    return await _save(request, account, party_id)


@router.post("/thirdparties/{party_id}/refresh", dependencies=[Depends(check_csrf)])
def refresh(party_id: RowId, request: Request, account: Account = Depends(may_change)) -> Response:
    try:
        service.refresh(hub_of(request), party_id, account.login)
    except PartyRefused as error:
        party = service.get(hub_of(request), party_id)
        return _page(request, _form_values(party), party_id, 400, error=error.message)
    return RedirectResponse(f"/thirdparties/{party_id}?saved=1", 303)


@router.post("/thirdparties/{party_id}/delete", dependencies=[Depends(check_csrf)])
def delete(party_id: RowId, request: Request, account: Account = Depends(may_change)) -> Response:
    try:
        service.delete(hub_of(request), party_id)
    except PartyRefused as error:
        return render(request, "message.html", 404, message=error.message)
    return RedirectResponse("/thirdparties", 303)
