"""HTML pages of customs: targeting queue, inspection screen, detentions with due dates."""

from __future__ import annotations

from datetime import date

from fastapi import APIRouter, Query, Request
from sqlalchemy.orm import Session
from starlette.responses import Response

from guetteur.auth import permissions as perms
from guetteur.auth.actor import Actor
from guetteur.clock import utcnow
from guetteur.customs import detention as proc
from guetteur.customs import service
from guetteur.web.deps import SessionDep, require
from guetteur.web.rendering import render

router = APIRouter(include_in_schema=False)


@router.get("/customs")
def queue(
    request: Request,
    office: str | None = Query(None, max_length=40),
    session: Session = SessionDep,
    actor: Actor = require(perms.CUSTOMS_READ),
) -> Response:
    """The latest targeting run's queue for one office, selected declarations first."""
    found = service.queue(session, actor=actor, office=office)
    return render(request, "customs/queue.html", {"queue": found}, actor=actor)


@router.get("/customs/declarations/{declaration_id}")
def declaration(
    request: Request,
    declaration_id: str,
    session: Session = SessionDep,
    actor: Actor = require(perms.CUSTOMS_READ),
) -> Response:
    """The inspection screen: declaration, reasons, the right holder's authentication guide."""
    screen = service.inspection_screen(session, actor=actor, declaration_id=declaration_id)
    return render(request, "customs/declaration.html", {"screen": screen}, actor=actor)


@router.get("/customs/detentions")
def detentions(
    request: Request,
    today: date | None = None,
    session: Session = SessionDep,
    actor: Actor = require(perms.CUSTOMS_READ),
) -> Response:
    """Open detentions with their next step and due date; what is due today; overdue flagged."""
    day = today or utcnow().date()
    context = {
        "today": day,
        "due": proc.due(session, actor=actor, today=day),
        "rows": proc.list_(session, actor=actor, open_only=False),
    }
    return render(request, "customs/detentions.html", context, actor=actor)


@router.get("/customs/detentions/{detention_id}")
def detention(
    request: Request,
    detention_id: int,
    session: Session = SessionDep,
    actor: Actor = require(perms.CUSTOMS_READ),
) -> Response:
    """One detention and its timeline."""
    row = proc.get_or_raise(session, actor=actor, detention_id=detention_id)
    return render(request, "customs/detention.html", {"d": row}, actor=actor)
