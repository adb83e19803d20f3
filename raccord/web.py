"""The web application: console pages, the REST API under /api/v1, and the features' pages."""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles
from starlette.middleware.sessions import SessionMiddleware

from raccord.core.hub import Hub
from raccord.features import feature_modules


def create_app(hub: Hub) -> FastAPI:
    from raccord.api.settings import router as settings_api
    from raccord.console.app import install, session_secret

    app = FastAPI(title="raccord", version="0.1.0", docs_url="/api/docs",
                  openapi_url="/api/openapi.json", redoc_url=None)
    app.state.hub = hub
    app.add_middleware(SessionMiddleware, secret_key=session_secret(hub),
                       session_cookie="raccord_session", same_site="lax", https_only=False)
    app.mount("/static", StaticFiles(directory=str(Path(__file__).parent / "console" / "static")),
              name="static")
    app.include_router(settings_api, prefix="/api/v1")
    for module in feature_modules("api"):
        app.include_router(module.router, prefix="/api/v1")
    app.state.feature_nav = []
    for module in feature_modules("pages"):
        app.include_router(module.router)
        app.state.feature_nav.extend(getattr(module, "NAV", ()))
    install(app)
    return app
