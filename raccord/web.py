"""The web application: console pages, the REST API under /api/v1, and the features' pages and
routes, mounted from the feature registry."""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles
from starlette.middleware.sessions import SessionMiddleware
from uvicorn.middleware.proxy_headers import ProxyHeadersMiddleware

from raccord.api.openapi import describe
from raccord.api.settings import router as settings_api
from raccord.console.apidocs import install_api_docs
from raccord.console.app import install, session_secret
from raccord.core.roles import Role
from raccord.features.registry import FEATURES
from raccord.interfaces.hub import InterfaceHub
from raccord.toolkit.nul import RefuseNul
from raccord.toolkit.security import SecurityHeaders
from raccord.wiring import load_features


def create_app(hub: InterfaceHub) -> FastAPI:
    load_features()
    # The documentation pages are raccord's own (no CDN): see raccord.console.apidocs.
    app = FastAPI(title="raccord", version="0.1.0", docs_url=None,
                  openapi_url="/api/openapi.json", redoc_url=None)
    app.state.hub = hub
    # Secure is added to the cookie by SecurityHeaders whenever the request came over HTTPS.
    app.add_middleware(SessionMiddleware, secret_key=session_secret(hub),
                       session_cookie="raccord_session", same_site="lax", https_only=False)
    app.add_middleware(RefuseNul)  # inside SecurityHeaders: its refusals get the headers too
    app.add_middleware(SecurityHeaders)
    if hub.env.trusted_proxies:
        app.add_middleware(ProxyHeadersMiddleware, trusted_hosts=list(hub.env.trusted_proxies))
    for feature in FEATURES:  # a feature's scripts: /static/<feature>/…
        folder = Path(__file__).parent / "features" / feature.name / "static"
        if folder.is_dir():
            app.mount(f"/static/{feature.name}", StaticFiles(directory=str(folder)),
                      name=f"static-{feature.name}")
    app.mount("/static", StaticFiles(directory=str(Path(__file__).parent / "console" / "static")),
              name="static")
    app.include_router(settings_api, prefix="/api/v1")
    app.state.feature_nav = []
    for feature in FEATURES:
        if feature.api:
            app.include_router(feature.part("api").router, prefix="/api/v1")
        if feature.pages:
            app.include_router(feature.part("pages").router)
        app.state.feature_nav.extend((entry.path, entry.label, Role(entry.role))
                                     for entry in feature.menu)
    install(app)
    describe(app)
    install_api_docs(app)
    return app

