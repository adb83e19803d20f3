"""Keeping third parties: numbers checked before anything is saved, fields filled in from
SIRENE on request (the caller's own values win over SIRENE's on creation; a refresh takes
SIRENE's identity fields again)."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, Field
from sqlalchemy import or_, select

from raccord.core.i18n import Tr
from raccord.core.identifiers import IdentifierError, vat_number
from raccord.core.models import utcnow
from raccord.core.schema import text_problem
from raccord.features.sirene.lookup import Lookups
from raccord.features.sirene.numbers import parse_number
from raccord.features.thirdparties.models import PartyKind, ThirdParty
from raccord.interfaces.sirene.mapping import Filled

if TYPE_CHECKING:
    from raccord.core.hub import Hub

# Fields SIRENE fills in (a refresh replaces them; the kind is the user's own).
SIRENE_FIELDS = ("name", "trade_name", "address1", "address2", "address3", "postcode", "city",
                 "country", "siren", "siret", "naf", "legal_form", "vat_number", "head_office",
                 "closed", "closed_on")


class PartyRefused(Exception):
    def __init__(self, message: Tr, status: int = 422, reason: str = "invalid") -> None:
        super().__init__(message.en)
        self.message = message
        self.status = status
        self.reason = reason


class PartyData(BaseModel):
    """A third party as the API and the console send it (every field optional on update)."""

    kind: PartyKind | None = None
    name: str | None = Field(None, max_length=200)
    trade_name: str | None = Field(None, max_length=200)
    address1: str | None = Field(None, max_length=200)
    address2: str | None = Field(None, max_length=200)
    address3: str | None = Field(None, max_length=200)
    postcode: str | None = Field(None, max_length=20)
    city: str | None = Field(None, max_length=100)
    country: str | None = Field(None, max_length=60)
    siren: str | None = None
    siret: str | None = None
    naf: str | None = Field(None, max_length=10)
    legal_form: str | None = Field(None, max_length=10)
    vat_number: str | None = Field(None, max_length=20)
    head_office: bool | None = None
    closed: bool | None = None
    closed_on: date | None = None


def filled_values(filled: Filled) -> dict[str, Any]:
    return {
        "name": filled.name, "trade_name": filled.trade_name,
        "address1": filled.address_line(0), "address2": filled.address_line(1),
        "address3": filled.address_line(2), "postcode": filled.postcode, "city": filled.city,
        "country": filled.country, "siren": filled.siren, "siret": filled.siret or None,
        "naf": filled.naf, "legal_form": filled.legal_form, "vat_number": filled.vat_number,
        "head_office": filled.head_office, "closed": filled.closed,
        "closed_on": date.fromisoformat(filled.closed_on) if filled.closed_on else None,
    }


def sirene_info(filled: Filled) -> dict[str, Any]:
    return {"source": filled.source, "hidden": filled.hidden, "diffusible": filled.diffusible,
            "notes": [{"fr": n.fr, "en": n.en} for n in filled.notes],
            "updated_at": filled.updated_at}


def _numbers(values: dict[str, Any]) -> None:
    """Check and normalise SIREN, SIRET and VAT number in place, or refuse."""
    for kind in ("siren", "siret"):
        raw = values.get(kind)
        if raw in (None, ""):
            values[kind] = None
            continue
        try:
            values[kind] = parse_number(str(raw), allow=(kind,)).value
        except IdentifierError as error:
            raise PartyRefused(error.message) from None
    siren, siret = values.get("siren"), values.get("siret")
    if siret and siren and siret[:9] != siren:
        raise PartyRefused(Tr(
            f"Le SIRET {siret} n'appartient pas au SIREN {siren} (ses 9 premiers chiffres "
            "diffèrent) : corrigez l'un des deux.",
            f"The SIRET {siret} does not belong to the SIREN {siren} (its first 9 digits "
            "differ): correct one of them."))
    if siret and not siren:
        values["siren"] = siret[:9]
    vat = (values.get("vat_number") or "").replace(" ", "").upper()
    values["vat_number"] = vat
    expected = vat_number(values["siren"]) if values.get("siren") else None
    if vat.startswith("FR") and expected and vat != expected:
        raise PartyRefused(Tr(
            f"Le numéro de TVA {vat} ne correspond pas au SIREN {values['siren']} : "
            f"attendu {expected}.",
            f"The VAT number {vat} does not match the SIREN {values['siren']}: expected "
            f"{expected}."))


def fill_from_sirene(hub: Hub, number: str, fresh: bool) -> Filled:
    from raccord.core.diagnosis import ServiceError
    from raccord.features.sirene.lookup import UnknownNumber

    try:
        with Lookups(hub) as lookups:
            return lookups.find(number, fresh)
    except IdentifierError as error:
        raise PartyRefused(error.message) from None
    except UnknownNumber as error:
        raise PartyRefused(error.message, 422, "unknown") from None
    except ServiceError as error:
        raise PartyRefused(error.diagnosis.message, 503, error.diagnosis.problem.value) \
            from None


def create(hub: Hub, data: PartyData, actor: str, fill: bool = False) -> ThirdParty:
    values = {k: v for k, v in data.model_dump().items() if v not in (None, "")}
    if data.kind is None:
        raise PartyRefused(Tr("Précisez le type : prospect, client ou fournisseur.",
                              "Say the kind: prospect, customer or supplier."))
    info = None
    number = values.get("siret") or values.get("siren")
    if fill and number:
        filled = fill_from_sirene(hub, str(number), fresh=False)
        values = {**{k: v for k, v in filled_values(filled).items() if v not in (None, "")},
                  **values}
        info = sirene_info(filled)
    _numbers(values)
    _texts(values)
    if not values.get("name"):
        raise PartyRefused(Tr(
            "Le nom est obligatoire (il est rempli par SIRENE à partir du SIRET, sauf pour une "
            "entreprise non diffusible).",
            "The name is required (SIRENE fills it from the SIRET, except for a "
            "non-diffusible company)."))
    party = ThirdParty(kind=data.kind.value, updated_by=actor, sirene_info=info,
                       sirene_checked_at=utcnow() if info else None)
    for key, value in values.items():
        if key != "kind":
            setattr(party, key, value)
    with hub.db.session() as session:
        session.add(party)
    return party


def update(hub: Hub, party_id: int, data: PartyData, actor: str) -> ThirdParty:
    changes = data.model_dump(exclude_unset=True)
    with hub.db.session() as session:
        party = _get(session, party_id)
        values = {k: getattr(party, k) for k in SIRENE_FIELDS}
        values.update({k: v for k, v in changes.items() if k != "kind"})
        _numbers(values)
        if not values.get("name"):
            raise PartyRefused(Tr("Le nom ne peut pas être vide.", "The name cannot be empty."))
        _texts(values)
        for key, value in values.items():
            setattr(party, key, _stored(key, value))
        if changes.get("kind"):
            party.kind = PartyKind(changes["kind"]).value
        party.updated_by = actor
        return party


def refresh(hub: Hub, party_id: int, actor: str, fresh: bool = True) -> ThirdParty:
    """Take SIRENE's identity fields again (the API's current data by default)."""
    with hub.db.session() as session:
        party = _get(session, party_id)
        number = party.siret or party.siren
    if not number:
        raise PartyRefused(Tr("Ce tiers n'a ni SIRET ni SIREN : rien à demander à SIRENE.",
                              "This third party has no SIRET nor SIREN: nothing to ask "
                              "SIRENE."))
    filled = fill_from_sirene(hub, number, fresh)
    with hub.db.session() as session:
        party = _get(session, party_id)
        for key, value in filled_values(filled).items():
            if value in (None, "") and key in ("siret",):
                continue
            setattr(party, key, value)
        party.sirene_info = sirene_info(filled)
        party.sirene_checked_at = utcnow()
        party.updated_by = actor
        return party


NULLABLE = frozenset({"siren", "siret", "head_office", "closed_on"})


def _stored(key: str, value: Any) -> Any:
    """What a column holds for a value sent as null: null where the column allows it, no for
    `closed`, an empty text elsewhere."""
    if value is not None or key in NULLABLE:
        return value
    return False if key == "closed" else ""


def _texts(values: dict[str, Any]) -> None:
    """Every text follows the core's text rule (no control characters; lengths are the
    model's)."""
    for key, value in values.items():
        if isinstance(value, str):
            problem = text_problem(value, 200)
            if problem is not None:
                raise PartyRefused(Tr(f"{key} :", f"{key}:") + problem)


def _get(session: Any, party_id: int) -> ThirdParty:
    party = session.get(ThirdParty, party_id)
    if party is None:
        raise PartyRefused(Tr(f"Tiers {party_id} inconnu.", f"Unknown third party {party_id}."),
                           404, "unknown")
    return party  # type: ignore[no-any-return]


def get(hub: Hub, party_id: int) -> ThirdParty:
    with hub.db.session() as session:
        return _get(session, party_id)


def delete(hub: Hub, party_id: int) -> None:
    with hub.db.session() as session:
        session.delete(_get(session, party_id))


def listing(hub: Hub, kind: str | None = None, search: str | None = None,
            limit: int = 100, offset: int = 0) -> list[ThirdParty]:
    query = select(ThirdParty).order_by(ThirdParty.name, ThirdParty.id)
    if kind:
        query = query.where(ThirdParty.kind == kind)
    if search:
        like = f"%{search.strip()}%"
        digits = "".join(c for c in search if c.isdigit())
        terms = [ThirdParty.name.ilike(like), ThirdParty.trade_name.ilike(like),
                 ThirdParty.city.ilike(like)]
        if digits:
            terms += [ThirdParty.siret.like(f"{digits}%"), ThirdParty.siren.like(f"{digits}%")]
        query = query.where(or_(*terms))
    with hub.db.session() as session:
        return list(session.scalars(query.limit(limit).offset(offset)))


def as_dict(party: ThirdParty, lang: str = "fr") -> dict[str, Any]:
    info = party.sirene_info or {}
    return {
        "id": party.id, "kind": party.kind,
        **{k: getattr(party, k) for k in SIRENE_FIELDS if k != "closed_on"},
        "closed_on": party.closed_on.isoformat() if party.closed_on else None,
        "sirene": {**info, "notes": [n.get(lang, "") for n in info.get("notes", [])],
                   "checked_at": party.sirene_checked_at.isoformat()
                   if party.sirene_checked_at else None} if info else None,
        "updated_at": party.updated_at.isoformat() if party.updated_at else None,
        "updated_by": party.updated_by,
    }
