"""Bridge API v3 simulator: `Client-Id`/`Client-Secret`/`Bridge-Version` checked on every call
(401 invalid_client_credentials, 400 invalid_version_header), users (create, list, read,
delete), user tokens (2 h), connect sessions with a page playing the bank's authentication,
items with their states, accounts with balances, transactions (`since`, `is_deleted`,
`future`, cursor paging) that evolve between fetches, Bridge's three limits (2,000 calls per
application per 5 minutes, 60 per user per minute, 10 token requests per user per minute:
429 with Retry-After) and webhooks signed as Bridge signs them (`BridgeApi-Signature: v1=`).

Control API for tests and the sandbox (under `/_sim/bank/`): fill an account, make it
evolve, set an item's status, send a webhook, change the limits."""

from __future__ import annotations

import json
import random
import re
import secrets
import threading
import time
import uuid
from collections import deque
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import urlencode

import httpx
from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response

from raccord.core.simulator import Simulator, build
from raccord.interfaces.bank import sim_connect
from raccord.interfaces.bank.sim_ledger import Books, decode_cursor, encode_cursor, parse_ms
from raccord.interfaces.bank.webhooks import SIGNATURE_HEADER, sign

SANDBOX_CLIENT_ID = "0f4c2b8e5a9d4e1f8a7b6c5d4e3f2a1b"
SANDBOX_CLIENT_SECRET = "sandbox-bridge-8Hn2pQ7vX1kL4mR9tW3yZ6cB"
SANDBOX_WEBHOOK_SECRET = "sandbox-bridge-webhook-Qm4Zt8Kd"
VERSIONS = {"2025-01-15"}
EXTERNAL_ID = re.compile(r"^[a-zA-Z0-9_-]{1,128}$")
PROVIDERS = [{"id": 574, "name": "Crédit Agricole Île-de-France", "country_code": "FR"},
             {"id": 408, "name": "BNP Paribas", "country_code": "FR"},
             {"id": 179, "name": "Société Générale", "country_code": "FR"}]
TOKEN_LIFETIME = timedelta(hours=2)
LIMITS = {"app_per_5min": 2000, "user_per_min": 60, "token_per_min": 10}


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


@dataclass
class Windows:
    """Bridge's sliding windows, counted on arrival."""

    calls: dict[str, deque[float]] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def over(self, key: str, limit: int, window_s: float) -> float | None:
        now = time.monotonic()
        with self.lock:
            seen = self.calls.setdefault(key, deque())
            while seen and seen[0] <= now - window_s:
                seen.popleft()
            if len(seen) >= limit:
                return max(0.05, seen[0] + window_s - now)
            seen.append(now)
            return None

    def clear(self) -> None:
        with self.lock:
            self.calls.clear()


@dataclass
class BridgeSimulator(Simulator):
    windows: Windows = field(default_factory=Windows)
    books: Books = field(default_factory=Books)

    def reset(self) -> None:
        """Back to an empty Bridge: no user, bank or transaction, the real limits."""
        super().reset()
        self.windows.clear()
        for key in ("users", "items", "accounts", "user_tokens", "sessions", "webhook"):
            if key in self.state:
                self.state[key].clear()
        self.books.ledgers.clear()
        self.state["limits"] = dict(LIMITS)


def _now_text() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


def add_item(sim: Simulator, user_uuid: str, provider_id: int = 574, accounts: int = 0,
             history: int = 0) -> int:
    """A bank connected by the user through Bridge's connect pages, with `accounts` accounts
    of `history` transactions each."""
    items: dict[int, dict[str, Any]] = sim.state["items"]
    item_id = 8_000_000 + len(items) + 1
    while item_id in items:
        item_id += 1
    now = _now_text()
    items[item_id] = {"id": item_id, "user_uuid": user_uuid, "status": 0,
                      "status_code_info": "OK", "status_code_description": None,
                      "provider_id": provider_id, "account_types": "payment",
                      "last_successful_refresh": now, "last_try_refresh": now}
    for _ in range(accounts):
        add_account(sim, item_id, history)
    return item_id


def french_iban(bank: str, branch: str, account: str) -> str:
    """A valid French IBAN (RIB key and IBAN check digits computed)."""
    key = 97 - (89 * int(bank) + 15 * int(branch) + 3 * int(account)) % 97
    bban = f"{bank}{branch}{account}{key:02d}"
    check = 98 - int(f"{bban}152700") % 97
    return f"FR{check:02d}{bban}"


def add_account(sim: Simulator, item_id: int, history: int = 0, pending: int = 0,
                base: int = 1_000_000) -> int:
    accounts: dict[int, dict[str, Any]] = sim.state["accounts"]
    account_id = 4_000_000 + len(accounts) + 1
    item = sim.state["items"][item_id]
    number = f"{account_id:011d}"
    accounts[account_id] = {"id": account_id, "item_id": item_id, "user_uuid": item["user_uuid"],
                            "name": f"Compte courant {number[-4:]}", "type": "checking",
                            "currency_code": "EUR", "iban": french_iban("30006", "00001", number),
                            "provider_id": item["provider_id"]}
    books: Books = sim.state["books"]
    books.open(account_id, base)
    books.fill(account_id, history, pending=pending)
    return account_id


def account_wire(sim: Simulator, raw: dict[str, Any]) -> dict[str, Any]:
    ledger = sim.state["books"].ledgers[raw["id"]]
    return {**{k: v for k, v in raw.items() if k != "user_uuid"},
            "balance": ledger.balance / 100, "updated_at": _now_text()}


def register_webhook(sim: Simulator, url: str, secret: str | None = None) -> str:
    """Declare the webhook as in Bridge's dashboard: its URL, and the secret Bridge shows
    once (generated unless given) for the receiver to save. Returns the secret."""
    secret = secret or "whsec_" + secrets.token_urlsafe(24)
    sim.state["webhook"].update(url=url, secret=secret)
    return secret


def _deliver(sim: Simulator, target: str, body: bytes, headers: dict[str, str]) -> None:
    try:
        answer = httpx.post(target, content=body, headers=headers, timeout=10,
                            trust_env=False)
        sim.counts[f"webhook_{answer.status_code}"] += 1
    except httpx.HTTPError:
        sim.counts["webhook_failed"] += 1


def webhook(sim: Simulator, event: str, content: dict[str, Any]) -> tuple[bytes, dict[str, str]]:
    """A webhook as Bridge sends it: the JSON body and its signature header. Posted to the
    registered target when there is one, from a thread of its own (Bridge calls back after
    its refresh, not within the caller's request)."""
    body = json.dumps({"content": content, "timestamp": int(time.time() * 1000),
                       "type": event}).encode()
    secret = sim.state["webhook"].get("secret") or SANDBOX_WEBHOOK_SECRET
    headers = {"Content-Type": "application/json", SIGNATURE_HEADER: f"v1={sign(secret, body)}"}
    target = sim.state["webhook"].get("url")
    if target:
        threading.Thread(target=_deliver, args=(sim, target, body, headers), daemon=True,
                         name="bridge-webhook").start()
    return body, headers


def refresh_item(sim: Simulator, item_id: int, rng: random.Random | None = None,
                 **changes: int) -> dict[str, int]:
    """Bridge refreshes an item: every account evolves, then `item.refreshed` is sent."""
    item = sim.state["items"][item_id]
    totals: dict[str, int] = {}
    for account in [a for a in sim.state["accounts"].values() if a["item_id"] == item_id]:
        for key, count in sim.state["books"].evolve(account["id"], rng=rng, **changes).items():
            totals[key] = totals.get(key, 0) + count
    item["last_successful_refresh"] = _now_text()
    webhook(sim, "item.refreshed", {"item_id": item_id, "user_uuid": item["user_uuid"],
                                    "full_refresh": False, "status_code": item["status"],
                                    "status_code_info": item["status_code_info"]})
    return totals


def make_simulator() -> BridgeSimulator:
    sim = BridgeSimulator("bank")
    users: dict[str, dict[str, Any]] = {}
    items: dict[int, dict[str, Any]] = {}
    accounts: dict[int, dict[str, Any]] = {}
    tokens: dict[str, str] = {}  # access token -> user uuid
    sessions: dict[str, dict[str, Any]] = {}
    sim.state.update(users=users, items=items, accounts=accounts, user_tokens=tokens,
                     sessions=sessions, books=sim.books, webhook={}, limits=dict(LIMITS),
                     apps={SANDBOX_CLIENT_ID: SANDBOX_CLIENT_SECRET})
    app = FastAPI(title="Bridge API v3 (simulator)")

    def too_many(key: str, limit_key: str, window_s: float) -> JSONResponse | None:
        wait = sim.windows.over(key, int(sim.state["limits"][limit_key]), window_s)
        if wait is None:
            return None
        sim.http_429 += 1
        return JSONResponse(_error_body(429), status_code=429,
                            headers={"Retry-After": str(max(1, int(wait + 0.999)))})

    def refused(request: Request) -> JSONResponse | None:
        version = request.headers.get("bridge-version")
        if version not in VERSIONS:
            return error(400, "invalid_version_header", "API version Bridge-Version is invalid")
        client_id = request.headers.get("client-id", "")
        if sim.state["apps"].get(client_id) != request.headers.get("client-secret") \
                or not client_id:
            return error(401, "invalid_client_credentials",
                         "client_id and client_secret are invalid")
        return too_many(f"app:{client_id}", "app_per_5min", 300.0)

    def user_of(request: Request) -> str | JSONResponse:
        denied = refused(request)
        if denied is not None:
            return denied
        header = request.headers.get("authorization", "")
        token = header[7:].strip() if header.lower().startswith("bearer ") else ""
        owner = tokens.get(token)
        if owner is None or not sim.token_valid(token) or owner not in users:
            return error(401, "invalid_token", "The access token is invalid or expired")
        return too_many(f"user:{owner}", "user_per_min", 60.0) or owner

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
            _drop_item(item_id)  # Bridge removes every item, account and transaction
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
        limited = too_many(f"token:{user['uuid']}", "token_per_min", 60.0)
        if limited is not None:
            return limited
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

    @app.get("/v3/aggregation/items/{item_id}")
    def read_item(item_id: int, request: Request) -> Any:
        owner = user_of(request)
        if isinstance(owner, JSONResponse):
            return owner
        item = items.get(item_id)
        if item is None or item["user_uuid"] != owner:
            return error(404, "not_found", "Item not found")
        return {k: v for k, v in item.items() if k != "user_uuid"}

    def _drop_item(item_id: int) -> None:
        del items[item_id]
        for account_id in [a for a, acc in accounts.items() if acc["item_id"] == item_id]:
            del accounts[account_id]
            sim.books.ledgers.pop(account_id, None)

    @app.delete("/v3/aggregation/items/{item_id}")
    def delete_item(item_id: int, request: Request) -> Any:
        owner = user_of(request)
        if isinstance(owner, JSONResponse):
            return owner
        if items.get(item_id, {}).get("user_uuid") != owner:
            return error(404, "not_found", "Item not found")
        _drop_item(item_id)
        return Response(status_code=204)

    @app.get("/v3/aggregation/accounts")
    def list_accounts(request: Request) -> Any:
        owner = user_of(request)
        if isinstance(owner, JSONResponse):
            return owner
        mine = [account_wire(sim, a) for a in accounts.values() if a["user_uuid"] == owner]
        return _page(request, mine, "/v3/aggregation/accounts")

    @app.get("/v3/aggregation/transactions")
    def list_transactions(request: Request) -> Any:
        owner = user_of(request)
        if isinstance(owner, JSONResponse):
            return owner
        query = request.query_params
        limit = max(1, min(int(query.get("limit") or 50), 500))
        since_ms = None
        if query.get("since"):
            try:
                since_ms = parse_ms(query["since"])
            except ValueError:
                return error(400, "invalid_request", "since must be an ISO 8601 date-time",
                             "since")
        wanted = query.get("account_id")
        if not wanted:
            return error(400, "invalid_request", "account_id is required by this simulator",
                         "account_id")
        account = accounts.get(int(wanted))
        if account is None or account["user_uuid"] != owner:
            return error(404, "not_found", "Account not found")
        after = decode_cursor(query["after"]) if query.get("after") else None
        if query.get("after") and after is None:
            return error(400, "invalid_request", "after is not a valid cursor", "after")
        with sim.books.lock:
            found, last = sim.books.ledgers[account["id"]].page(since_ms, after, limit)
            resources = [tx.wire() for tx in found]
        next_uri = None
        if last is not None:
            params = {"account_id": wanted, "limit": limit, "after": encode_cursor(last)}
            if query.get("since"):
                params["since"] = query["since"]
            next_uri = f"/v3/aggregation/transactions?{urlencode(params)}"
        return {"resources": resources, "pagination": {"next_uri": next_uri}}

    @app.post("/v3/aggregation/connect-sessions")
    async def connect_session(request: Request) -> Any:
        owner = user_of(request)
        if isinstance(owner, JSONResponse):
            return owner
        body = await request.json()
        callback = str(body.get("callback_url") or "")
        if not callback.startswith(("https://", "http://")):
            return error(400, "invalid_request", "callback_url must be an absolute URL",
                         "callback_url")
        item_id = body.get("item_id")
        if item_id is not None and items.get(int(item_id), {}).get("user_uuid") != owner:
            return error(404, "not_found", "Item not found", "item_id")
        session_id = str(uuid.uuid4())
        sessions[session_id] = {"user_uuid": owner, "callback_url": callback,
                                "item_id": int(item_id) if item_id is not None else None,
                                "user_email": body.get("user_email")}
        base = f"{request.url.scheme}://{request.url.netloc}{request.scope.get('root_path', '')}"
        return JSONResponse({"id": session_id, "url": f"{base}/connect/{session_id}"},
                            status_code=201)

    @app.get("/connect/{session_id}", response_class=HTMLResponse)
    def connect_page(session_id: str) -> Any:
        session = sessions.get(session_id)
        if session is None:
            return HTMLResponse("<p>Session inconnue ou expirée.</p>", status_code=404)
        return sim_connect.page(session, PROVIDERS)

    @app.post("/connect/{session_id}")
    async def connect_submit(session_id: str, request: Request) -> Any:
        session = sessions.get(session_id)
        if session is None:
            return HTMLResponse("<p>Session inconnue ou expirée.</p>", status_code=404)
        form = {k: str(v) for k, v in (await request.form()).items()}
        problem = sim_connect.refusal(form)
        if problem:
            return HTMLResponse(sim_connect.page(session, PROVIDERS, problem), status_code=400)
        item_id = session["item_id"]
        if item_id is None:
            item_id = add_item(sim, session["user_uuid"], int(form.get("provider_id") or 574))
            for _ in range(2):
                add_account(sim, item_id, history=30, pending=2)
            webhook(sim, "item.created", {"item_id": item_id, "user_uuid": session["user_uuid"]})
        else:
            items[item_id].update(status=0, status_code_info="OK",
                                  status_code_description=None,
                                  last_successful_refresh=_now_text())
        del sessions[session_id]
        # Bridge synchronises the bank once the holder is through, then says so.
        webhook(sim, "item.refreshed", {"item_id": item_id, "user_uuid": session["user_uuid"],
                                        "full_refresh": True, "status_code": 0,
                                        "status_code_info": "OK"})
        query = urlencode({"success": "true", "item_id": item_id, "session_id": session_id})
        separator = "&" if "?" in session["callback_url"] else "?"
        return RedirectResponse(f"{session['callback_url']}{separator}{query}", 303)

    # -- control API ------------------------------------------------------------------------
    @app.post("/_sim/bank/bank", include_in_schema=False)
    async def control_bank(request: Request) -> dict[str, Any]:
        """A bank already connected by the user, with its accounts and their history."""
        body = await request.json()
        item_id = add_item(sim, str(body["user_uuid"]), int(body.get("provider_id", 574)))
        made = [add_account(sim, item_id, int(body.get("history", 0)),
                            int(body.get("pending", 0)))
                for _ in range(int(body.get("accounts", 1)))]
        return {"item_id": item_id, "accounts": made}

    @app.get("/_sim/bank/ledger/{account_id}", include_in_schema=False)
    def control_ledger(account_id: int) -> dict[str, Any]:
        """The account as the bank has it: [id, amount in cents, deleted, future] rows."""
        with sim.books.lock:
            ledger = sim.books.ledgers[account_id]
            rows = [[t.id, t.amount, t.deleted, t.future] for t in ledger.rows.values()]
            return {"balance_cents": ledger.balance, "rows": rows}

    @app.post("/_sim/bank/fill", include_in_schema=False)
    async def control_fill(request: Request) -> dict[str, Any]:
        body = await request.json()
        item_id = int(body["item_id"])
        made = [add_account(sim, item_id, int(body.get("history", 0)),
                            int(body.get("pending", 0))) for _ in range(int(body.get("accounts",
                                                                                    1)))]
        return {"accounts": made}

    @app.post("/_sim/bank/refresh", include_in_schema=False)
    async def control_refresh(request: Request) -> dict[str, int]:
        body = await request.json()
        changes = {k: int(body.get(k, 0)) for k in ("new", "update", "delete", "book")}
        return refresh_item(sim, int(body["item_id"]), random.Random(body.get("seed")),
                            **changes)

    @app.post("/_sim/bank/item-status", include_in_schema=False)
    async def control_status(request: Request) -> dict[str, Any]:
        body = await request.json()
        item = items[int(body["item_id"])]
        item.update(status=int(body["status"]),
                    status_code_info=str(body.get("status_code_info") or ""))
        return {k: v for k, v in item.items() if k != "user_uuid"}

    @app.post("/_sim/bank/webhook-target", include_in_schema=False)
    async def control_webhook(request: Request) -> dict[str, str]:
        """{"url"[, "secret"]}: the webhook's target and the secret it signs with (a new
        one unless given), as Bridge's dashboard shows it; {"url": ""} stops the calls."""
        body = await request.json()
        if not body.get("url"):
            sim.state["webhook"].clear()
            return {"status": "cleared"}
        return {"status": "set", "secret": register_webhook(sim, str(body["url"]),
                                                            body.get("secret") or None)}

    @app.post("/_sim/bank/limits", include_in_schema=False)
    async def control_limits(request: Request) -> dict[str, int]:
        body = await request.json()
        sim.state["limits"].update({k: int(v) for k, v in body.items() if k in LIMITS})
        return dict(sim.state["limits"])

    built = build(sim, app, _error_body)
    assert isinstance(built, BridgeSimulator)
    return built
