"""Error pages: plain words, never a stack trace, never a secret."""

from __future__ import annotations

import logging
import time
from urllib.parse import quote

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, RedirectResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException

from raccord.core.httpsafe import safe_redirect
from raccord.toolkit.pages import EMPLOYEE_HOME, EmployeeHome, render
from raccord.toolkit.texts import TEXTS

log = logging.getLogger("raccord.console")


def install_error_pages(app: FastAPI, login_required: type[Exception],
                        forbidden: type[Exception]) -> None:
    def wants_json(request: Request) -> bool:
        return request.url.path.startswith("/api/")

    @app.exception_handler(login_required)
    async def to_login(request: Request, _exc: Exception) -> Response:
        return RedirectResponse(f"/login?next={quote(safe_redirect(request.url.path))}", 303)

    @app.exception_handler(EmployeeHome)
    async def to_own_reports(request: Request, _exc: Exception) -> Response:
        return RedirectResponse(EMPLOYEE_HOME, 303)

    @app.exception_handler(forbidden)
    async def refuse(request: Request, _exc: Exception) -> Response:
        return render(request, "message.html", 403, message=TEXTS["forbidden"])

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        if wants_json(request):
            return JSONResponse({"detail": exc.detail}, exc.status_code,
                                headers=exc.headers)
        message = TEXTS["not_found"] if exc.status_code == 404 else TEXTS["forbidden"]
        return render(request, "message.html", exc.status_code, message=message)

    @app.exception_handler(Exception)
    async def crash(request: Request, exc: Exception) -> Response:
        stamp = time.strftime("%Y-%m-%d %H:%M:%S")
        log.error("unexpected error on %s %s at %s: %s", request.method, request.url.path,
                  stamp, repr(exc))
        if wants_json(request):
            return JSONResponse({"detail": "unexpected error, recorded in the log", "at": stamp},
                                500)
        return render(request, "message.html", 500, message=TEXTS["server_error"], stamp=stamp)
