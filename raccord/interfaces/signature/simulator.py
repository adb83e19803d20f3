"""Universign REST v1 simulator.

The flow of the real API: `POST /v1/transactions` (a draft; `metadata[k]=v`), `POST /v1/files`
(multipart), `/documents`, `/documents/{doc}/fields`, `/participants`, `/signatures`,
`/start`, then `GET /v1/transactions/{id}`; `/cancel`, `/pause`, `/remind`; the signed
documents (`/archive/documents/{doc}/download` once completed, `/v1/archives/...` once
archived) and the requester attestation. HTTP Basic with an API key (empty password) or an
account login, Bearer with an API key; 400/401/403/404 JSON errors; the core's faults.

A signing page (`/sign`) lets a person, or a test, sign or refuse as each participant: each
signature is a real PDF signature (pyHanko) made with a certificate under the sandbox CA.
Transactions expire at `expires_at`, are archived `archive_delay_s` after completion, and
every change is sent as a webhook signed as Universign signs them (see sim_webhooks)."""

from __future__ import annotations

import asyncio
import base64
import binascii
import html
import secrets
import threading
import time
from collections import Counter
from datetime import UTC, datetime, timedelta
from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse, JSONResponse, Response
from starlette.concurrency import run_in_threadpool

from raccord.core.simulator import Simulator, build
from raccord.interfaces.signature.sim_documents import (
    SigningIdentity,
    attestation_pdf,
    issue_signing_identity,
    own_ca,
    sign_pdf,
)
from raccord.interfaces.signature.sim_webhooks import WebhookSender

SANDBOX_KEY = "apikey_sandbox_3QWm9TzYfK2r"
NO_RIGHTS_KEY = "apikey_sandbox_readers_only"  # a known key without rights on transactions
SANDBOX_LOGIN = "signature@demo-sarl.fr"
SANDBOX_PASSWORD = "sandbox-universign-P4ss"
LANGUAGES = {"bg", "ca", "nl", "en", "fr", "de", "it", "pl", "pt", "ro", "es"}
STATES = {"draft", "started", "paused", "completed", "cancelled", "expired", "archived"}
LEVELS = {"level0", "level1", "level2", "level3", "level4"}
DEFAULT_DURATION = 20160  # minutes: 14 days
MAX_UPLOAD = 25 * 1024 * 1024


def _now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _stamp() -> str:
    """`updated_at`, to the microsecond so that `updated_since` misses nothing."""
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def _parse_time(text: str) -> datetime | None:
    try:
        value = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def _id(prefix: str) -> str:
    return f"{prefix}_{secrets.token_urlsafe(9).replace('-', 'x').replace('_', 'y')}"


# Universign documents the status codes, not the error body: this shape is the simulator's.
def error(status: int, code: str, message: str) -> JSONResponse:
    return JSONResponse({"error": code, "error_description": message}, status_code=status)


def _error_body(status: int) -> dict[str, str]:
    return {"error": "server_error" if status >= 500 else "too_many_requests",
            "error_description": "The service is temporarily unavailable."}


class Universign:
    """The workspace: transactions, uploaded files, the private side of each transaction
    (documents' bytes, signing tokens), and what signs documents and webhooks."""

    def __init__(self, sim: Simulator) -> None:
        self.sim = sim
        self.lock = threading.RLock()
        self.transactions: dict[str, dict[str, Any]] = {}
        self.files: dict[str, tuple[str, bytes]] = {}
        self.pdfs: dict[str, dict[str, bytes]] = {}  # tx -> doc -> current bytes
        self.tokens: dict[str, tuple[str, str]] = {}  # signing token -> (tx, e-mail)
        self.created: Counter[str] = Counter()  # raccord id in metadata -> creations
        self.reminders: Counter[str] = Counter()
        self.tampered: set[str] = set()
        # Steps whose next answers are lost after the work is done ("create", "document",
        # "start"): the caller times out, as when a network drops an answer.
        self.lose_answers: Counter[str] = Counter()
        self.lost_answer_s = 3.0
        self.archive_delay_s = 2.0
        self.ca: tuple[bytes, bytes] | None = None
        self._identity: SigningIdentity | None = None
        self.webhooks = WebhookSender()

    async def maybe_lose(self, step: str) -> None:
        if self.lose_answers[step] > 0:
            self.lose_answers[step] -= 1
            self.sim.counts[f"lost:{step}"] += 1
            await asyncio.sleep(self.lost_answer_s)

    @property
    def identity(self) -> SigningIdentity:
        with self.lock:
            if self._identity is None:
                ca_pem, ca_key = self.ca or own_ca()
                self.ca = (ca_pem, ca_key)
                self._identity = issue_signing_identity(ca_pem, ca_key)
            return self._identity

    def touch(self, tx: dict[str, Any], event: str | None = None,
              extra: dict[str, Any] | None = None) -> None:
        tx["updated_at"] = _stamp()
        if event:
            self.webhooks.emit(event, tx, extra)

    def advance(self, tx: dict[str, Any]) -> dict[str, Any]:
        """What time alone does: expiry of a started transaction, archiving after completion."""
        now = datetime.now(UTC)
        if tx["state"] in ("started", "paused") and tx.get("expires_at"):
            expires = _parse_time(tx["expires_at"])
            if expires is not None and expires <= now:
                tx["state"] = "expired"
                self.touch(tx, "transaction.lifecycle.expired")
        if tx["state"] == "completed" and tx.get("completed_at"):
            done = _parse_time(tx["completed_at"])
            if done is not None and (now - done).total_seconds() >= self.archive_delay_s:
                tx["state"] = "archived"
                self.touch(tx)
        return tx

    # -- what participants do on the signing page ----------------------------------------
    def action(self, tx: dict[str, Any], email: str) -> dict[str, Any] | None:
        return next((a for a in tx["actions"] if a["participant"] == email), None)

    def sign(self, tx_id: str, email: str) -> str | None:
        """Sign every document as `email`; the refusal's reason, or None once signed."""
        with self.lock:
            tx = self.advance(self.transactions[tx_id])
            act = self.action(tx, email)
            if tx["state"] != "started" or act is None or act["state"] != "open":
                return f"nothing to sign for {email} in {tx_id} ({tx['state']})"
            participant = next(p for p in tx["participants"] if p["email"] == email)
            number = sum(1 for a in tx["actions"] if a["state"] == "closed") + 1
            for doc_id, pdf in self.pdfs[tx_id].items():
                self.pdfs[tx_id][doc_id] = sign_pdf(self.identity, pdf, f"Signature{number}",
                                                    participant.get("full_name") or email)
            act.update(state="closed", closed_at=_now())
            self.touch(tx, "action.closed", {"action": dict(act)})
            waiting = [a for a in tx["actions"] if a["state"] == "waiting"]
            if waiting and tx.get("sequencing") == "ordered":
                waiting[0]["state"] = "open"
            if all(a["state"] == "closed" for a in tx["actions"]):
                tx.update(state="completed", completed_at=_now(), progress_value=100)
                self.touch(tx, "transaction.lifecycle.completed")
            else:
                tx["progress_value"] = int(100 * number / len(tx["actions"]))
            return None

    def refuse(self, tx_id: str, email: str, reason: str) -> str | None:
        with self.lock:
            tx = self.advance(self.transactions[tx_id])
            act = self.action(tx, email)
            if tx["state"] != "started" or act is None or act["state"] != "open":
                return f"nothing to refuse for {email} in {tx_id} ({tx['state']})"
            act.update(state="stalled", stalled_reason="signature_refusal", comment=reason,
                       stalled_at=_now())
            tx["stalled"] = True
            self.touch(tx, "action.stalled", {"action": dict(act)})
            return None

    def links(self, tx_id: str) -> dict[str, str]:
        return {email: token for token, (tx, email) in self.tokens.items() if tx == tx_id}


def make_simulator() -> Simulator:
    sim = Simulator("signature")
    us = Universign(sim)
    sim.state.update(universign=us, transactions=us.transactions,
                     keys={SANDBOX_KEY: "My API key", NO_RIGHTS_KEY: "Readers"},
                     logins={SANDBOX_LOGIN: SANDBOX_PASSWORD})
    app = FastAPI(title="Universign API v1 (simulator)")
    transactions = us.transactions

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

    def found(request: Request, tx_id: str) -> dict[str, Any] | JSONResponse:
        who = caller(request)
        if isinstance(who, JSONResponse):
            return who
        if tx_id not in transactions:
            return error(404, "not_found", f"Transaction {tx_id} not found.")
        return us.advance(transactions[tx_id])

    def draft(request: Request, tx_id: str) -> dict[str, Any] | JSONResponse:
        tx = found(request, tx_id)
        if not isinstance(tx, JSONResponse) and tx["state"] != "draft":
            return error(400, "invalid_state", f"Transaction {tx_id} is {tx['state']}, not "
                         "draft.")
        return tx

    @app.get("/v1/transactions")
    def list_transactions(request: Request) -> Any:
        who = caller(request)
        if isinstance(who, JSONResponse):
            return who
        query = request.query_params
        wanted = {k[9:-1]: v for k, v in query.items()
                  if k.startswith("metadata[") and k.endswith("]")}
        since = query.get("updated_since") or ""
        try:
            limit = max(1, min(int(query.get("limit") or 20), 100))
        except ValueError:
            return error(400, "invalid_request", "Invalid value for 'limit'.")
        with us.lock:
            rows = [us.advance(t) for t in transactions.values()]
        rows = [t for t in rows if all(t["metadata"].get(k) == v for k, v in wanted.items())
                and (not since or t["updated_at"] >= since)]
        # Listing shape not in the stored docs: the usual {object: list, data, has_more}.
        rows.sort(key=lambda t: (t["updated_at"], t["id"]), reverse=True)
        after = query.get("starting_after")
        if after:
            index = next((i for i, t in enumerate(rows) if t["id"] == after), None)
            rows = rows[index + 1:] if index is not None else []
        return {"object": "list", "data": rows[:limit], "has_more": len(rows) > limit}

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
        expires_at = str(form.get("expires_at") or "")
        if expires_at and _parse_time(expires_at) is None:
            return error(400, "invalid_request", f"Invalid value for 'expires_at': "
                         f"{expires_at}.")
        metadata = {str(k)[9:-1]: str(v) for k, v in form.items()
                    if str(k).startswith("metadata[") and str(k).endswith("]")}
        tx_id = _id("tx")
        tx: dict[str, Any] = {
            "object": "transaction", "id": tx_id, "folder_id": _id("fol"),
            "created_at": _now(), "updated_at": _stamp(), "duration": int(duration),
            "name": str(form.get("name") or tx_id), "folder_name": "My folder",
            "stalled": False, "language": language,
            "creator": {"workspace_name": "Démo SARL", "api_key_name": who},
            "state": "draft", "participants": [], "watchers": [], "sealers": [],
            "documents": [], "sequencing": "parallel",
            "instructions": {"signatures": [], "reviews": [], "captures": [],
                             "sequencing": [], "editions": []},
            "actions": [], "metadata": metadata, "progress_value": 0}
        if expires_at:
            tx["expires_at"] = expires_at
        with us.lock:
            transactions[tx_id] = tx
            us.pdfs[tx_id] = {}
            for value in metadata.values():
                us.created[value] += 1
            us.touch(tx, "transaction.lifecycle.created")
        await us.maybe_lose("create")
        return tx

    @app.get("/v1/transactions/{tx_id}")
    def read(tx_id: str, request: Request) -> Any:
        return found(request, tx_id)

    @app.post("/v1/transactions/{tx_id}")
    async def update(tx_id: str, request: Request) -> Any:
        tx = draft(request, tx_id)
        if isinstance(tx, JSONResponse):
            return tx
        form = await request.form()
        sequencing = str(form.get("sequencing") or tx["sequencing"])
        if sequencing not in ("ordered", "parallel"):
            return error(400, "invalid_request", f"Invalid value for 'sequencing': "
                         f"{sequencing}.")
        tx["sequencing"] = sequencing
        if form.get("name"):
            tx["name"] = str(form["name"])
        us.touch(tx)
        return tx

    @app.post("/v1/files")
    async def upload(request: Request) -> Any:
        who = caller(request)
        if isinstance(who, JSONResponse):
            return who
        form = await request.form()
        upload = form.get("file")
        if upload is None or isinstance(upload, str):
            return error(400, "invalid_request", "Missing multipart field 'file'.")
        content = await upload.read()
        if len(content) > MAX_UPLOAD:
            return error(400, "file_too_large", "The file exceeds 25 MB.")
        if not content.startswith(b"%PDF-"):
            return error(400, "invalid_file", "The file is not a PDF, Word or image file.")
        file_id = _id("file")
        us.files[file_id] = (upload.filename or "document.pdf", content)
        return {"object": "file", "id": file_id}

    @app.post("/v1/transactions/{tx_id}/documents")
    async def add_document(tx_id: str, request: Request) -> Any:
        tx = draft(request, tx_id)
        if isinstance(tx, JSONResponse):
            return tx
        form = await request.form()
        file_id = str(form.get("document") or "")
        if file_id not in us.files:
            return error(400, "invalid_request", f"Unknown file '{file_id}'.")
        if len(tx["documents"]) >= 20:
            return error(400, "too_many_documents", "A transaction holds 20 documents.")
        file_name, content = us.files[file_id]
        doc_id = _id("doc")
        doc = {"object": "document", "id": doc_id, "name": str(form.get("name") or file_name),
               "file_name": file_name, "fields": []}
        with us.lock:
            tx["documents"].append(doc)
            us.pdfs[tx_id][doc_id] = content
            us.touch(tx)
        await us.maybe_lose("document")
        return doc

    @app.post("/v1/transactions/{tx_id}/documents/{doc_id}/fields")
    async def add_field(tx_id: str, doc_id: str, request: Request) -> Any:
        tx = draft(request, tx_id)
        if isinstance(tx, JSONResponse):
            return tx
        doc = next((d for d in tx["documents"] if d["id"] == doc_id), None)
        if doc is None:
            return error(404, "not_found", f"Document {doc_id} not found.")
        form = await request.form()
        kind = str(form.get("type") or "signature")
        if kind not in ("signature", "visa"):
            return error(400, "invalid_request", f"Field type '{kind}' is not enabled for "
                         "this workspace.")
        spot: dict[str, Any] = {}
        if form.get("anchor"):
            spot["anchor"] = str(form["anchor"])
        elif form.get("page"):
            try:
                spot = {k: int(str(form.get(k) or 0)) for k in ("page", "x", "y")}
            except ValueError:
                return error(400, "invalid_request", "Invalid field position.")
        field = {"id": _id("fld"), "type": kind, "name": str(form.get("name") or ""),
                 "built_in": False, "consents": [], "updatable": True, "deletable": True,
                 **spot}
        doc["fields"].append(field)
        us.touch(tx)
        return field

    @app.post("/v1/transactions/{tx_id}/participants")
    async def add_participant(tx_id: str, request: Request) -> Any:
        tx = draft(request, tx_id)
        if isinstance(tx, JSONResponse):
            return tx
        form = await request.form()
        email = str(form.get("email") or "")
        if "@" not in email:
            return error(400, "invalid_request", "Invalid value for 'email'.")
        level = str(form.get("min_signature_level") or "level1")
        if level not in LEVELS:
            return error(400, "invalid_request", f"Invalid value for 'min_signature_level': "
                         f"{level}.")
        phone = str(form.get("phone_number") or "")
        if phone and not (phone.startswith("+") and phone[1:].isdigit()):
            return error(400, "invalid_request", "'phone_number' must be in E.164 format.")
        participant = {"email": email, "full_name": str(form.get("full_name") or ""),
                       "phone_number": phone or None, "min_signature_level": level}
        with us.lock:
            tx["participants"] = [p for p in tx["participants"] if p["email"] != email]
            tx["participants"].append(participant)
            us.touch(tx)
        return participant

    @app.post("/v1/transactions/{tx_id}/signatures")
    async def add_signature(tx_id: str, request: Request) -> Any:
        tx = draft(request, tx_id)
        if isinstance(tx, JSONResponse):
            return tx
        form = await request.form()
        signer, field_id = str(form.get("signer") or ""), str(form.get("field") or "")
        fields = {f["id"] for d in tx["documents"] for f in d["fields"]}
        if field_id not in fields:
            return error(400, "invalid_request", f"Unknown field '{field_id}'.")
        if signer not in {p["email"] for p in tx["participants"]}:
            tx["participants"].append({"email": signer, "full_name": "",
                                       "phone_number": None, "min_signature_level": "level1"})
        entry = {"signer": signer, "field": field_id}
        if entry not in tx["instructions"]["signatures"]:
            tx["instructions"]["signatures"].append(entry)
        us.touch(tx)
        return {"object": "signature", **entry}

    @app.post("/v1/transactions/{tx_id}/start")
    async def start(tx_id: str, request: Request) -> Any:
        answer = _start(tx_id, request)
        await us.maybe_lose("start")
        return answer

    def _start(tx_id: str, request: Request) -> Any:
        tx = found(request, tx_id)
        if isinstance(tx, JSONResponse):
            return tx
        with us.lock:
            if tx["state"] not in ("draft", "paused"):
                return error(400, "invalid_state", f"Transaction {tx_id} is {tx['state']}.")
            if tx["state"] == "draft":
                signers = [p["email"] for p in tx["participants"]
                           if any(s["signer"] == p["email"]
                                  for s in tx["instructions"]["signatures"])]
                if not tx["documents"] or not signers:
                    return error(400, "invalid_transaction", "A transaction needs a document "
                                 "and a signer before it starts.")
                ordered = tx["sequencing"] == "ordered"
                tx["actions"] = [
                    {"id": _id("act"), "type": "signature", "participant": email,
                     "state": "open" if (i == 0 or not ordered) else "waiting"}
                    for i, email in enumerate(signers)]
                for email in signers:
                    us.tokens[secrets.token_urlsafe(16)] = (tx_id, email)
                if not tx.get("expires_at"):
                    ends = datetime.now(UTC) + timedelta(minutes=tx["duration"])
                    tx["expires_at"] = ends.strftime("%Y-%m-%dT%H:%M:%SZ")
            tx["state"] = "started"
            tx.setdefault("started_at", _now())
            us.touch(tx, "transaction.lifecycle.started")
        return tx

    def _move(request: Request, tx_id: str, allowed: set[str], to: str) -> Any:
        tx = found(request, tx_id)
        if isinstance(tx, JSONResponse):
            return tx
        with us.lock:
            if tx["state"] not in allowed:
                return error(400, "invalid_state", f"Transaction {tx_id} is {tx['state']}.")
            tx["state"] = to
            us.touch(tx, f"transaction.lifecycle.{to}")
        return tx

    @app.post("/v1/transactions/{tx_id}/pause")
    def pause(tx_id: str, request: Request) -> Any:
        return _move(request, tx_id, {"started"}, "paused")

    @app.post("/v1/transactions/{tx_id}/cancel")
    def cancel(tx_id: str, request: Request) -> Any:
        return _move(request, tx_id, {"draft", "started", "paused"}, "cancelled")

    @app.post("/v1/transactions/{tx_id}/remind")
    def remind(tx_id: str, request: Request) -> Any:
        tx = found(request, tx_id)
        if isinstance(tx, JSONResponse):
            return tx
        if tx["state"] != "started":
            return error(400, "invalid_state", f"Transaction {tx_id} is {tx['state']}.")
        for act in tx["actions"]:
            if act["state"] == "open":
                us.reminders[f"{tx_id}/{act['participant']}"] += 1
                us.webhooks.emit("action.manualreminder.sent", tx, {"action": dict(act)})
        return tx

    def _download(request: Request, tx_id: str, doc_id: str, archived: bool) -> Any:
        tx = found(request, tx_id)
        if isinstance(tx, JSONResponse):
            return tx
        if archived and tx["state"] != "archived":
            return error(404, "not_found", f"Transaction {tx_id} is not archived yet.")
        if tx["state"] not in ("completed", "archived"):
            return error(400, "invalid_state", f"Transaction {tx_id} is {tx['state']}: "
                         "documents are available once it is completed.")
        content = us.pdfs[tx_id].get(doc_id)
        if content is None:
            return error(404, "not_found", f"Document {doc_id} not found.")
        if tx_id in us.tampered:  # a byte changed inside the signed range
            middle = len(content) // 3
            content = content[:middle] + bytes([content[middle] ^ 0x01]) + content[middle + 1:]
        return Response(content, media_type="application/pdf")

    @app.get("/v1/transactions/{tx_id}/archive/documents/{doc_id}/download")
    def download(tx_id: str, doc_id: str, request: Request) -> Any:
        return _download(request, tx_id, doc_id, archived=False)

    @app.get("/v1/archives/{tx_id}/documents/{doc_id}/download")
    def download_archived(tx_id: str, doc_id: str, request: Request) -> Any:
        return _download(request, tx_id, doc_id, archived=True)

    def _attestation(request: Request, tx_id: str, archived: bool) -> Any:
        tx = found(request, tx_id)
        if isinstance(tx, JSONResponse):
            return tx
        allowed = {"completed", "archived"} if archived else {"cancelled", "expired"}
        if tx["state"] not in allowed:
            return error(400 if not archived else 404, "invalid_state",
                         f"No attestation for transaction {tx_id} ({tx['state']}).")
        return Response(attestation_pdf(tx, request.query_params.get("lang") or "fr"),
                        media_type="application/pdf")

    @app.get("/v1/transactions/{tx_id}/requester-attestation")
    def attestation(tx_id: str, request: Request) -> Any:
        return _attestation(request, tx_id, archived=False)

    @app.get("/v1/archives/{tx_id}/requester-attestation")
    def attestation_archived(tx_id: str, request: Request) -> Any:
        return _attestation(request, tx_id, archived=True)

    @app.get("/v1/webhooks/jwks.json")
    def jwks() -> Any:
        return us.webhooks.jwks()

    _signing_page(app, us)
    _control(app, us)
    return build(sim, app, _error_body)


def _page(title: str, body: str) -> HTMLResponse:
    return HTMLResponse(f"<!doctype html><html lang='fr'><head><meta charset='utf-8'>"
                        f"<title>{html.escape(title)}</title></head><body>"
                        f"<h1>{html.escape(title)}</h1>{body}</body></html>")


def _signing_page(app: FastAPI, us: Universign) -> None:
    """The sandbox's stand-in for the invitation e-mail and Universign's signing screen."""

    @app.get("/sign", include_in_schema=False)
    def inbox(request: Request) -> HTMLResponse:
        items = []
        for token, (tx_id, email) in sorted(us.tokens.items(), key=lambda t: t[1]):
            tx = us.advance(us.transactions[tx_id])
            act = us.action(tx, email)
            state = act["state"] if act else "?"
            items.append(f"<li data-tx='{tx_id}' data-email='{html.escape(email)}'>"
                         f"<a href='{request.url.path}/{token}'>{html.escape(tx['name'])} — "
                         f"{html.escape(email)}</a> ({tx['state']}, {state})</li>")
        return _page("Universign — invitations", f"<ul>{''.join(items)}</ul>")

    @app.get("/sign/{token}", include_in_schema=False)
    def sign_page(token: str) -> HTMLResponse:
        if token not in us.tokens:
            return _page("Lien inconnu", "<p>Ce lien de signature n'existe pas.</p>")
        tx_id, email = us.tokens[token]
        tx = us.advance(us.transactions[tx_id])
        act = us.action(tx, email)
        docs = "".join(f"<li>{html.escape(d['name'])}</li>" for d in tx["documents"])
        if tx["state"] != "started" or act is None or act["state"] != "open":
            status = act["state"] if act else "?"
            return _page(tx["name"], f"<p id='status'>{tx['state']} / {status}</p><ul>{docs}"
                         "</ul>")
        return _page(tx["name"], (
            f"<p>Signataire : <b id='signer'>{html.escape(email)}</b></p><ul>{docs}</ul>"
            f"<form method='post'><input type='hidden' name='action' value='sign'>"
            f"<button id='sign' type='submit'>Signer</button></form>"
            f"<form method='post'><input type='hidden' name='action' value='refuse'>"
            f"<label>Motif du refus <input id='reason' name='reason'></label>"
            f"<button id='refuse' type='submit'>Refuser</button></form>"))

    @app.post("/sign/{token}", include_in_schema=False)
    async def sign_action(token: str, request: Request) -> HTMLResponse:
        if token not in us.tokens:
            return _page("Lien inconnu", "<p>Ce lien de signature n'existe pas.</p>")
        tx_id, email = us.tokens[token]
        form = await request.form()
        if form.get("action") == "refuse":
            problem = us.refuse(tx_id, email, str(form.get("reason") or ""))
            done = "Refus enregistré."
        else:
            # pyHanko runs its own event loop: sign outside this one.
            problem = await run_in_threadpool(us.sign, tx_id, email)
            done = "Document signé."
        return _page(us.transactions[tx_id]["name"],
                     f"<p id='status'>{html.escape(problem or done)}</p>")


def _control(app: FastAPI, us: Universign) -> None:
    @app.post("/_sim/webhook-endpoint", include_in_schema=False)
    async def endpoint(request: Request) -> dict[str, Any]:
        body = await request.json()
        us.webhooks.endpoint = body.get("url") or None
        return {"url": us.webhooks.endpoint}

    @app.get("/_sim/webhooks", include_in_schema=False)
    def sent() -> list[dict[str, Any]]:
        return us.webhooks.sent

    @app.get("/_sim/signing-links/{tx_id}", include_in_schema=False)
    def links(tx_id: str) -> dict[str, str]:
        return {email: f"/sign/{token}" for email, token in us.links(tx_id).items()}


# -- test and bench hooks --------------------------------------------------------------------
def universign(sim: Simulator) -> Universign:
    found: Universign = sim.state["universign"]
    return found


def set_state(sim: Simulator, tx_id: str, state: str) -> None:
    """Move a transaction as time or its participants would (tests and demos)."""
    if state not in STATES:
        raise ValueError(state)
    us = universign(sim)
    with us.lock:
        tx = us.transactions[tx_id]
        tx["state"] = state
        if state == "completed":
            tx["progress_value"] = 100
            tx.setdefault("completed_at", _now())
        us.touch(tx, f"transaction.lifecycle.{state}" if state != "archived" else None)


def expire(sim: Simulator, tx_id: str) -> None:
    """Let a started transaction reach its expiry date."""
    us = universign(sim)
    with us.lock:
        us.transactions[tx_id]["expires_at"] = _now()
        time.sleep(0.001)
        us.advance(us.transactions[tx_id])


def use_ca(sim: Simulator, ca_pem: bytes, ca_key_pem: bytes) -> None:
    """Sign documents with a certificate under this CA (the sandbox hands over its own)."""
    universign(sim).ca = (ca_pem, ca_key_pem)
