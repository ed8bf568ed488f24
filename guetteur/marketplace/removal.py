"""Direct removal by accurate rights holders: audited, visible to the brand, reversible.

A brand whose notices were at least `min_accuracy` accurate over the window (with at least
`min_decided` decided) may remove listings of its own brand itself, without a notice. Accuracy is
valid / decided: a notice is decided when the marketplace decided it, or, for notices imported
without a decision, when its listing has a verdict; a removal the marketplace restored counts as
an inaccurate one. Every removal sends the seller a statement of reasons and can be undone.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import and_, func, select
from sqlalchemy.orm import Session

from guetteur.audit import service as audit
from guetteur.auth import permissions as perms
from guetteur.auth.actor import Actor
from guetteur.auth.tenancy import brand_scope
from guetteur.clock import as_utc, utcnow
from guetteur.errors import Conflict, Forbidden, NotFound
from guetteur.marketplace import dsa, service, statements
from guetteur.marketplace.models import NOTICE_REASONS, DirectRemoval, Listing, Notice, Verdict
from guetteur.registry import service as registry


@dataclass(frozen=True)
class RemovalPolicy:
    """When a brand may remove listings directly."""

    min_accuracy: float = 0.9
    window_days: int = 365
    min_decided: int = 10


DEFAULT_POLICY = RemovalPolicy()


@dataclass(frozen=True)
class Accuracy:
    """A brand's notice accuracy over the window, and whether it may remove directly."""

    brand_id: str
    valid: int
    decided: int
    accuracy: float | None
    eligible: bool
    explanation: str


def accuracy(
    session: Session,
    *,
    actor: Actor,
    brand_id: str,
    policy: RemovalPolicy = DEFAULT_POLICY,
    now: datetime | None = None,
) -> Accuracy:
    """The brand's notice accuracy (within the actor's tenancy: NotFound otherwise)."""
    registry.get_brand(session, actor=actor, brand_id=brand_id)
    now = as_utc(now or utcnow())
    since = now - timedelta(days=policy.window_days)
    valid, decided = _notice_outcomes(session, brand_id, since, now)
    restored = select(func.count(DirectRemoval.id)).where(
        DirectRemoval.brand_id == brand_id,
        DirectRemoval.restored_at.is_not(None),
        DirectRemoval.removed_at >= since,
    )
    decided += int(session.scalar(restored) or 0)
    rate = valid / decided if decided else None
    if decided < policy.min_decided:
        why = (
            f"{decided} decided notice(s) in {policy.window_days} days; {policy.min_decided} needed"
        )
    elif rate is not None and rate < policy.min_accuracy:
        why = f"notices {rate:.0%} accurate; {policy.min_accuracy:.0%} needed"
    else:
        why = f"notices {rate:.0%} accurate over {decided} decided"
    eligible = decided >= policy.min_decided and rate is not None and rate >= policy.min_accuracy
    return Accuracy(brand_id, valid, decided, rate, eligible, why)


def _notice_outcomes(
    session: Session, brand_id: str, since: datetime, now: datetime
) -> tuple[int, int]:
    latest_at = (
        select(Verdict.listing_id, func.max(Verdict.decided_at).label("at"))
        .group_by(Verdict.listing_id)
        .subquery()
    )
    latest = (
        select(Verdict.listing_id, Verdict.verdict)
        .join(
            latest_at,
            and_(
                Verdict.listing_id == latest_at.c.listing_id, Verdict.decided_at == latest_at.c.at
            ),
        )
        .subquery()
    )
    query = (
        select(Notice.id, Notice.decision, latest.c.verdict)
        .outerjoin(latest, latest.c.listing_id == Notice.listing_id)
        .where(
            Notice.brand_id == brand_id, Notice.submitted_at >= since, Notice.submitted_at <= now
        )
    )
    outcomes: dict[str, bool] = {}
    for notice_id, decision, verdict in session.execute(query):
        if decision is not None:
            outcomes[notice_id] = decision == "valid"
        elif verdict is not None:
            outcomes[notice_id] = outcomes.get(notice_id, False) or verdict == "counterfeit"
    return sum(outcomes.values()), len(outcomes)


def remove(
    session: Session,
    *,
    actor: Actor,
    listing_id: str,
    reason: str,
    explanation: str,
    policy: RemovalPolicy = DEFAULT_POLICY,
) -> DirectRemoval:
    """A brand removes a listing of its own brand itself (only while its notices are accurate)."""
    if actor.organisation_kind != "brand" or not actor.can(perms.LISTINGS_REMOVE):
        raise Forbidden("only a brand's managers remove listings of their brands directly")
    listing = service.get_listing(session, actor=actor, listing_id=listing_id)
    if listing.brand_id is None or listing.brand_id not in actor.brand_ids:
        raise NotFound(f"listing {listing_id!r} not found")
    dsa.require_choice("reason", reason, NOTICE_REASONS)
    explanation = dsa.require_text("explanation", explanation)
    standing = accuracy(session, actor=actor, brand_id=listing.brand_id, policy=policy)
    if not standing.eligible:
        raise Forbidden(
            f"direct removal is not open to brand {listing.brand_id}: {standing.explanation}"
        )
    if listing.status not in ("live", "held"):
        raise Conflict(f"listing {listing.id} is already {listing.status}")
    removal = DirectRemoval(
        id=dsa.new_reference("RM"),
        brand_id=listing.brand_id,
        listing_id=listing.id,
        organisation_id=actor.organisation_id,
        removed_by_user_id=actor.user_id,
        removed_at=utcnow(),
        reason=reason,
        explanation=explanation,
        accuracy=standing.accuracy or 0.0,
        previous_status=listing.status,
    )
    session.add(removal)
    listing.status = "removed"
    session.flush()
    _audit(
        session, actor, "listing.direct_remove", removal, reason=reason, accuracy=removal.accuracy
    )
    grounds = statements.Grounds(
        facts=f"The holder of the rights in brand {removal.brand_id} removed the listing as "
        f"{reason} under the marketplace's programme for accurate rights holders: {explanation}",
        legal_ground=dsa.LEGAL_GROUNDS[reason],
    )
    statements.for_listing_removal(
        session, actor=actor, listing=listing, grounds=grounds, removal_id=removal.id
    )
    return removal


def get(session: Session, *, actor: Actor, removal_id: str) -> DirectRemoval:
    """The removal, or NotFound outside the actor's tenancy (a brand: its own brands')."""
    _require_reader(actor)
    removal = session.get(DirectRemoval, removal_id)
    scope = brand_scope(actor)
    if removal is None or (scope is not None and removal.brand_id not in scope):
        raise NotFound(f"removal {removal_id!r} not found")
    return removal


def list_(
    session: Session, *, actor: Actor, limit: int = 100, offset: int = 0
) -> list[DirectRemoval]:
    """Direct removals the actor may see, newest first."""
    _require_reader(actor)
    query: Any = select(DirectRemoval)
    scope = brand_scope(actor)
    if scope is not None:
        query = query.where(DirectRemoval.brand_id.in_(sorted(scope)))
    query = query.order_by(DirectRemoval.removed_at.desc(), DirectRemoval.id)
    return list(session.scalars(query.limit(limit).offset(offset)))


def restore(session: Session, *, actor: Actor, removal_id: str, note: str = "") -> DirectRemoval:
    """The marketplace undoes a direct removal: the listing is back, the statement reversed."""
    dsa.require_handler(actor)
    removal = get(session, actor=actor, removal_id=removal_id)
    if removal.restored_at is not None:
        raise Conflict(f"removal {removal.id} was already undone")
    removal.restored_at, removal.restored_by_user_id = utcnow(), actor.user_id
    removal.restore_note = note.strip()[:2000] or None
    listing = session.get(Listing, removal.listing_id)
    assert listing is not None
    if listing.status == "removed":
        listing.status = removal.previous_status
    session.flush()
    _audit(
        session, actor, "listing.direct_remove_undo", removal, to=listing.status, note=note[:500]
    )
    statement = statements.for_removal(session, removal_id=removal.id)
    if statement is not None and statement.status != "reversed":
        statements.reverse(session, actor=actor, statement=statement, note=note or "removal undone")
    return removal


def _require_reader(actor: Actor) -> None:
    if not (actor.can(perms.NOTICES_HANDLE) or actor.can(perms.LISTINGS_REMOVE)):
        raise Forbidden("only the marketplace's analysts and brands' managers see removals")


def _audit(
    session: Session, actor: Actor, action: str, removal: DirectRemoval, **detail: Any
) -> None:
    audit.record(
        session,
        actor=actor,
        action=action,
        object_type="listing",
        object_id=removal.listing_id,
        detail={"removal_id": removal.id, **detail},
    )
