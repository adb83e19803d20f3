"""Universign REST v1 simulator: `/v1/transactions` (create, list, read, start, pause), HTTP
Basic with an API key (empty password) or an account login, Bearer with an API key, and
401/403/404/400 JSON errors. Tests move a transaction along with `set_state`."""

from __future__ import annotations

import base64
import binascii
import secrets
from datetime import UTC, datetime
from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

from raccord.core.simulator import Simulator, build

SANDBOX_KEY = "apikey_sandbox_3QWm9TzYfK2r"
NO_RIGHTS_KEY = "apikey_sandbox_readers_only"  # a known key without rights on transactions
SANDBOX_LOGIN = "signature@demo-sarl.fr"
SANDBOX_PASSWORD = "sandbox-universign-P4ss"
LANGUAGES = {"bg", "ca", "nl", "en", "fr", "de", "it", "pl", "pt", "ro", "es"}
STATES = {"draft", "started", "paused", "completed", "cancelled", "expired", "archived"}
DEFAULT_DURATION = 20160  # minutes: 14 days


def _now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _id(prefix: str) -> str:
    return f"{prefix}_{secrets.token_urlsafe(9).replace('-', 'x').replace('_', 'y')}"


# Universign documents the status codes, not the error body: this shape is the simulator's.
def error(status: int, code: str, message: str) -> JSONResponse:
    return JSONResponse({"error": code, "error_description": message}, status_code=status)


def _error_body(status: int) -> dict[str, str]:
    return {"error": "server_error" if status >= 500 else "too_many_requests",
            "error_description": "The service is temporarily unavailable."}


def make_simulator() -> Simulator:
    sim = Simulator("signature")
    transactions: dict[str, dict[str, Any]] = {}
    sim.state.update(transactions=transactions,
                     keys={SANDBOX_KEY: "My API key", NO_RIGHTS_KEY: "Readers"},
                     logins={SANDBOX_LOGIN: SANDBOX_PASSWORD})
    app = FastAPI(title="Universign API v1 (simulator)")

    def caller(request: Request) -> str | JSONResponse:
        """The API key name (or login) the request authenticates as."""
        scheme, _, value = request.headers.get("authorization", "").partition(" ")
        user = password = ""
        if scheme.lower() == "basic":
            try:
                user, _, password = base64.b64decode(value).decode().partition(":")
            except (binascii.Error, UnicodeDecodeError):
                user = ""
        elif scheme.lower() == "bearer":
            user = value.strip()
        if user in sim.state["keys"] and not password:
            if user == NO_RIGHTS_KEY:
                return error(403, "forbidden", "Your API key does not grant you access to "
                             "this resource.")
            return str(sim.state["keys"][user])
        if user and sim.state["logins"].get(user) == password:
            return user
        return error(401, "unauthorized", "Your API key is invalid or you didn't provide any.")

    @app.get("/v1/transactions")
    def list_transactions(request: Request) -> Any:
        who = caller(request)
        if isinstance(who, JSONResponse):
            return who
        # Listing shape not in the stored docs: the usual {object: list, data, has_more}.
        ordered = sorted(transactions.values(), key=lambda t: t["created_at"], reverse=True)
        return {"object": "list", "data": ordered[:20], "has_more": len(ordered) > 20}

    @app.post("/v1/transactions")
    async def create(request: Request) -> Any:
        who = caller(request)
        if isinstance(who, JSONResponse):
            return who
        form = await request.form()
        language = str(form.get("language") or "fr")
        if language not in LANGUAGES:
            return error(400, "invalid_request", f"Invalid value for 'language': {language}.")
        duration = str(form.get("duration") or DEFAULT_DURATION)
        if not duration.isdigit():
            return error(400, "invalid_request", f"Invalid value for 'duration': {duration}.")
        tx_id = _id("tx")
        transactions[tx_id] = {
            "object": "transaction", "id": tx_id, "folder_id": _id("fol"),
            "created_at": _now(), "duration": int(duration),
            "name": str(form.get("name") or tx_id), "folder_name": "My folder",
            "stalled": False, "language": language,
            "creator": {"workspace_name": "Démo SARL", "api_key_name": who},
            "state": "draft", "participants": [], "watchers": [], "sealers": [],
            "documents": [],
            "instructions": {"signatures": [], "reviews": [], "captures": [],
                             "sequencing": [], "editions": []},
            "actions": [], "metadata": {}, "progress_value": 0}
        if form.get("expires_at"):
            transactions[tx_id]["expires_at"] = str(form["expires_at"])
        return transactions[tx_id]

    def found(request: Request, tx_id: str) -> dict[str, Any] | JSONResponse:
        who = caller(request)
        if isinstance(who, JSONResponse):
            return who
        if tx_id not in transactions:
            return error(404, "not_found", f"Transaction {tx_id} not found.")
        return transactions[tx_id]

    @app.get("/v1/transactions/{tx_id}")
    def read(tx_id: str, request: Request) -> Any:
        return found(request, tx_id)

    @app.post("/v1/transactions/{tx_id}/start")
    def start(tx_id: str, request: Request) -> Any:
        tx = found(request, tx_id)
        if isinstance(tx, JSONResponse):
            return tx
        if tx["state"] not in ("draft", "paused"):
            return error(400, "invalid_state", f"Transaction {tx_id} is {tx['state']}.")
        tx["state"] = "started"
        tx.setdefault("started_at", _now())
        return tx

    @app.post("/v1/transactions/{tx_id}/pause")
    def pause(tx_id: str, request: Request) -> Any:
        tx = found(request, tx_id)
        if isinstance(tx, JSONResponse):
            return tx
        if tx["state"] != "started":
            return error(400, "invalid_state", f"Transaction {tx_id} is {tx['state']}.")
        tx["state"] = "paused"
        return tx

    return build(sim, app, _error_body)


def set_state(sim: Simulator, tx_id: str, state: str) -> None:
    """Move a transaction as its participants would (tests and demos)."""
    if state not in STATES:
        raise ValueError(state)
    tx = sim.state["transactions"][tx_id]
    tx["state"] = state
    if state == "completed":
        tx["progress_value"] = 100
        tx.setdefault("completed_at", _now())
