"""Bridge API v3 (api.bridgeapi.io): `Client-Id`, `Client-Secret` and `Bridge-Version` on every
call; user-scoped resources (items, accounts, transactions) also need the user's Bearer token
from `/v3/aggregation/authorization/token`."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any

import httpx

from raccord.core.diagnosis import Diagnosis, Problem, ServiceError
from raccord.core.http import Outgoing, RetryPolicy
from raccord.core.i18n import Tr
from raccord.core.ratelimit import Ceiling
from raccord.interfaces.bank.records import (
    Account,
    ConnectSession,
    Item,
    Transaction,
    wire_time,
)

if TYPE_CHECKING:
    from raccord.core.hub import Hub

BRIDGE_VERSION = "2025-01-15"
# A read is retried after a transient failure, a 429 included (its Retry-After honoured).
READ = RetryPolicy(attempts=4, delay_s=0.5)
# Bridge has no idempotency key: a creation is sent once, then reconciled (see users.py).
WRITE = RetryPolicy(attempts=1, idempotent=False)
PAGE_SIZE = 500


def bridge_error(response: httpx.Response) -> dict[str, Any]:
    """v3 `{code, message, property}`; older `{type, message}` and `{errors: [...]}` too."""
    try:
        body = response.json()
    except ValueError:
        return {}
    if not isinstance(body, dict):
        return {}
    if isinstance(body.get("errors"), list) and body["errors"]:
        first = body["errors"][0]
        return first if isinstance(first, dict) else {}
    return body if ("code" in body or "type" in body or "message" in body) else {}


def ceilings(hub: Hub) -> dict[str, Ceiling]:
    """Bridge's limits, read live: 2,000 calls per application in any 5 minutes, 60 per user
    per minute, 10 token requests per user per minute (one Bridge user per customer)."""

    def setting(key: str, default: int) -> Any:
        return lambda: int(hub.values("bank").get(key) or default)

    return {"app": Ceiling("app", "minute", setting("app_calls_per_5min", 2000), multiples=5),
            "user": Ceiling("user", "minute", setting("user_calls_per_minute", 60)),
            "token": Ceiling("token", "minute", setting("token_calls_per_minute", 10))}


class BridgeClient:
    def __init__(self, hub: Hub) -> None:
        self.values = hub.values("bank")
        limits = ceilings(hub)
        self.http = hub.outgoing("bank", ceilings=[limits["app"]])
        self.user_http: Outgoing = hub.outgoing("bank", ceilings=[limits["app"], limits["user"]])
        self.token_http: Outgoing = hub.outgoing(
            "bank", ceilings=[limits["app"], limits["user"], limits["token"]])
        self.last_error: dict[str, Any] = {}
        self.calls = 0
        self._connection: httpx.Client | None = None

    def keep_connection(self) -> BridgeClient:
        """Reuse one connection for every call until `close` (a fetch makes thousands: one
        TLS handshake instead of one per page)."""
        if self._connection is None:
            self._connection = self.http.client()
        return self

    def close(self) -> None:
        if self._connection is not None:
            self._connection.close()
            self._connection = None

    @property
    def base(self) -> str:
        return str(self.values["url"]).rstrip("/")

    def _detail(self, response: httpx.Response) -> str:
        self.last_error = bridge_error(response)
        error = self.last_error
        code = error.get("code") or error.get("type") or ""
        return f"{code}: {error.get('message', '')}" if code else str(error.get("message", ""))

    def _call(self, method: str, path: str, *, retry: RetryPolicy = READ,
              expect: tuple[int, ...] = (200,), token: str | None = None,
              http: Outgoing | None = None, **kwargs: Any) -> httpx.Response:
        headers = {"Client-Id": str(self.values.get("client_id") or ""),
                   "Client-Secret": str(self.values.get("client_secret") or ""),
                   "Bridge-Version": BRIDGE_VERSION, "Accept": "application/json"}
        if token:
            headers["Authorization"] = f"Bearer {token}"
        self.last_error = {}
        self.calls += 1
        door = http or (self.user_http if token else self.http)
        try:
            return door.request(method, f"{self.base}{path}", headers=headers,
                                client=self._connection,
                                     retry=retry, expect=expect, detail=self._detail, **kwargs)
        except ServiceError as error:
            raise ServiceError(bridge_refusal(error.diagnosis, self.last_error)) from None

    def _page_bodies(self, path: str, token: str | None = None, **params: Any
                     ) -> Iterator[list[dict[str, Any]]]:
        """Each page of a list, following `pagination.next_uri` as given (a literal "null"
        ends it too). Amounts are read as decimals, never as binary floats."""
        response = self._call("GET", path, token=token, params=params)
        while True:
            body = json.loads(response.content, parse_float=Decimal)
            yield list(body.get("resources") or [])
            next_uri = (body.get("pagination") or {}).get("next_uri")
            if not next_uri or next_uri == "null":
                return
            response = self._call("GET", next_uri, token=token)

    def _pages(self, path: str, token: str | None = None, **params: Any
               ) -> Iterator[dict[str, Any]]:
        """Every resource of a list."""
        for page in self._page_bodies(path, token, **params):
            yield from page

    # -- application-level calls ---------------------------------------------------------
    def check_credentials(self) -> None:
        """The Test's harmless call: one page of one user needs valid app credentials."""
        self._call("GET", "/v3/aggregation/users", params={"limit": 1})

    def users(self) -> list[dict[str, Any]]:
        return list(self._pages("/v3/aggregation/users", limit=PAGE_SIZE))

    def find_user(self, external_user_id: str) -> dict[str, Any] | None:
        return next((u for u in self.users() if u.get("external_user_id") == external_user_id),
                    None)

    def create_user(self, external_user_id: str) -> dict[str, Any]:
        response = self._call("POST", "/v3/aggregation/users", retry=WRITE, expect=(200, 201),
                              json={"external_user_id": external_user_id})
        user: dict[str, Any] = response.json()
        return user

    def user(self, uuid: str) -> dict[str, Any] | None:
        """The user, or None when Bridge does not know it (deleted)."""
        try:
            user: dict[str, Any] = self._call("GET", f"/v3/aggregation/users/{uuid}").json()
        except ServiceError as error:
            if error.diagnosis.problem is Problem.NOT_FOUND and self.last_error:
                return None
            raise
        return user

    def delete_user(self, uuid: str) -> None:
        """Deletes the user with all its items, accounts and transactions at Bridge."""
        try:
            self._call("DELETE", f"/v3/aggregation/users/{uuid}", expect=(200, 204))
        except ServiceError as error:
            if not (error.diagnosis.problem is Problem.NOT_FOUND and self.last_error):
                raise  # a 404 from Bridge itself: already deleted, which is what we want

    # -- user-level calls ----------------------------------------------------------------
    def user_token(self, uuid: str) -> str:
        """A user access token (valid two hours)."""
        response = self._call("POST", "/v3/aggregation/authorization/token",
                              json={"user_uuid": uuid}, http=self.token_http)
        return str(response.json()["access_token"])

    def items(self, token: str) -> list[Item]:
        """The user's bank connections, with their states."""
        return [Item.parse(raw) for raw in
                self._pages("/v3/aggregation/items", token=token, limit=PAGE_SIZE)]

    def provider_names(self) -> dict[int, str]:
        """The banks Bridge reaches, by id (a public list)."""
        return {int(raw["id"]): str(raw.get("name") or "") for raw in
                self._pages("/v3/providers", limit=PAGE_SIZE)}

    def accounts(self, token: str) -> list[Account]:
        """Every account of every bank of the user, with its balance."""
        return [Account.parse(raw) for raw in
                self._pages("/v3/aggregation/accounts", token=token, limit=PAGE_SIZE)]

    def connect_session(self, token: str, callback_url: str, user_email: str = "",
                        item_id: int | None = None) -> ConnectSession:
        """A session on Bridge's pages where the holder authenticates at the bank: to add a
        bank, or (with `item_id`) to fix one (new strong authentication, credentials)."""
        body: dict[str, Any] = {"callback_url": callback_url}
        if user_email:
            body["user_email"] = user_email
        if item_id is not None:
            body["item_id"] = item_id
        response = self._call("POST", "/v3/aggregation/connect-sessions", token=token,
                              retry=WRITE, expect=(200, 201), json=body)
        raw = response.json()
        return ConnectSession(str(raw["id"]), str(raw["url"]))

    def transaction_pages(self, token: str, account_id: int, since: datetime | None
                          ) -> Iterator[list[Transaction]]:
        """The account's transactions page by page: without `since` the current ones, with it
        every one created, updated or deleted since then (`is_deleted`)."""
        params: dict[str, Any] = {"account_id": account_id, "limit": PAGE_SIZE}
        if since is not None:
            params["since"] = wire_time(since)
        for page in self._page_bodies("/v3/aggregation/transactions", token=token, **params):
            yield [Transaction.parse(raw) for raw in page]

    def delete_item(self, token: str, item_id: int) -> None:
        self._call("DELETE", f"/v3/aggregation/items/{item_id}", token=token,
                   expect=(200, 204))


def bridge_refusal(diagnosis: Diagnosis, error: dict[str, Any]) -> Diagnosis:
    code = str(error.get("code") or error.get("type") or "")
    if diagnosis.problem is Problem.AUTH and code != "invalid_token":
        return Diagnosis(Problem.AUTH, Tr(
            "Bridge refuse le Client ID ou le Client Secret (HTTP 401, "
            "invalid_client_credentials) : l'opérateur doit les recopier depuis le tableau de "
            "bord Bridge (Paramètres de l'application).",
            "Bridge refuses the client ID or client secret (HTTP 401, "
            "invalid_client_credentials): the operator must copy them again from the Bridge "
            "dashboard (application settings)."), 401)
    if diagnosis.problem is Problem.FORBIDDEN:
        return Diagnosis(Problem.FORBIDDEN, Tr(
            f"Bridge refuse l'accès (HTTP 403, {code or '?'}) : en production, l'adresse IP du "
            "serveur raccord doit figurer dans la liste blanche de l'application Bridge.",
            f"Bridge denies access (HTTP 403, {code or '?'}): in production, the raccord "
            "server's IP address must be in the Bridge application's allow list."), 403)
    if diagnosis.problem is Problem.NOT_FOUND and not error:
        return Diagnosis(Problem.NOT_FOUND, diagnosis.message + Tr(
            "L'URL de l'API Bridge est https://api.bridgeapi.io (sans /v3).",
            "The Bridge API URL is https://api.bridgeapi.io (without /v3)."), 404)
    if code == "invalid_version_header":
        return Diagnosis(Problem.PROTOCOL, Tr(
            f"Bridge refuse la version d'API {BRIDGE_VERSION} : l'application Bridge doit "
            "être en version 2025-01-15 (v3).",
            f"Bridge refuses API version {BRIDGE_VERSION}: the Bridge application must be on "
            "version 2025-01-15 (v3)."), diagnosis.status)
    return diagnosis
