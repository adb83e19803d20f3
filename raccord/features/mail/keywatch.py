"""The Gmail key file, watched: when its content changes (or it disappears), it is checked
again at once, and a broken key becomes an alert before any mail fails on it."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import TYPE_CHECKING

from raccord.core.alerts import clear_alert, raise_alert
from raccord.core.diagnosis import ServiceError
from raccord.core.i18n import Tr
from raccord.interfaces.gmail.serviceaccount import load_key
from raccord.interfaces.gmail.settings import check_key_file

if TYPE_CHECKING:
    from raccord.core.hub import Hub

KEY_ALERT = "keyfile:gmail"
# What each hub saw last: (path, content digest or None when unreadable).
_seen: dict[int, tuple[str, str | None]] = {}


def _digest(path: str) -> str | None:
    try:
        return hashlib.sha256(Path(path).read_bytes()).hexdigest()
    except OSError:
        return None


def watch_gmail_key(hub: Hub) -> dict[str, int]:
    path = str(hub.values("gmail").get("key_path") or "")
    if not path:
        clear_alert(hub, KEY_ALERT)
        return {}
    now = (path, _digest(path))
    if _seen.get(id(hub)) == now:
        return {}
    _seen[id(hub)] = now
    problem = check_key_file(path)
    if problem is None:
        try:
            load_key(path)  # its private key read, as a send will
        except ServiceError as error:
            problem = error.diagnosis.message
    if problem is None:
        clear_alert(hub, KEY_ALERT)
        return {"key_checked": 1}
    raise_alert(hub, KEY_ALERT, interface="gmail", severity="error", message=Tr(
        "La clé de connexion Gmail a changé et n'est plus utilisable : ",
        "The Gmail connection key changed and can no longer be used: ") + problem)
    return {"key_checked": 1, "key_broken": 1}
