"""HTML pages of the review queue: held listings by priority, one listing with its evidence, and
the one-click verdict (a CSRF-checked form)."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Query, Request
from sqlalchemy.orm import Session
from starlette.datastructures import FormData
from starlette.responses import RedirectResponse, Response

from guetteur.auth import permissions as perms
from guetteur.auth.actor import Actor
from guetteur.config import Settings
from guetteur.detection import review
from guetteur.detection.online import OnlineScorer
from guetteur.errors import NotFound
from guetteur.marketplace.models import VERDICTS
from guetteur.web.csrf import verified_form
from guetteur.web.deps import SessionDep, get_scorer, get_settings, require
from guetteur.web.images import image_response
from guetteur.web.rendering import pagination, render

router = APIRouter(include_in_schema=False)


@router.get("/review")
def review_queue(
    request: Request,
    page: int = Query(1, ge=1, le=1_000_000),
    session: Session = SessionDep,
    actor: Actor = require(perms.LISTINGS_REVIEW),
) -> Response:
    """Held listings, highest priority (score × price × quantity) first."""
    pages = pagination(page, review.count_queue(session, actor=actor))
    items = review.queue(session, actor=actor, limit=pages["limit"], offset=pages["offset"])
    context = {"items": items, "pages": pages, "done": request.query_params.get("done")}
    return render(request, "review/queue.html", context, actor=actor)


@router.get("/review/{listing_id}")
def review_listing(
    request: Request,
    listing_id: str,
    session: Session = SessionDep,
    actor: Actor = require(perms.LISTINGS_REVIEW),
    scorer: OnlineScorer = Depends(get_scorer),
) -> Response:
    """One held listing: reasons, its pictures beside the matching references, the seller."""
    _model, context = scorer.refresh(session)
    found = review.detail(session, actor=actor, listing_id=listing_id, context=context)
    return render(request, "review/item.html", {"found": found, "verdicts": VERDICTS}, actor=actor)


@router.get("/review/{listing_id}/matches/{index}")
def matched_reference(
    listing_id: str,
    index: int,
    session: Session = SessionDep,
    settings: Settings = Depends(get_settings),
    actor: Actor = require(perms.LISTINGS_REVIEW),
    scorer: OnlineScorer = Depends(get_scorer),
) -> Response:
    """The reference picture (brand or catalogue) nearest to the listing's picture `index`."""
    _model, context = scorer.refresh(session)
    found = review.detail(session, actor=actor, listing_id=listing_id, context=context)
    if not 0 <= index < len(found.pairs) or found.pairs[index].reference is None:
        raise NotFound("no matching reference picture")
    reference = found.pairs[index].reference
    return image_response(settings, reference.sha256 if reference else None)


@router.post("/review/{listing_id}/verdict")
def record_verdict(
    listing_id: str,
    session: Session = SessionDep,
    actor: Actor = require(perms.LISTINGS_REVIEW),
    form: FormData = Depends(verified_form),
) -> Response:
    """Record the analyst's verdict, then go back to the queue."""
    verdict = str(form.get("verdict") or "")
    review.record_verdict(session, actor=actor, listing_id=listing_id, verdict=verdict)
    return RedirectResponse(f"/review?done={verdict}", status_code=303)
