"""HTML pages of the registry: the brand list and one brand."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Query, Request
from sqlalchemy.orm import Session
from starlette.responses import Response

from guetteur.auth import permissions as perms
from guetteur.auth.actor import Actor
from guetteur.auth.tenancy import sees_marketplace
from guetteur.config import Settings
from guetteur.errors import NotFound
from guetteur.marketplace import service as marketplace
from guetteur.registry import service
from guetteur.web.deps import SessionDep, get_settings, require
from guetteur.web.images import image_response
from guetteur.web.rendering import pagination, render

router = APIRouter(include_in_schema=False)


@router.get("/brands")
def brands(
    request: Request,
    q: str = Query("", max_length=200),
    page: int = Query(1, ge=1, le=1_000_000),
    session: Session = SessionDep,
    actor: Actor = require(perms.BRANDS_READ),
) -> Response:
    """Brands the user may see, searchable by name."""
    pages = pagination(page, service.count_brands(session, actor=actor, q=q))
    items = service.list_brands(
        session, actor=actor, limit=pages["limit"], offset=pages["offset"], q=q
    )
    return render(request, "brands.html", {"brands": items, "pages": pages, "q": q}, actor=actor)


@router.get("/brands/{brand_id}")
def brand(
    request: Request,
    brand_id: str,
    session: Session = SessionDep,
    actor: Actor = require(perms.BRANDS_READ),
) -> Response:
    """One brand: its registry entry and, for those who may see them, its listings by status."""
    item = service.get_brand(session, actor=actor, brand_id=brand_id)
    statuses = None
    if sees_marketplace(actor):
        statuses = {
            status: marketplace.count_listings(
                session, actor=actor, brand_id=brand_id, status=status
            )
            for status in ("live", "held", "blocked", "removed")
        }
    context = {
        "brand": item,
        "products": service.count_products(session, actor=actor, brand_id=brand_id),
        "statuses": statuses,
    }
    return render(request, "brand.html", context, actor=actor)


@router.get("/brands/{brand_id}/images/{index}")
def brand_image(
    brand_id: str,
    index: int,
    session: Session = SessionDep,
    settings: Settings = Depends(get_settings),
    actor: Actor = require(perms.BRANDS_READ),
) -> Response:
    """One of the brand's official pictures (tenancy as for the brand)."""
    brand = service.get_brand(session, actor=actor, brand_id=brand_id)
    if not 0 <= index < len(brand.images):
        raise NotFound("no such image")
    return image_response(settings, brand.images[index].sha256)
