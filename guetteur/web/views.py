"""Pages of the web shell itself: dashboard, audit log, health check, API docs."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Query, Request
from sqlalchemy import text
from sqlalchemy.orm import Session
from starlette.responses import JSONResponse, Response

from guetteur.audit import service as audit
from guetteur.auth import permissions as perms
from guetteur.auth.actor import Actor
from guetteur.web.dashboard import panels_for
from guetteur.web.deps import SessionDep, public, require
from guetteur.web.rendering import pagination, render

router = APIRouter(include_in_schema=False)


@router.get("/")
def dashboard(
    request: Request, session: Session = SessionDep, actor: Actor = require(perms.DASHBOARD_READ)
) -> Response:
    """The counts that matter to the user's role."""
    context = {"panels": panels_for(session, actor=actor)}
    return render(request, "dashboard.html", context, actor=actor)


@router.get("/admin/audit")
def audit_log(
    request: Request,
    page: int = Query(1, ge=1, le=1_000_000),
    action: str | None = Query(None, max_length=80),
    session: Session = SessionDep,
    actor: Actor = require(perms.AUDIT_READ),
) -> Response:
    """The audit log, newest first."""
    action = action or None
    pages = pagination(page, audit.count(session, action=action))
    entries = audit.list_(session, limit=pages["limit"], offset=pages["offset"], action=action)
    context = {"entries": entries, "pages": pages, "action": action or ""}
    return render(request, "audit.html", context, actor=actor)


@router.get("/healthz")
def healthz(session: Session = SessionDep, _anyone: Actor | None = public()) -> Response:
    """Liveness and store reachability."""
    session.execute(text("select 1"))
    return JSONResponse({"status": "ok"})


@router.get("/openapi.json")
def openapi(request: Request, _anyone: Actor | None = public()) -> Response:
    """The OpenAPI description of the JSON API."""
    return JSONResponse(request.app.openapi())


@router.get("/docs")
def docs(request: Request, actor: Actor | None = public()) -> Response:
    """The JSON API, described from its OpenAPI document (no third-party script)."""
    spec: dict[str, Any] = request.app.openapi()
    operations = [
        {
            "method": method.upper(),
            "path": path,
            "summary": op.get("summary", ""),
            "description": op.get("description", ""),
            "tags": op.get("tags", []),
        }
        for path, methods in spec.get("paths", {}).items()
        for method, op in methods.items()
    ]
    return render(request, "docs.html", {"operations": operations, "spec": spec}, actor=actor)
