"""HTML pages of the marketplace: listings and sellers, paginated and searchable."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Query, Request
from sqlalchemy.orm import Session
from starlette.responses import Response

from guetteur.auth import permissions as perms
from guetteur.auth.actor import Actor
from guetteur.auth.tenancy import sees_seller_personal_data
from guetteur.config import Settings
from guetteur.errors import NotFound
from guetteur.marketplace import service
from guetteur.marketplace.models import LISTING_STATUSES
from guetteur.web.deps import SessionDep, get_settings, require
from guetteur.web.images import image_response
from guetteur.web.rendering import pagination, render

router = APIRouter(include_in_schema=False)
STATUS_PATTERN = "^(|" + "|".join(LISTING_STATUSES) + ")$"


@router.get("/listings")
def listings(
    request: Request,
    q: str = Query("", max_length=200),
    status: str = Query("", pattern=STATUS_PATTERN),
    brand_id: str = Query("", max_length=100),
    page: int = Query(1, ge=1, le=1_000_000),
    session: Session = SessionDep,
    actor: Actor = require(perms.LISTINGS_READ),
) -> Response:
    """Listings the user may see, newest first."""
    filters = {"q": q or None, "status": status or None, "brand_id": brand_id or None}
    pages = pagination(page, service.count_listings(session, actor=actor, **filters))
    items = service.list_listings(
        session, actor=actor, limit=pages["limit"], offset=pages["offset"], **filters
    )
    context = {
        "listings": items,
        "pages": pages,
        "q": q,
        "status": status,
        "brand_id": brand_id,
        "statuses": LISTING_STATUSES,
    }
    return render(request, "listings.html", context, actor=actor)


@router.get("/listings/{listing_id}")
def listing(
    request: Request,
    listing_id: str,
    session: Session = SessionDep,
    actor: Actor = require(perms.LISTINGS_READ),
) -> Response:
    """One listing; its seller by shop name (a link to the seller for those who may see it)."""
    item = service.get_listing(session, actor=actor, listing_id=listing_id)
    context = {"listing": item, "seller_link": sees_seller_personal_data(actor)}
    return render(request, "listing.html", context, actor=actor)


@router.get("/listings/{listing_id}/images/{index}")
def listing_image(
    listing_id: str,
    index: int,
    session: Session = SessionDep,
    settings: Settings = Depends(get_settings),
    actor: Actor = require(perms.LISTINGS_READ),
) -> Response:
    """One of the listing's pictures, as stored at import (tenancy as for the listing)."""
    item = service.get_listing(session, actor=actor, listing_id=listing_id)
    if not 0 <= index < len(item.images):
        raise NotFound("no such image")
    ref = item.images[index]
    return image_response(settings, ref.get("sha256") if isinstance(ref, dict) else None)


@router.get("/sellers")
def sellers(
    request: Request,
    q: str = Query("", max_length=200),
    page: int = Query(1, ge=1, le=1_000_000),
    session: Session = SessionDep,
    actor: Actor = require(perms.SELLERS_READ),
) -> Response:
    """Seller accounts by shop name, without their identifiers."""
    pages = pagination(page, service.count_sellers(session, actor=actor, q=q or None))
    items = service.list_sellers(
        session, actor=actor, limit=pages["limit"], offset=pages["offset"], q=q or None
    )
    return render(request, "sellers.html", {"sellers": items, "pages": pages, "q": q}, actor=actor)


@router.get("/sellers/{seller_id}")
def seller(
    request: Request,
    seller_id: str,
    session: Session = SessionDep,
    actor: Actor = require(perms.SELLERS_READ),
) -> Response:
    """One seller with its identifiers (the read is audited outside the marketplace)."""
    item = service.get_seller(session, actor=actor, seller_id=seller_id)
    recent = service.list_listings(session, actor=actor, seller_id=seller_id, limit=20)
    total = service.count_listings(session, actor=actor, seller_id=seller_id)
    context = {"seller": item, "listings": recent, "listing_total": total}
    return render(request, "seller.html", context, actor=actor)
