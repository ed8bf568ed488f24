"""HTML pages of custody: lots with their reconciliation."""

from __future__ import annotations

from fastapi import APIRouter, Query, Request
from sqlalchemy.orm import Session
from starlette.responses import Response

from guetteur.auth import permissions as perms
from guetteur.auth.actor import Actor
from guetteur.custody import service
from guetteur.web.deps import SessionDep, require
from guetteur.web.rendering import pagination, render

router = APIRouter(include_in_schema=False)
STATUS_PATTERN = "^(|" + "|".join(service.LOT_STATUSES) + ")$"
YES_NO = {"yes": True, "no": False}


@router.get("/custody")
def lots(
    request: Request,
    q: str = Query("", max_length=200),
    status: str = Query("", pattern=STATUS_PATTERN),
    reconciles: str = Query("", pattern="^(|yes|no)$"),
    page: int = Query(1, ge=1, le=1_000_000),
    session: Session = SessionDep,
    actor: Actor = require(perms.CUSTOMS_READ),
) -> Response:
    """Lots in custody, newest first, each with whether its counts reconcile."""
    wanted = YES_NO.get(reconciles)
    total = service.count_lots(
        session, actor=actor, q=q or None, status=status or None, reconciles=wanted
    )
    pages = pagination(page, total)
    rows = service.list_lots(
        session,
        actor=actor,
        q=q or None,
        status=status or None,
        reconciles=wanted,
        limit=pages["limit"],
        offset=pages["offset"],
    )
    context = {
        "rows": rows,
        "pages": pages,
        "q": q,
        "status": status,
        "reconciles": reconciles,
        "statuses": service.LOT_STATUSES,
    }
    return render(request, "customs/lots.html", context, actor=actor)


@router.get("/custody/lots/{lot_id}")
def lot(
    request: Request,
    lot_id: int,
    session: Session = SessionDep,
    actor: Actor = require(perms.CUSTOMS_READ),
) -> Response:
    """One lot: lines, events, certificates, reconciliation."""
    row = service.get_or_raise(session, actor=actor, lot_id=lot_id)
    result = service.reconcile(session, actor=actor, lot_id=lot_id)
    return render(request, "customs/lot.html", {"lot": row, "rec": result}, actor=actor)
