"""Dependencies shared by the REST API routers: the hub, and who is calling.

The API accepts an API key (`Authorization: Bearer rk_...`, created with
`raccord user api-key LOGIN`), or the console's session, which must then send its CSRF token
in the `X-CSRF-Token` header for anything but a read: the cookie alone never changes
anything. Wrong keys are throttled per client address (429 with Retry-After)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any, Union

from fastapi import Depends, HTTPException, Request
from fastapi.concurrency import run_in_threadpool
from pydantic import BaseModel, ConfigDict

from raccord.core.accounts import Account
from raccord.core.roles import Role, at_least
from raccord.core.signin import Throttled
from raccord.interfaces.hub import InterfaceHub
from raccord.toolkit.sessions import client_address, csrf_matches, session_account


async def get_hub(request: Request) -> InterfaceHub:
    # async: a dependency that does not wait is not worth a trip to the thread pool.
    hub: InterfaceHub = request.app.state.hub
    return hub


SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
CSRF_HEADER = "X-CSRF-Token"


async def current_account(request: Request, hub: InterfaceHub = Depends(get_hub)
                          ) -> Account:
    """Who calls. A key this process has just seen is answered here; anything needing the
    database goes to the thread pool (the event loop never waits on it)."""
    header = request.headers.get("authorization", "")
    if header.lower().startswith("bearer "):
        token, address = header[7:].strip(), client_address(request)
        try:
            if hub.accounts.remembers(token) and hub.sign_in.cheap_checks:
                account = hub.sign_in.api_key(token, address)
            else:
                account = await run_in_threadpool(hub.sign_in.api_key, token, address)
        except Throttled as stop:
            raise HTTPException(429, stop.message.en,
                                headers={"Retry-After": str(stop.wait_s)}) from None
        if account is not None:
            return account
        raise HTTPException(401, "API key refused: create one with 'raccord user api-key LOGIN'")
    found = await run_in_threadpool(session_account, request)
    if found is not None:
        if request.method not in SAFE_METHODS and not csrf_matches(
                request, request.headers.get(CSRF_HEADER)):
            raise HTTPException(403, f"A console session must send its CSRF token in the "
                                     f"{CSRF_HEADER} header (or use an API key).")
        return found
    raise HTTPException(401, "Authentication required: send 'Authorization: Bearer <API key>'")


def require_role(minimum: Role) -> Callable[..., Awaitable[Account]]:
    async def dependency(account: Account = Depends(current_account)) -> Account:
        if not at_least(account.role, minimum):
            raise HTTPException(403, f"This needs the role {minimum.value} or above.")
        return account

    return dependency


class Open(BaseModel):
    """A described answer that may gain fields later without breaking its readers."""

    model_config = ConfigDict(extra="allow")


# -- what the API answers when it refuses, described once for the OpenAPI document ----------
class ErrorDetail(BaseModel):
    """Authentication, permission, throttling, unknown routes, malformed requests (FastAPI's
    validation errors list each problem)."""

    detail: str | list[dict[str, Any]]


class Refusal(BaseModel):
    """A request understood but refused: what to do, in the caller's language and in both."""

    model_config = ConfigDict(extra="allow")
    error: str
    error_fr: str
    error_en: str
    field: str | None = None
    reason: str | None = None
    link: str | None = None


DESCRIPTIONS = {
    400: "Bad request", 401: "No valid API key nor console session",
    403: "The role does not allow it, or a console session without its X-CSRF-Token",
    404: "Not found", 409: "Not possible in the current state",
    410: "Gone: it was deleted", 413: "Too large",
    422: "Refused: the request or a value is not valid", 429: "Too many failed attempts",
    502: "The outside service refused raccord's call", 503: "The outside service is "
    "unavailable or its quota is spent", 504: "The outside service did not answer in time",
}
RETRY_AFTER = {"Retry-After": {"description": "Seconds to wait before trying again",
                               "schema": {"type": "integer"}}}


def errors(*codes: int, extra: dict[int, type[BaseModel]] | None = None
           ) -> dict[int | str, dict[str, Any]]:
    """The `responses` of an operation for these error statuses, with their body shapes."""
    answers: dict[int | str, dict[str, Any]] = {}
    for code in codes:
        shapes: list[type[BaseModel]] = [ErrorDetail] if code in (400, 401, 403, 429) else [
            Refusal, ErrorDetail]
        if extra and code in extra:
            shapes.insert(0, extra[code])
        model: Any = shapes[0] if len(shapes) == 1 else Union[tuple(shapes)]  # noqa: UP007
        answers[code] = {"model": model, "description": DESCRIPTIONS[code]}
        if code == 429:
            answers[code]["headers"] = RETRY_AFTER
    return answers


def files(description: str, *media_types: str) -> dict[int | str, dict[str, Any]]:
    """The 200 answer of a download: the file, in one of these media types."""
    binary = {"schema": {"type": "string", "format": "binary"}}
    return {200: {"description": description,
                  "content": {media: binary for media in media_types}}}


def json_body(schema: dict[str, Any]) -> dict[str, Any]:
    """`openapi_extra` describing the JSON body of a route that reads it itself (to answer
    its own refusals): the document shows this schema instead of "any object"."""
    return {"requestBody": {"required": True,
                            "content": {"application/json": {"schema": schema}}}}


# A service's webhook: the caller proves itself by signing the body, not with an API key
# (`openapi_extra` of the route; the OpenAPI document then names no security scheme).
SIGNED_BY_CALLER: dict[str, Any] = {"security": []}

# Every authenticated route may answer these (400: a body that cannot be parsed).
AUTH_ERRORS = errors(400, 401, 403, 422, 429)
