"""Who may see which organisation's data: the rules every read-side service applies."""

from __future__ import annotations

from guetteur.auth import permissions as perms
from guetteur.auth.actor import Actor


def brand_scope(actor: Actor) -> frozenset[str] | None:
    """The brand ids the actor is confined to, or None when it may see every brand."""
    if actor.organisation_kind == "brand":
        return actor.brand_ids
    return None


def sees_marketplace(actor: Actor) -> bool:
    """Whether the actor may read marketplace listings at all (brands: their own brands only)."""
    if actor.is_system:
        return True
    if actor.organisation_kind in ("marketplace", "brand"):
        return actor.can(perms.LISTINGS_READ)
    return actor.role == "investigator" and actor.can(perms.LISTINGS_READ)


def sees_seller_personal_data(actor: Actor) -> bool:
    """Whether the actor may read sellers' identifiers (brands never; customs: investigators)."""
    if actor.is_system:
        return True
    if actor.organisation_kind == "brand":
        return False
    if actor.organisation_kind == "marketplace":
        return actor.can(perms.SELLERS_READ)
    return actor.role == "investigator" and actor.can(perms.SELLERS_READ)
