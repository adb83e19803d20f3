"""Google's OAuth token service and Gmail API v1, as a service account sees them.

`POST /token` (oauth2.googleapis.com) takes a JWT-bearer assertion, checks its RS256 signature
with the public keys of the service accounts it knows, its claims, and the domain-wide
delegation of the subject; `GET /gmail/v1/users/{userId}/profile` and
`POST /gmail/v1/users/{userId}/messages/send` (gmail.googleapis.com) check the token, the
mailbox and the scopes, and answer in Google's shapes."""

from __future__ import annotations

import asyncio
import base64
import binascii
import json
import secrets
import time
from email import message_from_bytes, policy
from email.utils import getaddresses
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

from raccord.core.simulator import Simulator, build
from raccord.interfaces.gmail.sandbox_key import (
    SANDBOX_CLIENT_EMAIL,
    SANDBOX_CLIENT_ID,
    SANDBOX_DOMAIN,
    SANDBOX_SENDER,
    key_id,
    sandbox_private_key,
)
from raccord.interfaces.gmail.serviceaccount import GMAIL_SEND, JWT_BEARER
from raccord.interfaces.gmail.simulator_limits import UserLimits
from raccord.interfaces.gmail.simulator_mailbox import mailbox_page

AUDIENCES = {"https://oauth2.googleapis.com/token", "https://www.googleapis.com/oauth2/v4/token",
             "https://accounts.google.com/o/oauth2/token"}
FULL = "https://mail.google.com/"
READ_SCOPES = {FULL, "https://www.googleapis.com/auth/gmail.modify",
               "https://www.googleapis.com/auth/gmail.compose",
               "https://www.googleapis.com/auth/gmail.readonly",
               "https://www.googleapis.com/auth/gmail.metadata"}
SEND_SCOPES = {FULL, GMAIL_SEND, "https://www.googleapis.com/auth/gmail.modify",
               "https://www.googleapis.com/auth/gmail.compose"}
NO_GMAIL_USER = f"sans-gmail@{SANDBOX_DOMAIN}"
METADATA = "https://www.googleapis.com/auth/gmail.metadata"
# The media upload limit of users.messages.send (35 MB).
MAX_PAYLOAD_BYTES = 36_700_160
LIST_UNITS = 5
PROJECT_NUMBER = "418730912664"
SKEW_S = 300


def oauth_error(status: int, error: str, description: str) -> JSONResponse:
    return JSONResponse({"error": error, "error_description": description}, status_code=status)


def api_error(status: int, message: str, reason: str, state: str,
              info_reason: str | None = None) -> JSONResponse:
    error: dict[str, Any] = {"code": status, "message": message,
                             "errors": [{"message": message, "domain": "global",
                                         "reason": reason}], "status": state}
    if info_reason:
        error["details"] = [{"@type": "type.googleapis.com/google.rpc.ErrorInfo",
                             "reason": info_reason, "domain": "googleapis.com",
                             "metadata": {"service": "gmail.googleapis.com"}}]
    return JSONResponse({"error": error}, status_code=status)


def _b64(part: str) -> bytes:
    return base64.urlsafe_b64decode(part + "=" * (-len(part) % 4))


def register_service_account(sim: Simulator, client_email: str, client_id: str,
                             public_key: rsa.RSAPublicKey, kid: str) -> None:
    """Make a service account (or one more of its keys) known to Google."""
    account = sim.state["accounts"].setdefault(client_email, {"client_id": client_id,
                                                              "keys": {}})
    account["keys"][kid] = public_key


def delegate(sim: Simulator, client_id: str, domain: str, scopes: set[str]) -> None:
    """What a Workspace super-admin does in Manage Domain Wide Delegation."""
    sim.state["delegations"][client_id] = {"domain": domain, "scopes": set(scopes)}


class GmailSimulator(Simulator):
    """Google's state: service accounts and their keys, delegations, users, the messages
    each mailbox sent and its quota use. A reset brings the sandbox's own back."""

    def reset(self) -> None:
        super().reset()
        self.state.clear()
        self.state.update(accounts={}, delegations={}, grants={}, sent=[], api_enabled=True,
                          limits=UserLimits(), usage={},
                          users={SANDBOX_SENDER: {"gmail": True, "messagesTotal": 1287,
                                                  "threadsTotal": 904, "historyId": "5310442"},
                                 NO_GMAIL_USER: {"gmail": False}})
        key = sandbox_private_key()
        register_service_account(self, SANDBOX_CLIENT_EMAIL, SANDBOX_CLIENT_ID,
                                 key.public_key(), key_id(key))
        delegate(self, SANDBOX_CLIENT_ID, SANDBOX_DOMAIN, {GMAIL_SEND})


def revoke_sandbox_key(sim: Simulator) -> None:
    """What deleting the key in IAM > Service accounts > Keys does."""
    sim.state["accounts"][SANDBOX_CLIENT_EMAIL]["keys"].pop(key_id(sandbox_private_key()), None)


def restore_sandbox_key(sim: Simulator) -> None:
    key = sandbox_private_key()
    register_service_account(sim, SANDBOX_CLIENT_EMAIL, SANDBOX_CLIENT_ID, key.public_key(),
                             key_id(key))


def make_simulator() -> Simulator:
    sim = GmailSimulator("gmail")
    sim.reset()
    app = FastAPI(title="Google OAuth and Gmail API (simulated)")

    def exchange(assertion: str) -> JSONResponse:
        try:
            head_b64, claims_b64, signature_b64 = assertion.split(".")
            header = json.loads(_b64(head_b64))
            claims = json.loads(_b64(claims_b64))
            signature = _b64(signature_b64)
        except (ValueError, binascii.Error):
            return oauth_error(400, "invalid_grant", "Invalid JWT: malformed assertion.")
        account = sim.state["accounts"].get(claims.get("iss"))
        if account is None:
            return oauth_error(400, "invalid_grant", "Invalid grant: account not found")
        public_key = account["keys"].get(header.get("kid"))
        signed = f"{head_b64}.{claims_b64}".encode()
        try:
            if header.get("alg") != "RS256" or public_key is None:
                raise InvalidSignature
            public_key.verify(signature, signed, padding.PKCS1v15(), hashes.SHA256())
        except InvalidSignature:
            return oauth_error(400, "invalid_grant", "Invalid JWT Signature.")
        if claims.get("aud") not in AUDIENCES:
            return oauth_error(400, "invalid_grant", "Invalid JWT: Failed audience check.")
        now, iat, exp = time.time(), claims.get("iat", 0), claims.get("exp", 0)
        if not (iat - SKEW_S <= now <= exp + SKEW_S) or exp - iat > 3600:
            return oauth_error(400, "invalid_grant", "Invalid JWT: Token must be a short-lived "
                               "token (60 minutes) and in a reasonable timeframe. Check your "
                               "iat and exp values in the JWT claim.")
        scopes = set(str(claims.get("scope") or "").split())
        if not scopes:
            return oauth_error(400, "invalid_scope", "Invalid OAuth scope or ID token audience "
                               "provided.")
        subject = claims.get("sub")
        if subject:
            delegation = sim.state["delegations"].get(account["client_id"])
            if (delegation is None or subject.rpartition("@")[2] != delegation["domain"]
                    or not scopes <= delegation["scopes"]):
                return oauth_error(401, "unauthorized_client", "Client is unauthorized to "
                                   "retrieve access tokens using this method, or client not "
                                   "authorized for any of the scopes requested.")
            if subject not in sim.state["users"]:
                return oauth_error(400, "invalid_grant", "Invalid email or User ID")
        token = sim.issue_token(3599, prefix="ya29.")
        sim.state["grants"][token] = {"sub": subject, "scopes": scopes}
        return JSONResponse({"access_token": token, "expires_in": 3599,
                             "token_type": "Bearer"})

    @app.post("/token")
    async def token(request: Request) -> JSONResponse:
        form = await request.form()
        if form.get("grant_type") != JWT_BEARER:
            return oauth_error(400, "unsupported_grant_type",
                               f"Invalid grant_type: {form.get('grant_type') or ''}")
        assertion = form.get("assertion")
        if not isinstance(assertion, str) or not assertion:
            return oauth_error(400, "invalid_request", "Missing required parameter: assertion")
        return exchange(assertion)

    def mailbox(request: Request, user_id: str, allowed: set[str]) -> JSONResponse | str:
        """The mailbox the token may act on, or Google's refusal."""
        header = request.headers.get("authorization", "")
        token = header[7:] if header.startswith("Bearer ") else ""
        grant = sim.state["grants"].get(token)
        if grant is None or not sim.token_valid(token):
            return api_error(401, "Request had invalid authentication credentials. Expected "
                             "OAuth 2 access token, login cookie or other valid authentication "
                             "credential.", "authError", "UNAUTHENTICATED")
        if not sim.state["api_enabled"]:
            return api_error(403, f"Gmail API has not been used in project {PROJECT_NUMBER} "
                             "before or it is disabled.", "accessNotConfigured",
                             "PERMISSION_DENIED", "SERVICE_DISABLED")
        if not grant["scopes"] & allowed:
            return api_error(403, "Request had insufficient authentication scopes.",
                             "insufficientPermissions", "PERMISSION_DENIED",
                             "ACCESS_TOKEN_SCOPE_INSUFFICIENT")
        subject = grant["sub"]
        if not subject or not sim.state["users"].get(subject, {}).get("gmail"):
            return api_error(400, "Precondition check failed.", "failedPrecondition",
                             "FAILED_PRECONDITION")
        if user_id not in ("me", subject):
            return api_error(403, f"Delegation denied for {subject}", "forbidden",
                             "PERMISSION_DENIED")
        return str(subject)

    @app.get("/gmail/v1/users/{user_id}/profile")
    def profile(user_id: str, request: Request) -> Any:
        who = mailbox(request, user_id, READ_SCOPES)
        if isinstance(who, JSONResponse):
            return who
        user = sim.state["users"][who]
        return {"emailAddress": who, "messagesTotal": user["messagesTotal"],
                "threadsTotal": user["threadsTotal"], "historyId": user["historyId"]}

    @app.post("/gmail/v1/users/{user_id}/messages/send")
    async def send(user_id: str, request: Request) -> Any:
        who = mailbox(request, user_id, SEND_SCOPES)
        if isinstance(who, JSONResponse):
            return who
        body = await request.body()
        if len(body) > MAX_PAYLOAD_BYTES:
            return api_error(413, f"Request payload size exceeds the limit: {MAX_PAYLOAD_BYTES}"
                             " bytes.", "uploadTooLarge", "INVALID_ARGUMENT")
        try:
            raw_text = json.loads(body).get("raw")
            raw = _b64(raw_text) if raw_text else b""
            message = message_from_bytes(raw, policy=policy.default) if raw else None
        except (ValueError, TypeError, AttributeError, binascii.Error):
            message = None
        if message is None or not message.keys():
            return api_error(400, "'raw' RFC822 payload message string or uploading message via "
                             "/upload/* URL required", "invalidArgument", "INVALID_ARGUMENT")
        headers = ("To", "Cc", "Bcc")
        recipients = [a for _, a in getaddresses([str(message.get(h, "")) for h in headers])
                      if "@" in a]
        if not recipients:
            return api_error(400, "Invalid To header", "invalidArgument", "INVALID_ARGUMENT")
        refused = sim.state["limits"].take_send(sim.state["usage"], who)
        if refused is not None:
            return refused
        message_id = secrets.token_hex(8)
        text = message.get_body(("plain",))
        sim.state["sent"].append({
            "id": message_id, "from": who, "to": recipients,
            "subject": str(message.get("Subject", "")),
            "message_id": str(message.get("Message-ID", "")),
            "body": text.get_content() if text is not None else "",
            "raw": raw, "at": time.time()})
        if sim.state.get("lose_send_answers"):  # carried out, its answer lost on the way
            await asyncio.sleep(120)
        return {"id": message_id, "threadId": message_id, "labelIds": ["SENT"]}

    @app.get("/gmail/v1/users/{user_id}/messages")
    def list_messages(user_id: str, request: Request, q: str = "") -> Any:
        who = mailbox(request, user_id, READ_SCOPES)
        if isinstance(who, JSONResponse):
            return who
        grant = sim.state["grants"][request.headers["authorization"][7:]]
        if q and not grant["scopes"] & (READ_SCOPES - {METADATA}):
            return api_error(403, "Metadata scope does not support 'q' parameter",
                             "forbidden", "PERMISSION_DENIED")
        refused = sim.state["limits"].take_units(sim.state["usage"], who, LIST_UNITS)
        if refused is not None:
            return refused
        wanted = q.removeprefix("rfc822msgid:").strip("<>") if q.startswith("rfc822msgid:") \
            else None
        found = [m for m in reversed(sim.state["sent"]) if m["from"] == who and (
            wanted is None or m["message_id"].strip("<>") == wanted)]
        if not found:
            return {"resultSizeEstimate": 0}
        return {"messages": [{"id": m["id"], "threadId": m["id"]} for m in found[:100]],
                "resultSizeEstimate": len(found)}

    mailbox_page(app, sim)

    def error_body(status: int) -> dict[str, Any]:
        state = {429: "RESOURCE_EXHAUSTED", 503: "UNAVAILABLE"}.get(status, "INTERNAL")
        message = ("Quota exceeded for quota metric 'Queries'" if status == 429
                   else "The service is currently unavailable." if status == 503
                   else "Internal error encountered.")
        return {"error": {"code": status, "message": message, "status": state}}

    return build(sim, app, error_body)
