"""Bridge API v3 simulator: `Client-Id`/`Client-Secret`/`Bridge-Version` checked on every call
(401 invalid_client_credentials, 400 invalid_version_header), users (create, list, read,
delete), user tokens, items (list, delete), providers, `resources` + `pagination.next_uri`
paging. Banks are connected through Bridge's own web pages; tests use `add_item`."""

from __future__ import annotations

import re
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, Response

from raccord.core.simulator import Quotas, Simulator, build

SANDBOX_CLIENT_ID = "0f4c2b8e5a9d4e1f8a7b6c5d4e3f2a1b"
SANDBOX_CLIENT_SECRET = "sandbox-bridge-8Hn2pQ7vX1kL4mR9tW3yZ6cB"
VERSIONS = {"2025-01-15"}
EXTERNAL_ID = re.compile(r"^[a-zA-Z0-9_-]{1,128}$")
PROVIDERS = [{"id": 574, "name": "Crédit Agricole Île-de-France", "country_code": "FR"},
             {"id": 408, "name": "BNP Paribas", "country_code": "FR"},
             {"id": 179, "name": "Société Générale", "country_code": "FR"}]
TOKEN_LIFETIME = timedelta(hours=2)


def error(status: int, code: str, message: str, prop: str | None = None) -> JSONResponse:
    body: dict[str, Any] = {"code": code, "message": message}
    if prop:
        body["property"] = prop
    return JSONResponse(body, status_code=status)


def _error_body(status: int) -> dict[str, str]:
    if status == 429:
        return {"code": "too_many_requests", "message": "Rate limit exceeded"}
    return {"code": "internal_server_error", "message": "An unexpected error occurred"}


def _page(request: Request, resources: list[dict[str, Any]], path: str) -> dict[str, Any]:
    limit = max(1, min(int(request.query_params.get("limit") or 50), 500))
    start = int(request.query_params.get("after") or 0)
    chunk = resources[start:start + limit]
    following = start + limit
    next_uri = f"{path}?after={following}&limit={limit}" if following < len(resources) else None
    return {"resources": chunk, "pagination": {"next_uri": next_uri}}


def make_simulator() -> Simulator:
    # Bridge: 2,000 requests per application per 5 minutes; the per-minute share of it.
    sim = Simulator("bank", default_quotas=Quotas(per_minute=400))
    users: dict[str, dict[str, Any]] = {}
    items: dict[int, dict[str, Any]] = {}
    tokens: dict[str, str] = {}  # access token -> user uuid
    sim.state.update(users=users, items=items, user_tokens=tokens,
                     apps={SANDBOX_CLIENT_ID: SANDBOX_CLIENT_SECRET})
    app = FastAPI(title="Bridge API v3 (simulator)")

    def refused(request: Request) -> JSONResponse | None:
        version = request.headers.get("bridge-version")
        if version not in VERSIONS:
            return error(400, "invalid_version_header", "API version Bridge-Version is invalid")
        client_id = request.headers.get("client-id", "")
        if sim.state["apps"].get(client_id) != request.headers.get("client-secret") \
                or not client_id:
            return error(401, "invalid_client_credentials",
                         "client_id and client_secret are invalid")
        return None

    def user_of(request: Request) -> str | JSONResponse:
        denied = refused(request)
        if denied is not None:
            return denied
        header = request.headers.get("authorization", "")
        token = header[7:].strip() if header.lower().startswith("bearer ") else ""
        owner = tokens.get(token)
        if owner is None or not sim.token_valid(token) or owner not in users:
            return error(401, "invalid_token", "The access token is invalid or expired")
        return owner

    @app.get("/v3/providers")
    def providers(request: Request) -> Any:
        return refused(request) or _page(request, PROVIDERS, "/v3/providers")

    @app.get("/v3/aggregation/users")
    def list_users(request: Request) -> Any:
        return refused(request) or _page(request, list(users.values()), "/v3/aggregation/users")

    @app.post("/v3/aggregation/users")
    async def create_user(request: Request) -> Any:
        denied = refused(request)
        if denied is not None:
            return denied
        body = await request.json() if await request.body() else {}
        external = body.get("external_user_id")
        if external is not None and not EXTERNAL_ID.match(str(external)):
            return error(400, "invalid_request", "external_user_id is invalid",
                         "external_user_id")
        if external and any(u["external_user_id"] == external for u in users.values()):
            return error(409, "conflict", "A user with this external_user_id already exists",
                         "external_user_id")
        user_uuid = str(uuid.uuid4())
        user = {"uuid": user_uuid, "external_user_id": external}
        users[user_uuid] = user
        return JSONResponse(user, status_code=201)

    @app.get("/v3/aggregation/users/{user_uuid}")
    def read_user(user_uuid: str, request: Request) -> Any:
        return refused(request) or users.get(user_uuid) or error(404, "not_found",
                                                                 "User not found")

    @app.delete("/v3/aggregation/users/{user_uuid}")
    def delete_user(user_uuid: str, request: Request) -> Any:
        denied = refused(request)
        if denied is not None:
            return denied
        if users.pop(user_uuid, None) is None:
            return error(404, "not_found", "User not found")
        for item_id in [i for i, item in items.items() if item["user_uuid"] == user_uuid]:
            del items[item_id]  # Bridge removes every item, account and transaction
        return Response(status_code=204)

    @app.post("/v3/aggregation/authorization/token")
    async def user_token(request: Request) -> Any:
        denied = refused(request)
        if denied is not None:
            return denied
        body = await request.json()
        user = users.get(str(body.get("user_uuid"))) or next(
            (u for u in users.values()
             if body.get("external_user_id") and u["external_user_id"] ==
             body.get("external_user_id")), None)
        if user is None:
            return error(404, "not_found", "User not found")
        token = sim.issue_token(int(TOKEN_LIFETIME.total_seconds()))
        tokens[token] = user["uuid"]
        expires = (datetime.now(UTC) + TOKEN_LIFETIME).isoformat(timespec="milliseconds")
        return {"access_token": token, "expires_at": expires.replace("+00:00", "Z"),
                "user": user}

    @app.get("/v3/aggregation/items")
    def list_items(request: Request) -> Any:
        owner = user_of(request)
        if isinstance(owner, JSONResponse):
            return owner
        mine = [{k: v for k, v in item.items() if k != "user_uuid"}
                for item in items.values() if item["user_uuid"] == owner]
        return _page(request, mine, "/v3/aggregation/items")

    @app.delete("/v3/aggregation/items/{item_id}")
    def delete_item(item_id: int, request: Request) -> Any:
        owner = user_of(request)
        if isinstance(owner, JSONResponse):
            return owner
        if items.get(item_id, {}).get("user_uuid") != owner:
            return error(404, "not_found", "Item not found")
        del items[item_id]
        return Response(status_code=204)

    return build(sim, app, _error_body)


def add_item(sim: Simulator, user_uuid: str, provider_id: int = 574) -> int:
    """A bank connected by the user through Bridge's connect pages."""
    items: dict[int, dict[str, Any]] = sim.state["items"]
    item_id = 8_000_000 + len(items) + 1
    while item_id in items:
        item_id += 1
    now = datetime.now(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")
    items[item_id] = {"id": item_id, "user_uuid": user_uuid, "status": 0,
                      "status_code_info": "OK", "status_code_description": None,
                      "provider_id": provider_id, "account_types": "payment",
                      "last_successful_refresh": now, "last_try_refresh": now}
    return item_id
