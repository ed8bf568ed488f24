"""Enforcement on seller accounts: hold their live listings, suspend the accounts.

The marketplace's writes for acting on many accounts at once (a whole network). Each changed
seller gets its own audit entry, as every marketplace write does; the caller records the one
entry that names the action as a whole.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session

from guetteur.audit import service as audit
from guetteur.auth import permissions as perms
from guetteur.auth.actor import Actor
from guetteur.errors import Forbidden
from guetteur.marketplace.models import Listing, Seller

ENFORCING_KINDS = ("marketplace", "system")


def _require(actor: Actor) -> None:
    """Only the marketplace (its analysts and administrators) acts on its sellers."""
    if actor.organisation_kind not in ENFORCING_KINDS or not actor.can(perms.NETWORKS_ACT):
        raise Forbidden("only the marketplace may hold listings or suspend seller accounts")


def hold_listings_of_sellers(
    session: Session, *, actor: Actor, seller_ids: Iterable[str], reason: str
) -> list[str]:
    """Put every live listing of these sellers on hold; the ids of the listings held."""
    _require(actor)
    ids = sorted(set(seller_ids))
    if not ids:
        return []
    query = (
        select(Listing)
        .where(Listing.seller_id.in_(ids), Listing.status == "live")
        .order_by(Listing.seller_id, Listing.id)
    )
    by_seller: dict[str, list[str]] = defaultdict(list)
    for listing in session.scalars(query):
        listing.status = "held"
        by_seller[listing.seller_id].append(listing.id)
    session.flush()
    for seller_id, listing_ids in by_seller.items():
        audit.record(
            session,
            actor=actor,
            action="marketplace.listings_hold",
            object_type="seller",
            object_id=seller_id,
            detail={"listing_ids": listing_ids, "reason": reason},
        )
    return [listing_id for listing_ids in by_seller.values() for listing_id in listing_ids]


def suspend_sellers(
    session: Session, *, actor: Actor, seller_ids: Iterable[str], reason: str
) -> list[str]:
    """Suspend these seller accounts (those not suspended already); the ids suspended."""
    _require(actor)
    ids = sorted(set(seller_ids))
    if not ids:
        return []
    query = select(Seller).where(Seller.id.in_(ids), Seller.status != "suspended")
    suspended = []
    for seller in session.scalars(query.order_by(Seller.id)):
        previous, seller.status = seller.status, "suspended"
        suspended.append((seller.id, previous))
    session.flush()
    for seller_id, previous in suspended:
        audit.record(
            session,
            actor=actor,
            action="marketplace.seller_suspend",
            object_type="seller",
            object_id=seller_id,
            detail={"from_status": previous, "reason": reason},
        )
    return [seller_id for seller_id, _ in suspended]
