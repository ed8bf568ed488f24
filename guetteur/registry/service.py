"""Read side of the brand registry, with tenancy: a brand organisation sees only its own brands."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from guetteur.audit import service as audit
from guetteur.auth.actor import Actor
from guetteur.auth.tenancy import brand_scope
from guetteur.errors import NotFound
from guetteur.registry.models import Brand, Product


def get(session: Session, *, actor: Actor, brand_id: str) -> Brand | None:
    """The brand, or None when it does not exist or lies outside the actor's tenancy."""
    scope = brand_scope(actor)
    if scope is not None and brand_id not in scope:
        return None
    return session.get(Brand, brand_id)


def get_brand(session: Session, *, actor: Actor, brand_id: str) -> Brand:
    """The brand, or NotFound (also for a brand the actor may not see, so existence never leaks)."""
    brand = get(session, actor=actor, brand_id=brand_id)
    if brand is None:
        raise NotFound(f"brand {brand_id!r} not found")
    return brand


def list_brands(
    session: Session, *, actor: Actor, limit: int = 50, offset: int = 0, q: str | None = None
) -> list[Brand]:
    """Brands the actor may see, by name, optionally matching `q` (name or id)."""
    query = _visible(select(Brand), actor, q).order_by(Brand.name, Brand.id)
    return list(session.scalars(query.limit(limit).offset(offset)))


def count_brands(session: Session, *, actor: Actor, q: str | None = None) -> int:
    """How many brands the actor may see (matching `q`)."""
    return int(session.scalar(_visible(select(func.count(Brand.id)), actor, q)) or 0)


def count_products(session: Session, *, actor: Actor, brand_id: str) -> int:
    """How many catalogue products the brand has (NotFound outside the actor's tenancy)."""
    get_brand(session, actor=actor, brand_id=brand_id)
    query = select(func.count(Product.id)).where(Product.brand_id == brand_id)
    return int(session.scalar(query) or 0)


def brand_ids_owned_by(session: Session, *, organisation_id: int) -> list[str]:
    """Ids of the brands an organisation owns."""
    query = select(Brand.id).where(Brand.owner_organisation_id == organisation_id)
    return list(session.scalars(query.order_by(Brand.id)))


def set_owner(
    session: Session, *, actor: Actor, brand_id: str, organisation_id: int | None
) -> Brand:
    """Make an organisation the owner of a brand (None: no owner); audited."""
    brand = session.get(Brand, brand_id)
    if brand is None:
        raise NotFound(f"brand {brand_id!r} not found")
    previous = brand.owner_organisation_id
    brand.owner_organisation_id = organisation_id
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="brand.owner_set",
        object_type="brand",
        object_id=brand_id,
        detail={"organisation_id": organisation_id, "previous_organisation_id": previous},
    )
    return brand


def contains_pattern(q: str) -> str:
    """A case-insensitive LIKE pattern (escape character `\\`) for text containing `q`."""
    escaped = q.strip().lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def _visible(query: Any, actor: Actor, q: str | None) -> Any:
    scope = brand_scope(actor)
    if scope is not None:
        query = query.where(Brand.id.in_(sorted(scope)))
    if q:
        pattern = contains_pattern(q)
        query = query.where(
            or_(
                func.lower(Brand.name).like(pattern, escape="\\"),
                func.lower(Brand.id).like(pattern, escape="\\"),
            )
        )
    return query
