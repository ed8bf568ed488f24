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
from guetteur.customs.models import DETENTION_STATUSES
from guetteur.web.deps import SessionDep, require
from guetteur.web.rendering import pagination, render

router = APIRouter(include_in_schema=False)
STATUS_PATTERN = "^(|" + "|".join(DETENTION_STATUSES) + ")$"
DUE_PATTERN = "^(|" + "|".join(service.DUE_FILTERS) + ")$"
YES_NO = {"yes": True, "no": False}


@router.get("/customs")
def queue(
    request: Request,
    office: str | None = Query(None, max_length=40),
    q: str = Query("", max_length=200),
    selected: str = Query("", pattern="^(|yes|no)$"),
    page: int = Query(1, ge=1, le=1_000_000),
    session: Session = SessionDep,
    actor: Actor = require(perms.CUSTOMS_READ),
) -> Response:
    """The latest targeting run's queue for one office, selected declarations first."""
    chosen = YES_NO.get(selected)
    total = service.count_queue(session, actor=actor, office=office, q=q or None, selected=chosen)
    pages = pagination(page, total)
    found = service.queue(
        session,
        actor=actor,
        office=office,
        q=q or None,
        selected=chosen,
        limit=pages["limit"],
        offset=pages["offset"],
    )
    context = {"queue": found, "pages": pages, "q": q, "selected": selected}
    return render(request, "customs/queue.html", context, actor=actor)


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
    q: str = Query("", max_length=200),
    status: str = Query("", pattern=STATUS_PATTERN),
    due: str = Query("", pattern=DUE_PATTERN),
    page: int = Query(1, ge=1, le=1_000_000),
    session: Session = SessionDep,
    actor: Actor = require(perms.CUSTOMS_READ),
) -> Response:
    """Detentions with their next step and due date; what is due today; overdue flagged."""
    day = today or utcnow().date()
    filters = {"q": q or None, "status": status or None, "due": due or None}
    pages = pagination(page, service.count_detentions(session, actor=actor, today=day, **filters))
    rows = service.list_detentions(
        session, actor=actor, today=day, limit=pages["limit"], offset=pages["offset"], **filters
    )
    context = {
        "today": day,
        "rows": rows,
        "pages": pages,
        "q": q,
        "status": status,
        "due": due,
        "statuses": DETENTION_STATUSES,
        "due_counts": {
            kind: service.count_detentions(session, actor=actor, today=day, due=kind)
            for kind in service.DUE_FILTERS
        },
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
