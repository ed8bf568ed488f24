"""Statements of reasons (DSA Art. 17): what a restricted seller is told, and why.

Sellers are not users of this node: a statement is a record the marketplace's analysts see and
that the marketplace sends on, under its stable public reference (`SOR-...`), which the seller
quotes to appeal.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from guetteur.audit import service as audit
from guetteur.auth.actor import Actor
from guetteur.clock import utcnow
from guetteur.errors import Conflict, NotFound
from guetteur.marketplace import dsa
from guetteur.marketplace.models import STATEMENT_KINDS, Listing, StatementOfReasons


@dataclass(frozen=True)
class Grounds:
    """Why a restriction was imposed: Art. 17(3)(b)-(e)."""

    facts: str
    legal_ground: str
    contractual_ground: str = dsa.CONTRACTUAL_GROUND
    automated_detection: bool = False
    automated_decision: bool = False


def issue(
    session: Session,
    *,
    actor: Actor,
    kind: str,
    seller_id: str,
    restriction: str,
    grounds: Grounds,
    listing_id: str | None = None,
    notice_id: str | None = None,
    removal_id: str | None = None,
) -> StatementOfReasons:
    """Record a statement of reasons for the seller (audited)."""
    dsa.require_choice("kind", kind, STATEMENT_KINDS)
    statement = StatementOfReasons(
        id=dsa.new_reference("SOR"),
        kind=kind,
        seller_id=seller_id,
        listing_id=listing_id,
        notice_id=notice_id,
        removal_id=removal_id,
        issued_at=utcnow(),
        restriction=restriction,
        facts=grounds.facts,
        automated_detection=grounds.automated_detection,
        automated_decision=grounds.automated_decision,
        legal_ground=grounds.legal_ground,
        contractual_ground=grounds.contractual_ground,
        redress=dsa.REDRESS,
        status="in_force",
    )
    session.add(statement)
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="dsa.statement_issue",
        object_type="seller",
        object_id=seller_id,
        detail={"statement_id": statement.id, "kind": kind, "listing_id": listing_id},
    )
    return statement


def for_listing_removal(
    session: Session,
    *,
    actor: Actor,
    listing: Listing,
    grounds: Grounds,
    notice_id: str | None = None,
    removal_id: str | None = None,
) -> StatementOfReasons:
    """The statement sent when a listing is taken down (on a notice or by the brand directly)."""
    restriction = (
        f"Listing {listing.id} ({listing.title[:200]}) removed: no longer visible to buyers in "
        "any country, for an indefinite period."
    )
    return issue(
        session,
        actor=actor,
        kind="listing_removal",
        seller_id=listing.seller_id,
        restriction=restriction,
        grounds=grounds,
        listing_id=listing.id,
        notice_id=notice_id,
        removal_id=removal_id,
    )


def get(session: Session, *, actor: Actor, statement_id: str) -> StatementOfReasons:
    """The statement under this reference (the marketplace's analysts only)."""
    dsa.require_handler(actor)
    statement = session.get(StatementOfReasons, statement_id)
    if statement is None:
        raise NotFound(f"statement of reasons {statement_id!r} not found")
    return statement


def list_for_seller(
    session: Session, *, actor: Actor, seller_id: str, limit: int = 100
) -> list[StatementOfReasons]:
    """A seller's statements, newest first."""
    dsa.require_handler(actor)
    query = (
        select(StatementOfReasons)
        .where(StatementOfReasons.seller_id == seller_id)
        .order_by(StatementOfReasons.issued_at.desc(), StatementOfReasons.id)
        .limit(limit)
    )
    return list(session.scalars(query))


def for_notice(session: Session, *, notice_id: str) -> StatementOfReasons | None:
    """The statement issued when this notice took its listing down, if any."""
    query = select(StatementOfReasons).where(StatementOfReasons.notice_id == notice_id)
    return session.scalars(query.order_by(StatementOfReasons.issued_at)).first()


def for_removal(session: Session, *, removal_id: str) -> StatementOfReasons | None:
    """The statement issued for this direct removal."""
    query = select(StatementOfReasons).where(StatementOfReasons.removal_id == removal_id)
    return session.scalars(query).first()


def reverse(
    session: Session, *, actor: Actor, statement: StatementOfReasons, note: str
) -> StatementOfReasons:
    """Withdraw a statement whose restriction was lifted (audited)."""
    dsa.require_handler(actor)
    if statement.status == "reversed":
        raise Conflict(f"statement {statement.id} is already reversed")
    statement.status, statement.reversed_at = "reversed", utcnow()
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="dsa.statement_reverse",
        object_type="seller",
        object_id=statement.seller_id,
        detail={"statement_id": statement.id, "note": note[:500]},
    )
    return statement
