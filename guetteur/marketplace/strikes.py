"""Repeat infringers (DSA Art. 23): strikes, a warning, then suspension of the account.

A strike is a listing of the seller confirmed counterfeit within the window: its latest verdict
(from a valid notice, a review, a test purchase or a seizure) says `counterfeit` and was decided
in the window. A notice found invalid, or an appeal that succeeds, records a later `genuine`
verdict and so takes the strike away. Reaching `threshold - 1` strikes earns a warning; reaching
the threshold after a warning suspends the account; every step comes with a statement of reasons.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from guetteur.audit import service as audit
from guetteur.auth.actor import Actor
from guetteur.clock import as_utc, utcnow
from guetteur.errors import NotFound
from guetteur.marketplace import dsa, statements
from guetteur.marketplace.models import Listing, Seller, StatementOfReasons, Verdict


@dataclass(frozen=True)
class StrikePolicy:
    """How many strikes within how many days suspend an account (after a warning)."""

    threshold: int = 3
    window_days: int = 180


DEFAULT_POLICY = StrikePolicy()


@dataclass(frozen=True)
class Assessment:
    """A seller's strikes and what they led to: none, warned, suspended, already_suspended."""

    seller_id: str
    strikes: list[str]
    threshold: int
    window_days: int
    action: str
    statement_id: str | None = None


def strike_listings(
    session: Session,
    *,
    seller_id: str,
    policy: StrikePolicy = DEFAULT_POLICY,
    now: datetime | None = None,
) -> dict[str, datetime]:
    """The seller's listings that count as strikes now, with when each was confirmed."""
    now = as_utc(now or utcnow())
    since = now - timedelta(days=policy.window_days)
    query = (
        select(Verdict.listing_id, Verdict.verdict, Verdict.decided_at)
        .join(Listing, Listing.id == Verdict.listing_id)
        .where(Listing.seller_id == seller_id)
        .order_by(Verdict.listing_id, Verdict.decided_at, Verdict.id)
    )
    latest: dict[str, tuple[str, datetime]] = {}
    for listing_id, verdict, decided_at in session.execute(query):
        latest[listing_id] = (verdict, as_utc(decided_at))
    return {
        listing_id: at
        for listing_id, (verdict, at) in latest.items()
        if verdict == "counterfeit" and since <= at <= now
    }


def assess(
    session: Session,
    *,
    actor: Actor,
    seller_id: str,
    policy: StrikePolicy = DEFAULT_POLICY,
    now: datetime | None = None,
) -> Assessment:
    """Count the seller's strikes and warn or suspend as the policy says (audited)."""
    dsa.require_handler(actor)
    seller = session.get(Seller, seller_id)
    if seller is None:
        raise NotFound(f"seller {seller_id!r} not found")
    now = as_utc(now or utcnow())
    found = strike_listings(session, seller_id=seller_id, policy=policy, now=now)
    ids = sorted(found)
    result = Assessment(seller_id, ids, policy.threshold, policy.window_days, "none")
    if seller.status == "suspended":
        return replace(result, action="already_suspended")
    warning = _warning_in_window(session, seller_id, now - timedelta(days=policy.window_days))
    warned_at = as_utc(warning.issued_at) if warning is not None else None
    struck_since_warning = warned_at is not None and any(at > warned_at for at in found.values())
    if struck_since_warning and len(ids) >= policy.threshold:
        statement = _suspend(session, actor, seller, ids, policy)
        return replace(result, action="suspended", statement_id=statement.id)
    if warning is None and len(ids) >= max(1, policy.threshold - 1):
        statement = _warn(session, actor, seller, ids, policy)
        return replace(result, action="warned", statement_id=statement.id)
    return result


def _warning_in_window(
    session: Session, seller_id: str, since: datetime
) -> StatementOfReasons | None:
    query = (
        select(StatementOfReasons)
        .where(
            StatementOfReasons.seller_id == seller_id,
            StatementOfReasons.kind == "warning",
            StatementOfReasons.status == "in_force",
            StatementOfReasons.issued_at >= since,
        )
        .order_by(StatementOfReasons.issued_at.desc())
    )
    return session.scalars(query).first()


def _facts(ids: list[str], policy: StrikePolicy) -> str:
    return (
        f"{len(ids)} listing(s) of this account were confirmed counterfeit within the last "
        f"{policy.window_days} days ({', '.join(ids[:50])}); the limit is {policy.threshold}."
    )


def _warn(
    session: Session, actor: Actor, seller: Seller, ids: list[str], policy: StrikePolicy
) -> StatementOfReasons:
    grounds = statements.Grounds(
        facts=_facts(ids, policy),
        legal_ground="Regulation (EU) 2022/2065 (Digital Services Act) Art. 23(1): warning "
        "before suspension of recipients who frequently provide manifestly illegal content.",
        automated_decision=True,
    )
    restriction = (
        "No restriction yet: a warning that one more confirmed infringement within the window "
        "will suspend the account."
    )
    return statements.issue(
        session,
        actor=actor,
        kind="warning",
        seller_id=seller.id,
        restriction=restriction,
        grounds=grounds,
    )


def _suspend(
    session: Session, actor: Actor, seller: Seller, ids: list[str], policy: StrikePolicy
) -> StatementOfReasons:
    previous, seller.status = seller.status, "suspended"
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="dsa.seller_suspend",
        object_type="seller",
        object_id=seller.id,
        detail={"from_status": previous, "strikes": ids, "threshold": policy.threshold},
    )
    grounds = statements.Grounds(
        facts=_facts(ids, policy) + " A warning had been sent before.",
        legal_ground="Regulation (EU) 2022/2065 (Digital Services Act) Art. 23(1): suspension "
        "of recipients who frequently provide manifestly illegal content, after a warning.",
        automated_decision=True,
    )
    restriction = (
        "Seller account suspended: it may not sell, in any country, until the suspension is "
        "lifted on appeal or review."
    )
    return statements.issue(
        session,
        actor=actor,
        kind="account_suspension",
        seller_id=seller.id,
        restriction=restriction,
        grounds=grounds,
    )


def lift_suspension(session: Session, *, actor: Actor, seller_id: str, note: str) -> Seller:
    """Give a suspended account back (an appeal against the suspension succeeded); audited."""
    dsa.require_handler(actor)
    seller = session.get(Seller, seller_id)
    if seller is None:
        raise NotFound(f"seller {seller_id!r} not found")
    if seller.status == "suspended":
        seller.status = "active"
        session.flush()
        audit.record(
            session,
            actor=actor,
            action="dsa.seller_reinstate",
            object_type="seller",
            object_id=seller.id,
            detail={"note": note[:500]},
        )
    return seller
