"""JSON routes of the registry (read side); tenancy is applied by the service."""

from __future__ import annotations

from fastapi import APIRouter, Query
from sqlalchemy.orm import Session

from guetteur.auth import permissions as perms
from guetteur.auth.actor import Actor
from guetteur.registry import service
from guetteur.registry.schemas import BrandPage, BrandRead
from guetteur.web.deps import SessionDep, require

router = APIRouter(prefix="/api/brands", tags=["registry"])


@router.get("", response_model=BrandPage)
def list_brands(
    q: str | None = Query(None, max_length=200),
    limit: int = Query(50, ge=1, le=500),
    offset: int = Query(0, ge=0),
    session: Session = SessionDep,
    actor: Actor = require(perms.BRANDS_READ),
) -> BrandPage:
    """Brands the caller may see (a brand organisation: its own)."""
    brands = service.list_brands(session, actor=actor, limit=limit, offset=offset, q=q)
    return BrandPage(
        items=[BrandRead.of(b) for b in brands],
        total=service.count_brands(session, actor=actor, q=q),
        limit=limit,
        offset=offset,
    )


@router.get("/{brand_id}", response_model=BrandRead)
def get_brand(
    brand_id: str, session: Session = SessionDep, actor: Actor = require(perms.BRANDS_READ)
) -> BrandRead:
    """One brand (404 when it is not the caller's to see)."""
    return BrandRead.of(service.get_brand(session, actor=actor, brand_id=brand_id))
