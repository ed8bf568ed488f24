"""The FastAPI application factory: nothing is built at import time."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from fastapi import FastAPI
from sqlalchemy import Engine
from starlette.middleware.sessions import SessionMiddleware
from starlette.staticfiles import StaticFiles

from guetteur.config import Settings
from guetteur.db import make_engine, make_session_factory
from guetteur.web import errors
from guetteur.web.headers import SecurityHeaders
from guetteur.web.limits import BodySizeLimit
from guetteur.web.rendering import STATIC_DIR, make_templates

SESSION_COOKIE = "guetteur_session"


def create_app(settings: Settings, *, engine: Engine | None = None) -> FastAPI:
    """The web application of one node: HTML pages, the JSON API under /api, and /docs."""
    owns_engine = engine is None
    engine = engine or make_engine(settings)

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        from guetteur.sharing import schedule

        sync_task = schedule.start(_app)
        yield
        await schedule.stop(sync_task)
        if owns_engine:
            engine.dispose()

    app = FastAPI(
        lifespan=lifespan,
        title="Guetteur",
        version="0.1.0",
        description="Anti-counterfeiting platform for marketplaces, customs and brands.",
        docs_url=None,
        redoc_url=None,
        openapi_url=None,
    )
    app.state.settings = settings
    app.state.engine = engine
    app.state.sessions = make_session_factory(app.state.engine)
    app.state.templates = make_templates()
    errors.install(app)
    app.add_middleware(
        SessionMiddleware,
        secret_key=settings.secret_key,
        session_cookie=SESSION_COOKIE,
        max_age=settings.session_max_age_seconds,
        same_site="lax",
        https_only=settings.environment == "production",
    )
    app.add_middleware(SecurityHeaders)
    app.add_middleware(BodySizeLimit, max_bytes=settings.max_body_bytes)
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
    for router in _routers():
        app.include_router(router)
    return app


def _routers() -> list[Any]:
    from guetteur.actors import api as actors_api
    from guetteur.actors import views as actors_views
    from guetteur.auth import api as auth_api
    from guetteur.auth import views as auth_views
    from guetteur.cases import views as cases_views
    from guetteur.custody import api as custody_api
    from guetteur.custody import views as custody_views
    from guetteur.customs import api as customs_api
    from guetteur.customs import forms_views as customs_forms
    from guetteur.customs import views as customs_views
    from guetteur.detection import api as detection_api
    from guetteur.detection import views as detection_views
    from guetteur.marketplace import api as marketplace_api
    from guetteur.marketplace import dsa_api, dsa_views, notices_views, submission_api
    from guetteur.marketplace import views as marketplace_views
    from guetteur.registry import api as registry_api
    from guetteur.registry import views as registry_views
    from guetteur.reports import views as reports_views
    from guetteur.sharing import api as sharing_api
    from guetteur.sharing import views as sharing_views
    from guetteur.sharing.taxii import routes as taxii_routes
    from guetteur.web import views as web_views

    return [
        web_views.router,
        auth_views.router,
        registry_views.router,
        marketplace_views.router,
        auth_api.router,
        registry_api.router,
        marketplace_api.router,
        submission_api.router,
        detection_views.router,
        detection_api.router,
        customs_views.router,
        custody_views.router,
        customs_api.router,
        custody_api.router,
        notices_views.router,
        dsa_api.router,
        dsa_views.router,
        customs_forms.router,
        cases_views.router,
        reports_views.router,
        sharing_api.router,
        sharing_views.router,
        taxii_routes.router,
        actors_views.router,
        actors_api.router,
    ]
