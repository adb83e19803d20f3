"""What the API, the console and the CLI show of a request: its state in words, its signers,
its history."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from raccord.features.signatures import store
from raccord.features.signatures.models import SignatureRequest
from raccord.features.signatures.states import KINDS, label

if TYPE_CHECKING:
    from raccord.core.hub import Hub


def _words(message: dict[str, str] | None, lang: str) -> str | None:
    return message.get(lang) or message.get("en") if message else None


def summary(request: SignatureRequest, lang: str) -> dict[str, Any]:
    data = store.public(request)
    kind = KINDS.get(request.kind)
    data.update(state_label=label(request.state)(lang),
                kind_label=kind(lang) if kind else request.kind,
                reason_text=_words(request.reason, lang))
    return data


def detail(hub: Hub, request: SignatureRequest, lang: str) -> dict[str, Any]:
    data = summary(request, lang)
    data["history"] = [{"at": e.at.isoformat() if e.at else None, "actor": e.actor,
                        "from": e.from_state, "to": e.to_state,
                        "to_label": label(e.to_state)(lang),
                        "message": _words(e.message, lang), "details": e.details}
                       for e in store.events(hub, request.id)]
    return data
