"""Microsoft 365 simulator: Entra ID (under `/login`, the real `/{tenant}/...` paths), Microsoft
Graph v1.0 (under `/v1.0`) and Exchange Web Services (`/EWS/Exchange.asmx`, any case), one
tenant whose applications, secrets, consents, mailboxes and EWS rights the tests can change
through `sim.state["directory"]` (see `sim_directory.py`)."""

from __future__ import annotations

import asyncio
import base64
import itertools
import json
import uuid
from datetime import UTC, datetime
from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, Response

from raccord.core.simulator import Simulator, build
from raccord.interfaces.exchange.sim_calendar import Calendars
from raccord.interfaces.exchange.sim_directory import (
    CALENDAR_ROLES,
    EWS_AUDIENCE,
    GRAPH_AUDIENCE,
    Directory,
    Grant,
    sandbox_directory,
)
from raccord.interfaces.exchange.sim_ews import handle_ews
from raccord.interfaces.exchange.sim_ews_items import EwsItems
from raccord.interfaces.exchange.sim_graph import GraphCalendarSim
from raccord.interfaces.exchange.sim_outlook import add_outlook_view

SCOPES = {f"{GRAPH_AUDIENCE}/.default": GRAPH_AUDIENCE, f"{EWS_AUDIENCE}/.default": EWS_AUDIENCE}
GRAPH_CODES = {429: "TooManyRequests", 500: "generalException", 502: "serviceNotAvailable",
               503: "serviceNotAvailable", 504: "serviceNotAvailable"}


def _now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%d %H:%M:%SZ")


def entra_error(status: int, error: str, code: int, description: str) -> JSONResponse:
    trace, correlation = str(uuid.uuid4()), str(uuid.uuid4())
    return JSONResponse({
        "error": error,
        "error_description": f"AADSTS{code}: {description}\r\nTrace ID: {trace}\r\n"
                             f"Correlation ID: {correlation}\r\nTimestamp: {_now()}",
        "error_codes": [code], "timestamp": _now(), "trace_id": trace,
        "correlation_id": correlation,
        "error_uri": f"https://login.microsoftonline.com/error?code={code}"}, status_code=status)


def graph_error(status: int, code: str, message: str) -> JSONResponse:
    request_id = str(uuid.uuid4())
    return JSONResponse({"error": {"code": code, "message": message, "innerError": {
        "date": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S"), "request-id": request_id,
        "client-request-id": request_id}}}, status_code=status,
        headers={"request-id": request_id, "client-request-id": request_id})


def _error_body(status: int) -> dict[str, Any]:
    return {"error": {"code": GRAPH_CODES.get(status, "generalException"),
                      "message": "The service is temporarily unavailable. Please retry later."}}


def _client_credentials(form: dict[str, str], authorization: str) -> tuple[str, str]:
    """RFC 6749 allows the client id and secret in the form or as HTTP Basic."""
    client_id, secret = form.get("client_id", ""), form.get("client_secret", "")
    if authorization.lower().startswith("basic "):
        decoded = base64.b64decode(authorization[6:]).decode()
        client_id, _, secret = decoded.partition(":")
    return client_id, secret


def make_simulator() -> Simulator:
    sim = Simulator("exchange")
    directory = sandbox_directory()
    sim.state["directory"] = directory
    calendars = Calendars()
    sim.state["calendars"] = calendars
    graph_sim = GraphCalendarSim(directory, calendars)
    sim.state["graph"] = graph_sim
    sim.state["ews_items"] = EwsItems(directory, calendars)
    app = FastAPI(title="Microsoft Entra ID, Graph and EWS (simulator)")

    def tenant_missing(tenant: str) -> JSONResponse | None:
        if tenant in directory.tenants:
            return None
        return entra_error(400, "invalid_tenant" if tenant else "invalid_request", 90002,
                           f"Tenant '{tenant}' not found. Check to make sure you have the "
                           "correct tenant ID and are signing into the correct cloud.")

    @app.get("/login/{tenant}/v2.0/.well-known/openid-configuration")
    def openid_configuration(tenant: str, request: Request) -> Any:
        missing = tenant_missing(tenant)
        if missing is not None:
            return missing
        # The simulator is mounted below the sandbox root: keep that prefix in the links.
        url = request.url
        base = f"{url.scheme}://{url.netloc}{request.scope.get('root_path', '')}/login/{tenant}"
        return {"token_endpoint": f"{base}/oauth2/v2.0/token",
                "authorization_endpoint": f"{base}/oauth2/v2.0/authorize",
                "issuer": f"https://login.microsoftonline.com/{tenant}/v2.0",
                "jwks_uri": f"{base}/discovery/v2.0/keys",
                "token_endpoint_auth_methods_supported": ["client_secret_post",
                                                          "private_key_jwt",
                                                          "client_secret_basic"],
                "response_types_supported": ["code", "id_token", "code id_token",
                                             "id_token token"],
                "tenant_region_scope": "EU"}

    @app.post("/login/{tenant}/oauth2/v2.0/token")
    async def token(tenant: str, request: Request) -> Any:
        form = {k: str(v) for k, v in (await request.form()).items()}
        missing = tenant_missing(tenant)
        if missing is not None:
            return entra_error(400, "invalid_request", 90002, f"Tenant '{tenant}' not found. "
                               "Check to make sure you have the correct tenant ID and are "
                               "signing into the correct cloud.")
        if form.get("grant_type") != "client_credentials":
            return entra_error(400, "unsupported_grant_type", 70003,
                               "The app requested an unsupported grant type.")
        client_id, secret = _client_credentials(form, request.headers.get("authorization", ""))
        registered = directory.tenants[tenant].get(client_id)
        if registered is None:
            return entra_error(400, "unauthorized_client", 700016,
                               f"Application with identifier '{client_id}' was not found in "
                               f"the directory '{tenant}'. This can happen if the application "
                               "has not been installed by the administrator of the tenant or "
                               "consented to by any user in the tenant. You may have sent "
                               "your authentication request to the wrong tenant.")
        if not secret:
            return entra_error(401, "invalid_client", 7000216,
                               "'client_assertion', 'client_secret' or 'request' is required "
                               "for the 'client_credentials' grant type.")
        expiry = registered.secrets.get(secret)
        if expiry is None:
            return entra_error(401, "invalid_client", 7000215,
                               "Invalid client secret provided. Ensure the secret being sent "
                               "in the request is the client secret value, not the client "
                               f"secret ID, for a secret added to app '{client_id}'.")
        if expiry < datetime.now(UTC).timestamp():
            return entra_error(401, "invalid_client", 7000222,
                               f"The provided client secret keys for app '{client_id}' are "
                               "expired. Visit the Azure portal to create new keys for your "
                               "app: https://aka.ms/NewClientSecret, or consider using "
                               "certificate credentials for added security: "
                               "https://aka.ms/certCreds.")
        audience = SCOPES.get(form.get("scope", ""))
        if audience is None:
            return entra_error(400, "invalid_scope", 70011,
                               "The provided value for the input parameter 'scope' is not "
                               f"valid. The scope {form.get('scope', '')} is not valid.")
        roles = registered.graph_roles if audience == GRAPH_AUDIENCE else registered.ews_roles
        access_token = sim.issue_token(3599, prefix="eyJ0eXAiOiJKV1QiLCJhbGciOiJSUzI1NiJ9.")
        directory.grants[access_token] = Grant(client_id, audience, set(roles))
        return {"token_type": "Bearer", "expires_in": 3599, "ext_expires_in": 3599,
                "access_token": access_token}

    def bearer_grant(request: Request, audience: str) -> Grant | JSONResponse:
        header = request.headers.get("authorization", "")
        token_value = header[7:].strip() if header.lower().startswith("bearer ") else ""
        if not token_value:
            return graph_error(401, "InvalidAuthenticationToken", "Access token is empty.")
        grant = directory.grants.get(token_value)
        if grant is None or not sim.token_valid(token_value):
            return graph_error(401, "InvalidAuthenticationToken",
                               "Lifetime validation failed, the token is expired.")
        if grant.audience != audience:
            return graph_error(401, "InvalidAuthenticationToken",
                               "Access token validation failure. Invalid audience.")
        return grant

    @app.get("/v1.0/users/{user}/calendar")
    def calendar(user: str, request: Request) -> Any:
        grant = bearer_grant(request, GRAPH_AUDIENCE)
        if isinstance(grant, JSONResponse):
            return grant
        if not grant.roles & CALENDAR_ROLES:
            return graph_error(403, "ErrorAccessDenied",
                               "Access is denied. Check credentials and try again.")
        address = user.lower()
        mailbox = directory.mailboxes.get(address)
        if mailbox is None:
            return graph_error(404, "ErrorInvalidUser",
                               f"The requested user '{user}' is invalid.")
        if not mailbox.has_mailbox:
            return graph_error(404, "MailboxNotEnabledForRESTAPI",
                               "The mailbox is either inactive, soft-deleted, or is hosted "
                               "on-premise.")
        return {"@odata.context": "https://graph.microsoft.com/v1.0/$metadata#users('"
                                  f"{address}')/calendar/$entity",
                "id": _calendar_id(address), "name": "Calendar", "color": "auto",
                "hexColor": "", "isDefaultCalendar": True,
                "changeKey": "nfZyf7VcrEKLNoU37KWlkQAAA0x0+w==", "canShare": True,
                "canViewPrivateItems": True, "canEdit": True,
                "allowedOnlineMeetingProviders": ["teamsForBusiness"],
                "defaultOnlineMeetingProvider": "teamsForBusiness",
                "isTallyingResponses": True, "isRemovable": False,
                "owner": {"name": mailbox.name, "address": address}}

    calls = itertools.count(1)

    def graph_base(request: Request) -> str:
        url = request.url
        return f"{url.scheme}://{url.netloc}{request.scope.get('root_path', '')}/v1.0"

    async def lost_answer() -> JSONResponse:
        # The work is done; the answer never comes back in time (the client times out).
        await asyncio.sleep(sim.faults.hang_s)
        return graph_error(504, "serviceNotAvailable", "The answer was lost.")

    @app.post("/v1.0/$batch")
    async def batch(request: Request) -> Any:
        grant = bearer_grant(request, GRAPH_AUDIENCE)
        if isinstance(grant, JSONResponse):
            return grant
        try:
            payload = json.loads(await request.body())
            requests = list(payload["requests"])
        except (ValueError, KeyError, TypeError):
            return graph_error(400, "BadRequest", "Invalid batch payload.")
        if len(requests) > 20:
            return graph_error(400, "BadRequest",
                               "The number of batch requests exceeds the limit of 20.")
        base, answers, call = graph_base(request), [], next(calls)
        creates = False
        for item in requests:
            headers = {str(k).lower(): str(v) for k, v in (item.get("headers") or {}).items()}
            method = str(item.get("method", "GET")).upper()
            status, out_headers, body = await asyncio.to_thread(
                graph_sim.handle, grant, method, str(item.get("url", "")), headers,
                item.get("body"), base, call)
            creates = creates or (method == "POST" and status == 201)
            answers.append({"id": str(item.get("id")), "status": status,
                            "headers": out_headers, "body": body})
        if creates and graph_sim.lose_answer():
            return await lost_answer()
        return {"responses": answers}

    @app.api_route("/v1.0/users/{rest:path}", methods=["GET", "POST", "PATCH", "DELETE"])
    async def events(rest: str, request: Request) -> Any:
        grant = bearer_grant(request, GRAPH_AUDIENCE)
        if isinstance(grant, JSONResponse):
            return grant
        raw = await request.body()
        try:
            body = json.loads(raw) if raw else None
        except ValueError:
            return graph_error(400, "BadRequest", "Invalid JSON.")
        path = f"/users/{rest}" + (f"?{request.url.query}" if request.url.query else "")
        headers = {k.lower(): v for k, v in request.headers.items()}
        status, out_headers, answer = await asyncio.to_thread(
            graph_sim.handle, grant, request.method, path, headers, body, graph_base(request),
            next(calls))
        if request.method == "POST" and status == 201 and graph_sim.lose_answer():
            return await lost_answer()
        if status == 204:
            return Response(status_code=204, headers=out_headers)
        return JSONResponse(answer, status_code=status, headers=out_headers)

    add_outlook_view(app, directory, calendars)

    # IIS matches /EWS/Exchange.asmx whatever its case; anything else is not found.
    @app.api_route("/{path:path}", methods=["GET", "POST", "PUT", "PATCH", "DELETE"])
    async def ews(path: str, request: Request) -> Response:
        if request.method != "POST" or path.lower() != "ews/exchange.asmx":
            return JSONResponse({"detail": "Not Found"}, status_code=404)
        answer = handle_ews(directory, sim, request.headers.get("authorization", ""),
                            await request.body())
        if answer.headers.get("x-sim-lost"):  # carried out; the answer comes too late
            await asyncio.sleep(sim.faults.hang_s)
        return answer

    simulator = build(sim, app, _error_body)
    plain_reset = simulator.reset

    def reset() -> None:  # the calendars start empty again with the counters
        plain_reset()
        calendars.__init__()  # type: ignore[misc]
        graph_sim.drop_create_rate = 0.0
        sim.state["ews_items"] = EwsItems(directory, calendars)

    simulator.reset = reset  # type: ignore[method-assign]
    return simulator


def directory_of(sim: Simulator) -> Directory:
    directory: Directory = sim.state["directory"]
    return directory


def _calendar_id(address: str) -> str:
    return "AAMkA" + base64.urlsafe_b64encode(f"calendar:{address}".encode()).decode().rstrip("=")
