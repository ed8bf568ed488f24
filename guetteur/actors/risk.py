"""Network risk: what is known, at a point in time, about the listings of a network's members.

A feature for detection and targeting. It is point-in-time correct for the evidence (verdicts
decided and notices submitted before `as_of`); membership is the store's current one. Reads the
marketplace's listings, verdicts and notices read-only.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from guetteur.actors.models import NetworkMember
from guetteur.marketplace.models import Listing, Notice, Verdict

# Beta prior of the score: a network with no evidence scores PRIOR_A / (PRIOR_A + PRIOR_B).
PRIOR_A, PRIOR_B = 0.5, 4.5
NOTICE_WEIGHT = 0.5


@dataclass(frozen=True)
class NetworkRisk:
    """Evidence on a network's listings before a time, and a smoothed score in [0, 1]."""

    network_id: str | None
    members: int
    counterfeit: int
    genuine: int
    notices: int

    @property
    def score(self) -> float:
        bad = self.counterfeit + NOTICE_WEIGHT * self.notices
        return (bad + PRIOR_A) / (bad + self.genuine + PRIOR_A + PRIOR_B)

    def as_dict(self) -> dict[str, object]:
        return {
            "network_id": self.network_id,
            "members": self.members,
            "counterfeit": self.counterfeit,
            "genuine": self.genuine,
            "notices": self.notices,
            "score": round(self.score, 6),
        }


def _latest_verdicts(session: Session, sellers: Iterable[str], as_of: datetime) -> dict[str, str]:
    """The latest verdict per listing of these sellers decided before `as_of`."""
    query = (
        select(Verdict.listing_id, Verdict.verdict, Verdict.decided_at)
        .join(Listing, Listing.id == Verdict.listing_id)
        .where(Listing.seller_id.in_(list(sellers)), Verdict.decided_at < as_of)
        .order_by(Verdict.decided_at, Verdict.id)
    )
    return {listing: verdict for listing, verdict, _ in session.execute(query)}


def _notices(session: Session, sellers: Iterable[str], as_of: datetime) -> int:
    query = (
        select(func.count())
        .select_from(Notice)
        .join(Listing, Listing.id == Notice.listing_id)
        .where(Listing.seller_id.in_(list(sellers)), Notice.submitted_at < as_of)
    )
    return int(session.scalar(query) or 0)


def of_members(
    session: Session, *, network_id: str | None, members: list[str], as_of: datetime
) -> NetworkRisk:
    """The risk of a set of members (seller ids; parties have no listings)."""
    verdicts = _latest_verdicts(session, members, as_of) if members else {}
    counts: dict[str, int] = defaultdict(int)
    for verdict in verdicts.values():
        counts[verdict] += 1
    notices = _notices(session, members, as_of) if members else 0
    return NetworkRisk(network_id, len(members), counts["counterfeit"], counts["genuine"], notices)


def network_risk(
    session: Session, *, member_id: str, as_of: datetime, exclude_member: bool = True
) -> NetworkRisk:
    """The risk of the network a member belongs to, from the other members by default.

    Excluding the member keeps a listing's own label out of its features.
    """
    membership = session.get(NetworkMember, member_id)
    if membership is None:
        return NetworkRisk(None, 0, 0, 0, 0)
    query = select(NetworkMember.member_id).where(NetworkMember.network_id == membership.network_id)
    members = [m for m in session.scalars(query) if not (exclude_member and m == member_id)]
    return of_members(session, network_id=membership.network_id, members=members, as_of=as_of)


def of_networks(
    session: Session, *, members: dict[str, list[str]], as_of: datetime
) -> dict[str, NetworkRisk]:
    """The risk of several networks at once (a page of the network list): three queries."""
    owner = {m: network_id for network_id, ms in members.items() for m in ms}
    if not owner:
        return {}
    query = (
        select(Verdict.listing_id, Verdict.verdict, Listing.seller_id)
        .join(Listing, Listing.id == Verdict.listing_id)
        .where(Listing.seller_id.in_(sorted(owner)), Verdict.decided_at < as_of)
        .order_by(Verdict.decided_at, Verdict.id)
    )
    latest = {listing: (verdict, seller) for listing, verdict, seller in session.execute(query)}
    counts: dict[tuple[str, str], int] = defaultdict(int)
    for verdict, seller in latest.values():
        counts[(owner[seller], verdict)] += 1
    notices = (
        select(Listing.seller_id, func.count())
        .select_from(Notice)
        .join(Listing, Listing.id == Notice.listing_id)
        .where(Listing.seller_id.in_(sorted(owner)), Notice.submitted_at < as_of)
        .group_by(Listing.seller_id)
    )
    noticed: dict[str, int] = defaultdict(int)
    for seller, n in session.execute(notices):
        noticed[owner[seller]] += int(n)
    return {
        network_id: NetworkRisk(
            network_id,
            len(ms),
            counts[(network_id, "counterfeit")],
            counts[(network_id, "genuine")],
            noticed[network_id],
        )
        for network_id, ms in members.items()
    }
