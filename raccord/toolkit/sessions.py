"""Console sessions: a signed cookie naming the account and its session version (see
`Accounts.session_account`), the CSRF token it carries, and where the request came from."""

from __future__ import annotations

import hmac
import secrets

from fastapi import Request

from raccord.core.accounts import Account
from raccord.interfaces.hub import InterfaceHub

LOGIN, VERSION, CSRF = "login", "sv", "csrf"


def _hub(request: Request) -> InterfaceHub:
    hub: InterfaceHub = request.app.state.hub
    return hub


def session_account(request: Request) -> Account | None:
    """The account of the request's console session, unless that session was ended (logout,
    new password) since it was opened."""
    if "session" not in request.scope:
        return None
    login = request.session.get(LOGIN)
    if not isinstance(login, str) or not login:
        return None
    return _hub(request).accounts.session_account(login, request.session.get(VERSION))


def open_session(request: Request, account: Account) -> None:
    """A new session (never the one the browser came with: no fixation)."""
    request.session.clear()
    request.session[LOGIN] = account.login
    request.session[VERSION] = _hub(request).accounts.session_version(account.login)


def end_session(request: Request) -> None:
    """Logout: this session and every copy of its cookie stop opening anything."""
    account = session_account(request)
    if account is not None:
        _hub(request).accounts.end_sessions(account.login)
    request.session.clear()


def csrf_token(request: Request) -> str:
    token = request.session.get(CSRF)
    if not token:
        token = secrets.token_urlsafe(24)
        request.session[CSRF] = token
    return str(token)


def csrf_matches(request: Request, sent: str | None) -> bool:
    expected = str(request.session.get(CSRF, "")) if "session" in request.scope else ""
    # A session that was never shown a page has no token to match.
    return bool(expected) and hmac.compare_digest(str(sent or ""), expected)


def client_address(request: Request) -> str:
    """The caller's address (the proxy's X-Forwarded-For once the proxy is trusted, see
    RACCORD_TRUSTED_PROXIES)."""
    return request.client.host if request.client else "unknown"
