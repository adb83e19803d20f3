"""Dependencies shared by the REST API routers: the hub, and who is calling.

The API accepts an API key (`Authorization: Bearer rk_...`, created with
`raccord user api-key LOGIN`), or the console's session, which must then send its CSRF token
in the `X-CSRF-Token` header for anything but a read: the cookie alone never changes
anything. Wrong keys are throttled per client address (429 with Retry-After)."""

from __future__ import annotations

from collections.abc import Callable

from fastapi import Depends, HTTPException, Request

from raccord.core.accounts import Account
from raccord.core.roles import Role, at_least
from raccord.core.signin import Throttled
from raccord.interfaces.hub import InterfaceHub
from raccord.toolkit.sessions import client_address, csrf_matches, session_account


def get_hub(request: Request) -> InterfaceHub:
    hub: InterfaceHub = request.app.state.hub
    return hub


SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
CSRF_HEADER = "X-CSRF-Token"


def current_account(request: Request, hub: InterfaceHub = Depends(get_hub)) -> Account:
    header = request.headers.get("authorization", "")
    if header.lower().startswith("bearer "):
        try:
            account = hub.sign_in.api_key(header[7:].strip(), client_address(request))
        except Throttled as stop:
            raise HTTPException(429, stop.message.en,
                                headers={"Retry-After": str(stop.wait_s)}) from None
        if account is not None:
            return account
        raise HTTPException(401, "API key refused: create one with 'raccord user api-key LOGIN'")
    account = session_account(request)
    if account is not None:
        if request.method not in SAFE_METHODS and not csrf_matches(
                request, request.headers.get(CSRF_HEADER)):
            raise HTTPException(403, f"A console session must send its CSRF token in the "
                                     f"{CSRF_HEADER} header (or use an API key).")
        return account
    raise HTTPException(401, "Authentication required: send 'Authorization: Bearer <API key>'")


def require_role(minimum: Role) -> Callable[..., Account]:
    def dependency(account: Account = Depends(current_account)) -> Account:
        if not at_least(account.role, minimum):
            raise HTTPException(403, f"This needs the role {minimum.value} or above.")
        return account

    return dependency
