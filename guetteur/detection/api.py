"""JSON routes of the review queue: the queue, one listing with its evidence, the verdict."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from fastapi import APIRouter, Depends, Query
from pydantic import BaseModel
from sqlalchemy.orm import Session

from guetteur.auth import permissions as perms
from guetteur.auth.actor import Actor
from guetteur.detection import review
from guetteur.detection.online import OnlineScorer
from guetteur.web.deps import SessionDep, get_scorer, require

router = APIRouter(prefix="/api", tags=["detection"])


class QueueEntry(BaseModel):
    listing_id: str
    title: str
    seller_id: str
    price: float
    currency: str
    quantity: int
    score: float | None
    decision: str | None
    exposure_eur: float
    priority: float


class QueuePage(BaseModel):
    items: list[QueueEntry]
    total: int
    limit: int
    offset: int


class VerdictCreate(BaseModel):
    verdict: Literal["counterfeit", "genuine"]


class VerdictRead(BaseModel):
    listing_id: str
    verdict: str
    source: str
    decided_at: datetime
    status: str


def _entry(item: review.QueueItem) -> QueueEntry:
    listing, decision = item.listing, item.decision
    return QueueEntry(
        listing_id=listing.id, title=listing.title, seller_id=listing.seller_id,
        price=float(listing.price), currency=listing.currency, quantity=listing.quantity,
        score=decision.score if decision else None,
        decision=decision.decision if decision else None,
        exposure_eur=item.exposure_eur, priority=item.priority,
    )  # fmt: skip


@router.get("/review", response_model=QueuePage)
def review_queue(
    limit: int = Query(50, ge=1, le=500),
    offset: int = Query(0, ge=0),
    session: Session = SessionDep,
    actor: Actor = require(perms.LISTINGS_REVIEW),
) -> QueuePage:
    """Held listings by priority (score × price in EUR × quantity), highest first."""
    items = review.queue(session, actor=actor, limit=limit, offset=offset)
    total = review.count_queue(session, actor=actor)
    return QueuePage(items=[_entry(i) for i in items], total=total, limit=limit, offset=offset)


@router.get("/review/{listing_id}")
def review_listing(
    listing_id: str,
    session: Session = SessionDep,
    actor: Actor = require(perms.LISTINGS_REVIEW),
    scorer: OnlineScorer = Depends(get_scorer),
) -> dict[str, Any]:
    """A listing for review: decision and reasons, matching references, the seller's history."""
    _model, context = scorer.refresh(session)
    return review.as_json(
        review.detail(session, actor=actor, listing_id=listing_id, context=context)
    )


@router.post("/review/{listing_id}/verdict", response_model=VerdictRead, status_code=201)
def record_verdict(
    listing_id: str,
    body: VerdictCreate,
    session: Session = SessionDep,
    actor: Actor = require(perms.LISTINGS_REVIEW),
) -> VerdictRead:
    """Record a verdict on a held listing: counterfeit → blocked, genuine → live."""
    row = review.record_verdict(session, actor=actor, listing_id=listing_id, verdict=body.verdict)
    status = "blocked" if row.verdict == "counterfeit" else "live"
    return VerdictRead(
        listing_id=row.listing_id, verdict=row.verdict, source=row.source,
        decided_at=row.decided_at, status=status,
    )  # fmt: skip
