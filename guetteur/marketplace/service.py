"""Read side of the marketplace, with tenancy enforced here, not only in the routes.

A brand organisation sees only listings of its own brands and never sellers' identifiers; the
marketplace sees everything; customs sees nothing but through its investigators, whose reads of
sellers' personal data are audited (sellers belong to the marketplace organisation).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from guetteur.audit import service as audit
from guetteur.auth import service as auth
from guetteur.auth.actor import Actor
from guetteur.auth.tenancy import brand_scope, sees_marketplace, sees_seller_personal_data
from guetteur.errors import Forbidden, NotFound
from guetteur.marketplace.models import LISTING_STATUSES, VERDICTS, Listing, Notice, Seller, Verdict
from guetteur.registry.service import contains_pattern

SELLER_PERSONAL_FIELDS = [
    "legal_name",
    "registration_number",
    "vat_number",
    "email",
    "phone",
    "address",
    "bank_account",
    "devices",
    "ips",
]


def get_listing(session: Session, *, actor: Actor, listing_id: str) -> Listing:
    """The listing, or NotFound when it does not exist or lies outside the actor's tenancy."""
    _require_marketplace(actor)
    listing = session.get(Listing, listing_id)
    scope = brand_scope(actor)
    if listing is None or (scope is not None and listing.brand_id not in scope):
        raise NotFound(f"listing {listing_id!r} not found")
    return listing


def list_listings(
    session: Session,
    *,
    actor: Actor,
    limit: int = 50,
    offset: int = 0,
    q: str | None = None,
    status: str | None = None,
    brand_id: str | None = None,
    seller_id: str | None = None,
) -> list[Listing]:
    """Listings the actor may see, newest first, optionally filtered."""
    query = _listings(select(Listing), actor, q, status, brand_id, seller_id)
    query = query.order_by(Listing.created_at.desc(), Listing.id).limit(limit).offset(offset)
    return list(session.scalars(query))


def count_listings(
    session: Session,
    *,
    actor: Actor,
    q: str | None = None,
    status: str | None = None,
    brand_id: str | None = None,
    seller_id: str | None = None,
) -> int:
    """How many listings the actor may see that match the filters."""
    query = _listings(select(func.count(Listing.id)), actor, q, status, brand_id, seller_id)
    return int(session.scalar(query) or 0)


def listing_counts_by_status(session: Session, *, actor: Actor) -> dict[str, int]:
    """Listings the actor may see, per status (every status present, zero included)."""
    query = _listings(select(Listing.status, func.count(Listing.id)), actor, None, None, None, None)
    counts = dict.fromkeys(LISTING_STATUSES, 0)
    for status, n in session.execute(query.group_by(Listing.status)):
        counts[status] = int(n)
    return counts


def count_notices(session: Session, *, actor: Actor, open_only: bool = False) -> int:
    """Brand notices the actor may see; `open_only`: those whose listing is still live."""
    _require_marketplace(actor)
    query = select(func.count(Notice.id))
    scope = brand_scope(actor)
    if scope is not None:
        query = query.where(Notice.brand_id.in_(sorted(scope)))
    if open_only:
        query = query.join(Listing, Listing.id == Notice.listing_id).where(Listing.status == "live")
    return int(session.scalar(query) or 0)


def verdict_counts(session: Session, *, actor: Actor) -> dict[str, int]:
    """Verdicts on listings the actor may see, per verdict (counterfeit, genuine)."""
    _require_marketplace(actor)
    query = select(Verdict.verdict, func.count(Verdict.id)).join(
        Listing, Listing.id == Verdict.listing_id
    )
    scope = brand_scope(actor)
    if scope is not None:
        query = query.where(Listing.brand_id.in_(sorted(scope)))
    counts = dict.fromkeys(VERDICTS, 0)
    for verdict, n in session.execute(query.group_by(Verdict.verdict)):
        counts[verdict] = int(n)
    return counts


def get_seller(session: Session, *, actor: Actor, seller_id: str) -> Seller:
    """The seller with its identifiers; the read is audited when the actor is not the marketplace.

    Brands never see sellers (Forbidden); customs only through its investigators.
    """
    _require_seller_access(actor)
    seller = session.get(Seller, seller_id)
    if seller is None:
        raise NotFound(f"seller {seller_id!r} not found")
    audit.record_personal_data_read(
        session,
        actor=actor,
        object_type="seller",
        object_id=seller.id,
        owner_organisation_id=auth.marketplace_organisation_id(session),
        fields=SELLER_PERSONAL_FIELDS,
    )
    return seller


def list_sellers(
    session: Session, *, actor: Actor, limit: int = 50, offset: int = 0, q: str | None = None
) -> list[Seller]:
    """Sellers by display name, optionally matching `q` (display name or id)."""
    _require_seller_access(actor)
    query = _sellers(select(Seller), q).order_by(Seller.display_name, Seller.id)
    return list(session.scalars(query.limit(limit).offset(offset)))


def count_sellers(session: Session, *, actor: Actor, q: str | None = None) -> int:
    """How many sellers match `q`."""
    _require_seller_access(actor)
    return int(session.scalar(_sellers(select(func.count(Seller.id)), q)) or 0)


def _require_marketplace(actor: Actor) -> None:
    if not sees_marketplace(actor):
        raise Forbidden("your organisation has no access to marketplace listings")


def _require_seller_access(actor: Actor) -> None:
    if not sees_seller_personal_data(actor):
        raise Forbidden("your organisation has no access to sellers' data")


def _listings(
    query: Any,
    actor: Actor,
    q: str | None,
    status: str | None,
    brand_id: str | None,
    seller_id: str | None,
) -> Any:
    _require_marketplace(actor)
    scope = brand_scope(actor)
    if scope is not None:
        query = query.where(Listing.brand_id.in_(sorted(scope)))
    if q:
        pattern = contains_pattern(q)
        query = query.where(
            or_(
                func.lower(Listing.title).like(pattern, escape="\\"),
                func.lower(Listing.id).like(pattern, escape="\\"),
            )
        )
    if status:
        query = query.where(Listing.status == status)
    if brand_id:
        query = query.where(Listing.brand_id == brand_id)
    if seller_id:
        query = query.where(Listing.seller_id == seller_id)
    return query


def _sellers(query: Any, q: str | None) -> Any:
    if q:
        pattern = contains_pattern(q)
        query = query.where(
            or_(
                func.lower(Seller.display_name).like(pattern, escape="\\"),
                func.lower(Seller.id).like(pattern, escape="\\"),
            )
        )
    return query
