"""The customer's one Bridge user: create, read, update, delete.

The seed asks for a name, an e-mail and a password; Bridge v3 users have no password (apps
made after 2023-10-23 identify a user by its uuid or our `external_user_id`). The name and
e-mail are kept in the bank settings beside the uuid. Deleting is refused while banks are
still connected, as the seed says, though Bridge itself would delete them along."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from typing import TYPE_CHECKING

from raccord.core.diagnosis import Problem, ServiceError
from raccord.core.formats import counted
from raccord.core.i18n import Tr
from raccord.interfaces.bank.client import BridgeClient

if TYPE_CHECKING:
    from raccord.core.hub import Hub
    from raccord.core.settings_store import Actor

# After these, the user may exist at Bridge all the same: look for it before anything else.
UNSURE = {Problem.OUTCOME_UNKNOWN, Problem.SERVER, Problem.PROTOCOL, Problem.TIMEOUT}


class BridgeUserError(Exception):
    """A refusal the console shows as is: `message` says what to do."""

    def __init__(self, message: Tr) -> None:
        super().__init__(message.en)
        self.message = message


@dataclass(frozen=True)
class BridgeUser:
    uuid: str
    external_user_id: str
    name: str
    email: str


def _stored(hub: Hub) -> BridgeUser | None:
    values = hub.values("bank")
    if not values.get("bridge_user_uuid"):
        return None
    return BridgeUser(values["bridge_user_uuid"], values.get("bridge_user_external_id") or "",
                      values.get("bridge_user_name") or "", values.get("bridge_user_email") or "")


def get_user(hub: Hub) -> BridgeUser | None:
    """The recorded user, checked at Bridge; None when none was created yet."""
    user = _stored(hub)
    if user is None:
        return None
    if BridgeClient(hub).user(user.uuid) is None:
        raise BridgeUserError(Tr(
            f"L'utilisateur Bridge {user.name} ({user.uuid}) n'existe plus chez Bridge : "
            "supprimez-le ici puis créez-en un nouveau.",
            f"The Bridge user {user.name} ({user.uuid}) no longer exists at Bridge: delete it "
            "here, then create a new one."))
    return user


def _require_name(name: str) -> str:
    name = name.strip()
    if not name:
        raise BridgeUserError(Tr("Renseignez le nom de l'utilisateur Bridge.",
                                 "Fill in the Bridge user's name."))
    return name


def create_user(hub: Hub, name: str, email: str, actor: Actor) -> BridgeUser:
    """Create the one Bridge user. A creation whose answer was lost is found again by its
    external id rather than made twice."""
    if _stored(hub) is not None:
        raise BridgeUserError(Tr(
            "Un utilisateur Bridge existe déjà : un client n'en a qu'un. Modifiez-le ou "
            "supprimez-le.",
            "A Bridge user already exists: a customer has only one. Edit or delete it."))
    name = _require_name(name)
    values = hub.values("bank")
    external_id = values.get("bridge_user_external_id") or f"raccord-{secrets.token_hex(8)}"
    # Saved first (validates the e-mail too), so that a retry reuses the same external id.
    hub.settings.set_many("bank", {"bridge_user_external_id": external_id,
                                   "bridge_user_name": name, "bridge_user_email": email}, actor)
    client = BridgeClient(hub)
    remote = client.find_user(external_id) if values.get("bridge_user_external_id") else None
    if remote is None:
        try:
            remote = client.create_user(external_id)
        except ServiceError as error:
            if error.diagnosis.problem not in UNSURE and error.diagnosis.status != 409:
                raise
            remote = client.find_user(external_id)
            if remote is None:
                raise
    hub.settings.set_many("bank", {"bridge_user_uuid": str(remote["uuid"])}, actor)
    stored = _stored(hub)
    assert stored is not None
    return stored


def update_user(hub: Hub, name: str, email: str, actor: Actor) -> BridgeUser:
    user = get_user(hub)
    if user is None:
        raise BridgeUserError(Tr("Aucun utilisateur Bridge : créez-le d'abord.",
                                 "No Bridge user: create it first."))
    hub.settings.set_many("bank", {"bridge_user_name": _require_name(name),
                                   "bridge_user_email": email}, actor)
    stored = _stored(hub)
    assert stored is not None
    return stored


def delete_user(hub: Hub, actor: Actor) -> None:
    """Delete the Bridge user, only once no bank is connected to it any more."""
    user = _stored(hub)
    if user is None:
        raise BridgeUserError(Tr("Aucun utilisateur Bridge à supprimer.",
                                 "No Bridge user to delete."))
    client = BridgeClient(hub)
    if client.user(user.uuid) is not None:
        banks = client.items(client.user_token(user.uuid))
        if banks:
            many = len(banks) > 1
            found = counted(len(banks), Tr("banque est encore connectée", "bank is"),
                            Tr("banques sont encore connectées", "banks are"))
            raise BridgeUserError(Tr(
                f"Suppression refusée : {found.fr} à l'utilisateur Bridge. Supprimez d'abord "
                f"{'toutes ses banques associées' if many else 'sa banque associée'}.",
                f"Deletion refused: {found.en} still connected to the Bridge user. First "
                f"delete {'all the banks' if many else 'the bank'} linked to it."))
        client.delete_user(user.uuid)
    hub.settings.set_many("bank", {"bridge_user_uuid": "", "bridge_user_external_id": "",
                                   "bridge_user_name": "", "bridge_user_email": ""}, actor)
