"""The REST API's documentation served by raccord itself: Swagger UI (`/api/docs`) and ReDoc
(`/api/redoc`), their scripts and styles from a Python package installed with raccord
(`fastapi-offline` ships them), never from a CDN, so they work on a server without internet.

The pages hold no inline script: each starts its viewer from a file of the console's own
static folder (a Content-Security-Policy of `script-src 'self'` allows them)."""

from __future__ import annotations

from pathlib import Path

import fastapi_offline
from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles

from raccord.toolkit.pages import language
from raccord.toolkit.texts import TEXTS

ASSETS = Path(fastapi_offline.__file__).parent / "static"
ASSETS_URL = "/api/docs/assets"


def _page(request: Request, title: str, body: str) -> HTMLResponse:
    lang = language(request)
    return HTMLResponse(f"""<!doctype html>
<html lang="{lang}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title} — raccord</title>
<link rel="icon" href="{ASSETS_URL}/favicon.png">
<link rel="stylesheet" href="/static/api-docs.css">
{body}
</html>""")


def install_api_docs(app: FastAPI, openapi_url: str = "/api/openapi.json") -> None:
    app.mount(ASSETS_URL, StaticFiles(directory=str(ASSETS)), name="api-docs-assets")

    @app.get("/api/docs", include_in_schema=False)
    def swagger_ui(request: Request) -> HTMLResponse:
        title = TEXTS["api_docs"](language(request))
        return _page(request, title, f"""<link rel="stylesheet" href="{ASSETS_URL}/swagger-ui.css">
</head>
<body>
<main><h1 class="visually-hidden">{title}</h1>
<div id="swagger-ui" data-openapi="{openapi_url}"></div></main>
<script src="{ASSETS_URL}/swagger-ui-bundle.js"></script>
<script src="/static/api-docs.js"></script>
</body>""")

    @app.get("/api/redoc", include_in_schema=False)
    def redoc(request: Request) -> HTMLResponse:
        title = TEXTS["api_docs"](language(request))
        return _page(request, title, f"""</head>
<body>
<main><h1 class="visually-hidden">{title}</h1>
<div id="redoc" data-openapi="{openapi_url}"></div></main>
<script src="{ASSETS_URL}/redoc.standalone.js"></script>
<script src="/static/api-docs.js"></script>
</body>""")
