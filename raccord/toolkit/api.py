"""Dependencies shared by the REST API routers: the hub, and who is calling.

The API accepts an API key (`Authorization: Bearer rk_...`, created with
`raccord user api-key LOGIN`) or the console's session cookie."""

from __future__ import annotations

from collections.abc import Callable

from fastapi import Depends, HTTPException, Request

from raccord.core.accounts import Account
from raccord.core.roles import Role, at_least
from raccord.interfaces.hub import InterfaceHub


def get_hub(request: Request) -> InterfaceHub:
    hub: InterfaceHub = request.app.state.hub
    return hub


def current_account(request: Request, hub: InterfaceHub = Depends(get_hub)) -> Account:
    header = request.headers.get("authorization", "")
    if header.lower().startswith("bearer "):
        account = hub.accounts.by_api_key(header[7:].strip())
        if account is not None:
            return account
        raise HTTPException(401, "API key refused: create one with 'raccord user api-key LOGIN'")
    login = request.session.get("login") if "session" in request.scope else None
    if login:
        account = hub.accounts.get(login)
        if account is not None:
            return account
    raise HTTPException(401, "Authentication required: send 'Authorization: Bearer <API key>'")


def require_role(minimum: Role) -> Callable[..., Account]:
    def dependency(account: Account = Depends(current_account)) -> Account:
        if not at_least(account.role, minimum):
            raise HTTPException(403, f"This needs the role {minimum.value} or above.")
        return account

    return dependency
