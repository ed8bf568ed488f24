"""HTML pages of networks: the list, one network drawn with its evidence, and its two forms
(confirm or cut a link; act on the whole network)."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Query, Request
from sqlalchemy.orm import Session
from starlette.datastructures import FormData
from starlette.responses import RedirectResponse, Response

from guetteur.actors import browse, detail, enforce, labels
from guetteur.actors.models import NETWORK_STATUSES
from guetteur.auth import permissions as perms
from guetteur.auth.actor import Actor
from guetteur.errors import Conflict, InvalidInput
from guetteur.web.csrf import verified_form
from guetteur.web.deps import SessionDep, require
from guetteur.web.rendering import pagination, render

router = APIRouter(include_in_schema=False)
STATUS_PATTERN = "^(|" + "|".join(NETWORK_STATUSES) + ")$"


@router.get("/networks")
def networks(
    request: Request,
    q: str = Query("", max_length=200),
    status: str = Query("active", pattern=STATUS_PATTERN),
    page: int = Query(1, ge=1, le=1_000_000),
    session: Session = SessionDep,
    actor: Actor = require(perms.NETWORKS_READ),
) -> Response:
    """Networks, largest first, searchable by network id, member id or shop name."""
    filters = {"q": q or None, "status": status or None}
    pages = pagination(page, browse.count(session, actor=actor, **filters))
    items = browse.list_(
        session, actor=actor, limit=pages["limit"], offset=pages["offset"], **filters
    )
    context = {
        "networks": items,
        "pages": pages,
        "q": q,
        "status": status,
        "statuses": NETWORK_STATUSES,
    }
    return render(request, "actors/networks.html", context, actor=actor)


def _page(
    request: Request,
    session: Session,
    actor: Actor,
    network_id: str,
    *,
    error: str | None = None,
    done: enforce.NetworkAction | None = None,
) -> Response:
    item = detail.get(session, actor=actor, network_id=network_id)
    context = {"n": item, "error": error, "done": done, "acting": actor.can(perms.NETWORKS_ACT)}
    status = 422 if error else 200
    return render(request, "actors/network.html", context, actor=actor, status_code=status)


@router.get("/networks/{network_id}")
def network(
    request: Request,
    network_id: str,
    session: Session = SessionDep,
    actor: Actor = require(perms.NETWORKS_READ),
) -> Response:
    """One network: the drawing, members, links with evidence, listings, verdicts, seizures."""
    return _page(request, session, actor, network_id)


def _text(form: FormData, name: str) -> str:
    value = form.get(name)
    return value.strip() if isinstance(value, str) else ""


@router.post("/networks/{network_id}/links")
def label_link(
    request: Request,
    network_id: str,
    form: FormData = Depends(verified_form),
    session: Session = SessionDep,
    actor: Actor = require(perms.NETWORKS_ACT),
) -> Response:
    """Confirm or cut one link (kept as a label; the next `guetteur link` honours it)."""
    try:
        labels.label_link(
            session,
            actor=actor,
            network_id=network_id,
            left_id=_text(form, "left_id"),
            right_id=_text(form, "right_id"),
            label=_text(form, "label"),
            note=_text(form, "note"),
        )
    except (InvalidInput, Conflict) as exc:
        session.rollback()
        return _page(request, session, actor, network_id, error=str(exc))
    return RedirectResponse(f"/networks/{network_id}#links", status_code=303)


@router.post("/networks/{network_id}/act")
def act(
    request: Request,
    network_id: str,
    form: FormData = Depends(verified_form),
    session: Session = SessionDep,
    actor: Actor = require(perms.NETWORKS_ACT),
) -> Response:
    """Hold the network's live listings and/or suspend its accounts, in one audited action."""
    try:
        done = enforce.act_on_network(
            session,
            actor=actor,
            network_id=network_id,
            hold_listings=bool(form.get("hold_listings")),
            suspend=bool(form.get("suspend")),
            reason=_text(form, "reason"),
        )
    except InvalidInput as exc:
        session.rollback()
        return _page(request, session, actor, network_id, error=str(exc))
    return _page(request, session, actor, network_id, done=done)
