"""NUL characters are refused at the door (pure ASGI middleware): in the path, the query, a
JSON body (`\\u0000`) or a form (`%00`). No stored text may hold one (PostgreSQL's text
cannot, and no ERP, mailbox or bank needs one), so the request gets a clear 422 instead of a
database error. Uploaded files (multipart) are bytes and keep theirs."""

from __future__ import annotations

import json
import re
from urllib.parse import unquote_to_bytes

from raccord.core.i18n import Tr, pick_language
from raccord.toolkit.security import ASGIApp, Message, Receive, Scope, Send

# `\u0000` in JSON text, unless its backslash is itself escaped (`\\u0000` is the six letters).
ESCAPED_NUL = re.compile(rb"(?<!\\)(?:\\\\)*\\u0000")
REFUSED = Tr("La requête contient le caractère de contrôle U+0000 (NUL, \\u0000 ou %00) : "
             "retirez-le.",
             "The request holds the control character U+0000 (NUL, \\u0000 or %00): "
             "remove it.")


def _header(scope: Scope, name: bytes) -> str:
    for key, value in scope.get("headers", ()):
        if key.lower() == name:
            return bytes(value).decode("latin-1")
    return ""


def _in_url(scope: Scope) -> bool:
    return "\x00" in scope.get("path", "") or b"\x00" in unquote_to_bytes(
        bytes(scope.get("query_string", b"")))


def _body_kind(scope: Scope) -> str:
    media = _header(scope, b"content-type").split(";")[0].strip().lower()
    if media == "application/json" or media.endswith("+json"):
        return "json"
    if media == "application/x-www-form-urlencoded":
        return "form"
    return ""


def holds_nul(kind: str, body: bytes) -> bool:
    if kind == "json":
        return ESCAPED_NUL.search(body) is not None
    return b"\x00" in unquote_to_bytes(body.replace(b"+", b" "))


class RefuseNul:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        if _in_url(scope):
            await self._refuse(scope, send)
            return
        kind = _body_kind(scope)
        if not kind:
            await self.app(scope, receive, send)
            return
        chunks, last = [], None
        while True:
            message = await receive()
            if message["type"] != "http.request":
                last = message  # the client went away: the app hears it
                break
            chunks.append(bytes(message.get("body", b"")))
            if not message.get("more_body", False):
                break
        body = b"".join(chunks)
        if last is None and holds_nul(kind, body):
            await self._refuse(scope, send)
            return
        replayed = False

        async def replay() -> Message:
            nonlocal replayed
            if not replayed:
                replayed = True
                if last is not None:
                    return last
                return {"type": "http.request", "body": body, "more_body": False}
            return await receive()

        await self.app(scope, replay, send)

    @staticmethod
    async def _refuse(scope: Scope, send: Send) -> None:
        lang = pick_language(_header(scope, b"accept-language"))
        payload = json.dumps({"error": REFUSED(lang), "error_fr": REFUSED.fr,
                              "error_en": REFUSED.en, "reason": "nul"}).encode()
        await send({"type": "http.response.start", "status": 422,
                    "headers": [(b"content-type", b"application/json"),
                                (b"content-length", str(len(payload)).encode())]})
        await send({"type": "http.response.body", "body": payload})
