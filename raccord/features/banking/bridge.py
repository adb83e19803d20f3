"""The one Bridge user's session: its client and a token, asked once per run (Bridge allows
10 token requests per user per minute)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from raccord.core.i18n import Tr
from raccord.interfaces.bank.client import BridgeClient

if TYPE_CHECKING:
    from raccord.core.hub import Hub


class BankRefusal(Exception):
    """A refusal shown as is: `message` says what to do."""

    def __init__(self, message: Tr, status: int = 422) -> None:
        super().__init__(message.en)
        self.message = message
        self.status = status


@dataclass
class BridgeSession:
    """Close it when done (its connection to Bridge is kept open for the run)."""

    client: BridgeClient
    token: str
    user_uuid: str
    user_email: str

    def __enter__(self) -> BridgeSession:
        return self

    def __exit__(self, *_: object) -> None:
        self.client.close()


def open_session(hub: Hub) -> BridgeSession:
    values = hub.values("bank")
    uuid = values.get("bridge_user_uuid")
    if not uuid:
        raise BankRefusal(Tr(
            "Aucun utilisateur Bridge : créez-le sur l'écran Connexion bancaire avant de "
            "connecter une banque.",
            "No Bridge user: create it on the Bank connection screen before connecting a "
            "bank."), 409)
    client = BridgeClient(hub).keep_connection()
    try:
        token = client.user_token(uuid)
    except BaseException:
        client.close()
        raise
    return BridgeSession(client, token, uuid, str(values.get("bridge_user_email") or ""))
