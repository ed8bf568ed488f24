"""The notice figures of the dashboards: notices per thousand listings and time to action.

Both come from the report's read model (`guetteur.reports.queries`), confined to the actor's
brands when the actor is a brand organisation.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from guetteur.auth.actor import Actor
from guetteur.auth.tenancy import brand_scope, sees_marketplace
from guetteur.clock import as_utc, utcnow
from guetteur.errors import Forbidden, InvalidInput
from guetteur.marketplace.models import Listing
from guetteur.reports import queries

DASHBOARD_DAYS = 90


@dataclass(frozen=True)
class NoticeFigures:
    """Notices and listings of the period `[start, end)`, and what they give."""

    start: datetime
    end: datetime
    notices: int
    listings: int
    per_thousand_listings: float | None
    time_to_action_hours: float | None


def scope_for(actor: Actor, start: datetime, end: datetime) -> queries.Scope:
    """The report scope of the period, confined to the actor's brands if it is a brand."""
    scope = brand_scope(actor)
    brands = tuple(sorted(scope)) if scope is not None else None
    return queries.Scope(as_utc(start), as_utc(end), brands)


def listings_submitted(session: Session, scope: queries.Scope) -> int:
    """Listings created in the period (of the scope's brands)."""
    query = select(func.count(Listing.id)).where(
        scope.during(Listing.created_at), scope.brands(Listing.brand_id)
    )
    return int(session.scalar(query) or 0)


def figures(
    session: Session, *, actor: Actor, start: datetime | None = None, end: datetime | None = None
) -> NoticeFigures:
    """Notices per thousand listings submitted, and median hours from notice to takedown."""
    if not sees_marketplace(actor):
        raise Forbidden("your organisation has no access to marketplace figures")
    end = end or utcnow()
    start = start or end - timedelta(days=DASHBOARD_DAYS)
    if as_utc(start) >= as_utc(end):
        raise InvalidInput("the period is empty", [])
    scope = scope_for(actor, start, end)
    notices = queries.notices_received(session, scope)
    listings = listings_submitted(session, scope)
    rate = round(notices * 1000 / listings, 2) if listings else None
    return NoticeFigures(
        start=scope.start,
        end=scope.end,
        notices=notices,
        listings=listings,
        per_thousand_listings=rate,
        time_to_action_hours=queries.time_to_action_hours(session, scope),
    )
