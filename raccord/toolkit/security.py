"""Headers every answer carries (pure ASGI middleware, so that it also covers errors, static
files and redirects): a Content-Security-Policy without inline scripts, no framing, no MIME
sniffing, a referrer kept on this site; and `Secure` cookies whenever the request came over
HTTPS (directly, or through a trusted proxy saying so, see RACCORD_TRUSTED_PROXIES)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
       "connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'; "
       "object-src 'none'")
# The API's documentation pages (Swagger UI, ReDoc) are raccord's own, scripts from its own
# server (raccord.console.apidocs): their viewers set inline styles, and ReDoc searches in a
# worker it starts from a blob. Nothing comes from elsewhere.
DOCS_CSP = ("default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
            "img-src 'self' data:; worker-src 'self' blob:; connect-src 'self'; "
            "frame-ancestors 'none'; base-uri 'none'; object-src 'none'")
DOCS_PATHS = ("/api/docs", "/api/redoc")
# Pages whose forms lead on to an outside service's own page (a bank's connect page, reached by
# the redirect after the POST): browsers hold such redirects to `form-action` too.
_OUTBOUND_FORMS: list[str] = []


def allow_outbound_forms(path_prefix: str) -> None:
    """Let the forms of the pages under `path_prefix` go on to any HTTPS site."""
    if path_prefix not in _OUTBOUND_FORMS:
        _OUTBOUND_FORMS.append(path_prefix)


def policy_for(path: str) -> str:
    if path.startswith(DOCS_PATHS):
        return DOCS_CSP
    if any(path.startswith(prefix) for prefix in _OUTBOUND_FORMS):
        return CSP.replace("form-action 'self'", "form-action 'self' https:")
    return CSP
COMMON = [(b"x-content-type-options", b"nosniff"), (b"x-frame-options", b"DENY"),
          (b"referrer-policy", b"same-origin"), (b"cross-origin-opener-policy", b"same-origin")]
HSTS = (b"strict-transport-security", b"max-age=31536000")


class SecurityHeaders:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        secure = scope.get("scheme") == "https"
        policy = policy_for(scope.get("path", ""))

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = [(k, v) for k, v in message.get("headers", [])
                           if k.lower() not in _OURS]
                if secure:
                    headers = [(k, _secure_cookie(v) if k.lower() == b"set-cookie" else v)
                               for k, v in headers]
                    headers.append(HSTS)
                headers.extend(COMMON)
                headers.append((b"content-security-policy", policy.encode()))
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, with_headers)


_OURS = {k for k, _ in COMMON} | {b"content-security-policy", HSTS[0]}


def _secure_cookie(value: bytes) -> bytes:
    if b"; secure" in value.lower():
        return value
    return value + b"; Secure"
