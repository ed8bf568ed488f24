"""The seller's network risk as a detection feature, point-in-time correct.

`ActorNetworkRisk` fills detection's `NetworkRiskProvider` seam from the actors domain: the
network a seller belongs to (the last linking run, kept up to date by incremental linking) and
what was known about its other members. For a listing created at `t` only members whose accounts
were created before `t` count, and of those only the verdicts decided and the notices submitted
before `t` (a listing's latest verdict before `t` counts, as FORMATS.md says). Partner
intelligence (`sharing.correlate.shared_seller_risk`) is layered on top: only alerts received
before `t` count. With no linking run there is no provider at all, so the features (and every
score) are exactly those of `NoNetworkRisk`.
"""

from __future__ import annotations

import bisect
import math
from collections import defaultdict
from collections.abc import Collection
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from guetteur.actors import risk as actors_risk
from guetteur.actors import service as actors
from guetteur.actors.models import NetworkMember
from guetteur.detection.history import ts
from guetteur.detection.seller import NetworkRisk, NetworkRiskProvider
from guetteur.marketplace.models import Listing, Notice, Seller, Verdict

NOTICE = "notice"


@dataclass(frozen=True)
class Event:
    """A fact about a member's listing: a verdict (`kind` counterfeit/genuine) or a notice."""

    at: float
    seller_id: str
    listing_id: str
    kind: str


@dataclass
class ActorNetworkRisk:
    """Networks, their members' account creation times and the timeline of their evidence."""

    network_of: dict[str, str]
    members: dict[str, list[str]]
    created: dict[str, float]
    events: dict[str, list[Event]] = field(default_factory=dict)
    _times: dict[str, list[float]] = field(init=False, default_factory=dict)

    def __post_init__(self) -> None:
        for network_id, timeline in self.events.items():
            timeline.sort(key=lambda e: (e.at, e.listing_id, e.kind))
            self._times[network_id] = [e.at for e in timeline]

    def risk(self, seller_id: str, *, as_of: datetime) -> NetworkRisk:
        """The risk of the seller's network from its other members, as known before `as_of`."""
        network_id = self.network_of.get(seller_id)
        if network_id is None:
            return NetworkRisk()
        at = ts(as_of)
        others = {
            m
            for m in self.members.get(network_id, [])
            if m != seller_id and self.created.get(m, math.inf) < at
        }
        if not others:
            return NetworkRisk()
        found = self._evidence(network_id, others, at)
        score = round(found.score, 6)
        detail = (
            f"network {network_id}: {found.members} other account(s) before this listing, "
            f"{found.counterfeit} listing(s) confirmed counterfeit, {found.genuine} genuine, "
            f"{found.notices} notice(s)"
        )
        return NetworkRisk(score=score, known=True, detail=detail)

    def _evidence(self, network_id: str, others: set[str], at: float) -> actors_risk.NetworkRisk:
        timeline = self.events.get(network_id, [])
        upto = bisect.bisect_left(self._times.get(network_id, []), at)
        verdicts: dict[str, str] = {}
        notices = 0
        for event in timeline[:upto]:
            if event.seller_id not in others:
                continue
            if event.kind == NOTICE:
                notices += 1
            else:
                verdicts[event.listing_id] = event.kind  # a later verdict supersedes
        fakes = sum(v == "counterfeit" for v in verdicts.values())
        genuine = sum(v == "genuine" for v in verdicts.values())
        return actors_risk.NetworkRisk(network_id, len(others), fakes, genuine, notices)


def load(session: Session, *, seller_ids: Collection[str] | None = None) -> ActorNetworkRisk:
    """The provider over every network of sellers (or only the networks of these sellers)."""
    query = select(NetworkMember.member_id, NetworkMember.network_id).where(
        NetworkMember.kind == "seller"
    )
    if seller_ids is not None:
        wanted = select(NetworkMember.network_id).where(
            NetworkMember.member_id.in_(list(seller_ids))
        )
        query = query.where(NetworkMember.network_id.in_(wanted))
    network_of = {str(m): str(n) for m, n in session.execute(query)}
    members: dict[str, list[str]] = defaultdict(list)
    for member, network_id in sorted(network_of.items()):
        members[network_id].append(member)
    sellers = sorted(network_of)
    created = {
        s: ts(at)
        for s, at in session.execute(
            select(Seller.id, Seller.created_at).where(Seller.id.in_(sellers))
        )
    }
    events: dict[str, list[Event]] = defaultdict(list)
    for event in _events(session, sellers):
        events[network_of[event.seller_id]].append(event)
    return ActorNetworkRisk(network_of, dict(members), created, dict(events))


def _events(session: Session, sellers: list[str]) -> list[Event]:
    if not sellers:
        return []
    verdicts = (
        select(Verdict.decided_at, Listing.seller_id, Verdict.listing_id, Verdict.verdict)
        .join(Listing, Listing.id == Verdict.listing_id)
        .where(Listing.seller_id.in_(sellers))
    )
    notices = (
        select(Notice.submitted_at, Listing.seller_id, Notice.listing_id)
        .join(Listing, Listing.id == Notice.listing_id)
        .where(Listing.seller_id.in_(sellers))
    )
    found = [Event(ts(at), s, listing, v) for at, s, listing, v in session.execute(verdicts)]
    found += [Event(ts(at), s, listing, NOTICE) for at, s, listing in session.execute(notices)]
    return found


def provider_for(
    session: Session, *, seller_ids: Collection[str] | None = None
) -> NetworkRiskProvider | None:
    """The network provider when a linking run exists (with partner intelligence), else None."""
    if actors.latest_run(session) is None:
        return None
    from guetteur.sharing.correlate import shared_seller_risk

    return shared_seller_risk(session, load(session, seller_ids=seller_ids))
