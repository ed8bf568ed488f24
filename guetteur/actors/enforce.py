"""Act on a whole network at once: hold every live listing of its sellers, suspend the accounts.

The marketplace does the writes (`marketplace.enforcement`, one audit entry per seller); this
records the one entry that names the action on the network, with every id it touched.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from guetteur.actors.browse import require_read
from guetteur.actors.models import Network, NetworkMember
from guetteur.actors.records import PARTY
from guetteur.audit import service as audit
from guetteur.auth import permissions as perms
from guetteur.auth.actor import Actor
from guetteur.errors import Forbidden, InvalidInput, NotFound
from guetteur.marketplace import enforcement

MAX_REASON = 1000


@dataclass(frozen=True)
class NetworkAction:
    """What one action on a network changed."""

    network_id: str
    sellers: list[str]
    listings_held: list[str]
    sellers_suspended: list[str]
    audit_seq: int

    def as_dict(self) -> dict[str, object]:
        return {
            "network_id": self.network_id,
            "sellers": self.sellers,
            "listings_held": self.listings_held,
            "sellers_suspended": self.sellers_suspended,
            "audit_seq": self.audit_seq,
        }


def act_on_network(
    session: Session,
    *,
    actor: Actor,
    network_id: str,
    hold_listings: bool = True,
    suspend: bool = True,
    reason: str = "",
) -> NetworkAction:
    """Hold the live listings of every seller of the network and/or suspend them; one audit entry
    for the action (with the affected ids), plus the marketplace's entry per seller."""
    require_read(actor)
    if not actor.can(perms.NETWORKS_ACT):
        raise Forbidden("you may not act on networks")
    if not (hold_listings or suspend):
        raise InvalidInput("choose at least one action: hold listings, suspend accounts")
    network = session.get(Network, network_id)
    if network is None:
        raise NotFound(f"network {network_id!r} not found")
    query = select(NetworkMember.member_id).where(
        NetworkMember.network_id == network.id, NetworkMember.kind != PARTY
    )
    sellers = sorted(session.scalars(query))
    why = reason.strip()[:MAX_REASON] or f"network {network.id}"
    held = (
        enforcement.hold_listings_of_sellers(session, actor=actor, seller_ids=sellers, reason=why)
        if hold_listings
        else []
    )
    suspended = (
        enforcement.suspend_sellers(session, actor=actor, seller_ids=sellers, reason=why)
        if suspend
        else []
    )
    entry = audit.record(
        session,
        actor=actor,
        action="actors.network_act",
        object_type="network",
        object_id=network.id,
        detail={
            "reason": why,
            "sellers": sellers,
            "listings_held": held,
            "sellers_suspended": suspended,
        },
    )
    return NetworkAction(network.id, sellers, held, suspended, entry.seq)
