"""HTML pages of custody: lots with their reconciliation."""

from __future__ import annotations

from fastapi import APIRouter, Request
from sqlalchemy.orm import Session
from starlette.responses import Response

from guetteur.auth import permissions as perms
from guetteur.auth.actor import Actor
from guetteur.custody import service
from guetteur.web.deps import SessionDep, require
from guetteur.web.rendering import render

router = APIRouter(include_in_schema=False)


@router.get("/custody")
def lots(
    request: Request, session: Session = SessionDep, actor: Actor = require(perms.CUSTOMS_READ)
) -> Response:
    """Lots in custody, each with whether its counts reconcile."""
    rows = [
        (lot, service.reconcile(session, actor=actor, lot_id=lot.id))
        for lot in service.list_(session, actor=actor)
    ]
    return render(request, "customs/lots.html", {"rows": rows}, actor=actor)


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
