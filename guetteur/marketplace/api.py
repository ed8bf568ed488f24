"""JSON routes of the marketplace (read side); tenancy is applied by the service."""

from __future__ import annotations

from fastapi import APIRouter, Query
from sqlalchemy.orm import Session

from guetteur.auth import permissions as perms
from guetteur.auth.actor import Actor
from guetteur.marketplace import service
from guetteur.marketplace.models import LISTING_STATUSES
from guetteur.marketplace.schemas import (
    ListingPage,
    ListingRead,
    SellerPage,
    SellerRead,
    SellerSummary,
)
from guetteur.web.deps import SessionDep, require

router = APIRouter(prefix="/api", tags=["marketplace"])
STATUS_PATTERN = "^(" + "|".join(LISTING_STATUSES) + ")$"


@router.get("/listings", response_model=ListingPage)
def list_listings(
    q: str | None = Query(None, max_length=200),
    status: str | None = Query(None, pattern=STATUS_PATTERN),
    brand_id: str | None = Query(None, max_length=100),
    seller_id: str | None = Query(None, max_length=100),
    limit: int = Query(50, ge=1, le=500),
    offset: int = Query(0, ge=0),
    session: Session = SessionDep,
    actor: Actor = require(perms.LISTINGS_READ),
) -> ListingPage:
    """Listings the caller may see, newest first (a brand organisation: its brands' only)."""
    filters = {"q": q, "status": status, "brand_id": brand_id, "seller_id": seller_id}
    listings = service.list_listings(session, actor=actor, limit=limit, offset=offset, **filters)
    return ListingPage(
        items=[ListingRead.of(x) for x in listings],
        total=service.count_listings(session, actor=actor, **filters),
        limit=limit,
        offset=offset,
    )


@router.get("/listings/{listing_id}", response_model=ListingRead)
def get_listing(
    listing_id: str, session: Session = SessionDep, actor: Actor = require(perms.LISTINGS_READ)
) -> ListingRead:
    """One listing (404 when it is not the caller's to see)."""
    return ListingRead.of(service.get_listing(session, actor=actor, listing_id=listing_id))


@router.get("/sellers", response_model=SellerPage)
def list_sellers(
    q: str | None = Query(None, max_length=200),
    limit: int = Query(50, ge=1, le=500),
    offset: int = Query(0, ge=0),
    session: Session = SessionDep,
    actor: Actor = require(perms.SELLERS_READ),
) -> SellerPage:
    """Sellers, without their identifiers."""
    sellers = service.list_sellers(session, actor=actor, limit=limit, offset=offset, q=q)
    return SellerPage(
        items=[SellerSummary.model_validate(s) for s in sellers],
        total=service.count_sellers(session, actor=actor, q=q),
        limit=limit,
        offset=offset,
    )


@router.get("/sellers/{seller_id}", response_model=SellerRead)
def get_seller(
    seller_id: str, session: Session = SessionDep, actor: Actor = require(perms.SELLERS_READ)
) -> SellerRead:
    """One seller with its identifiers; audited when the caller is not the marketplace."""
    return SellerRead.model_validate(service.get_seller(session, actor=actor, seller_id=seller_id))
