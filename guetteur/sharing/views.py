"""HTML pages of sharing: agreements, each with its disclosures; alerts for analysts."""

from __future__ import annotations

from fastapi import APIRouter, Query, Request
from sqlalchemy.orm import Session
from starlette.responses import Response

from guetteur.auth import permissions as perms
from guetteur.auth.actor import Actor
from guetteur.sharing import agreements, correlate, service
from guetteur.web.deps import SessionDep, require
from guetteur.web.rendering import pagination, render

router = APIRouter(include_in_schema=False)


@router.get("/sharing")
def agreements_page(
    request: Request, session: Session = SessionDep, actor: Actor = require(perms.SHARING_MANAGE)
) -> Response:
    """The agreements the user's organisation is party to, and open alerts."""
    rows = agreements.list_(session, actor=actor)
    counts = {a.id: service.count_disclosures(session, agreement_id=a.id) for a in rows}
    alerts = correlate.list_alerts(session, actor=actor, limit=50)
    context = {"agreements": rows, "counts": counts, "alerts": alerts}
    return render(request, "sharing/agreements.html", context, actor=actor)


@router.get("/sharing/agreements/{agreement_id}")
def agreement_page(
    request: Request,
    agreement_id: str,
    page: int = Query(1, ge=1, le=1_000_000),
    session: Session = SessionDep,
    actor: Actor = require(perms.SHARING_MANAGE),
) -> Response:
    """One agreement: its terms, collections and every disclosure made under it."""
    row = agreements.get_or_raise(session, actor=actor, agreement_id=agreement_id)
    pages = pagination(page, service.count_disclosures(session, agreement_id=row.id))
    disclosures = service.list_disclosures(
        session, actor=actor, agreement_id=row.id, limit=pages["limit"], offset=pages["offset"]
    )
    context = {
        "agreement": row,
        "outbound": agreements.outbound_collection(row),
        "inbound": agreements.inbound_collection(row),
        "disclosures": disclosures,
        "pages": pages,
    }
    return render(request, "sharing/agreement.html", context, actor=actor)
