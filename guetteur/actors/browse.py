"""The list of networks: paginated, searchable, with size, risk and a few members each.

Networks hold sellers' personal data: only those who may read it (the marketplace's analysts and
administrators, investigators) see them; brands never do. Reads marketplace sellers read-only.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from guetteur.actors import risk
from guetteur.actors.models import NETWORK_STATUSES, Network, NetworkMember
from guetteur.auth import permissions as perms
from guetteur.auth.actor import Actor
from guetteur.auth.tenancy import sees_seller_personal_data
from guetteur.clock import utcnow
from guetteur.errors import Forbidden
from guetteur.marketplace.models import Seller
from guetteur.registry.service import contains_pattern

SHOWN_MEMBERS = 5


@dataclass(frozen=True)
class NetworkSummary:
    """One row of the network list."""

    network_id: str
    status: str
    size: int
    risk: risk.NetworkRisk
    members: list[tuple[str, str]]  # (member id, shop or party name), the first few
    updated_at: datetime

    def as_dict(self) -> dict[str, Any]:
        return {
            "network_id": self.network_id,
            "status": self.status,
            "size": self.size,
            "risk": self.risk.as_dict(),
            "members": [{"member_id": m, "name": n} for m, n in self.members],
            "updated_at": self.updated_at.isoformat(),
        }


def require_read(actor: Actor) -> None:
    """Networks are sellers' personal data: brands never, customs only through investigators."""
    if not (actor.can(perms.NETWORKS_READ) and sees_seller_personal_data(actor)):
        raise Forbidden("your organisation has no access to networks of sellers")


def _filtered(query: Any, q: str | None, status: str | None) -> Any:
    if status:
        if status not in NETWORK_STATUSES:
            status = "active"
        query = query.where(Network.status == status)
    if q:
        pattern = contains_pattern(q)
        by_member = select(NetworkMember.network_id).where(
            func.lower(NetworkMember.member_id).like(pattern, escape="\\")
        )
        by_name = (
            select(NetworkMember.network_id)
            .join(Seller, Seller.id == NetworkMember.member_id)
            .where(func.lower(Seller.display_name).like(pattern, escape="\\"))
        )
        query = query.where(
            or_(
                func.lower(Network.id).like(pattern, escape="\\"),
                Network.id.in_(by_member),
                Network.id.in_(by_name),
            )
        )
    return query


def count(
    session: Session, *, actor: Actor, q: str | None = None, status: str | None = "active"
) -> int:
    """How many networks match."""
    require_read(actor)
    return int(session.scalar(_filtered(select(func.count(Network.id)), q, status)) or 0)


def list_(
    session: Session,
    *,
    actor: Actor,
    q: str | None = None,
    status: str | None = "active",
    limit: int = 50,
    offset: int = 0,
) -> list[NetworkSummary]:
    """Networks, largest first, with their risk now and their first members."""
    require_read(actor)
    query = _filtered(select(Network), q, status).order_by(Network.size.desc(), Network.id)
    rows = list(session.scalars(query.limit(limit).offset(offset)))
    members = _members(session, [r.id for r in rows])
    risks = risk.of_networks(session, members=members, as_of=utcnow())
    names = member_names(session, [m for ms in members.values() for m in ms[:SHOWN_MEMBERS]])
    return [
        NetworkSummary(
            row.id,
            row.status,
            row.size,
            risks.get(row.id) or risk.NetworkRisk(row.id, 0, 0, 0, 0),
            [(m, names.get(m, m)) for m in members.get(row.id, [])[:SHOWN_MEMBERS]],
            row.updated_at,
        )
        for row in rows
    ]


def _members(session: Session, network_ids: list[str]) -> dict[str, list[str]]:
    if not network_ids:
        return {}
    query = (
        select(NetworkMember.network_id, NetworkMember.member_id)
        .where(NetworkMember.network_id.in_(network_ids))
        .order_by(NetworkMember.network_id, NetworkMember.member_id)
    )
    found: dict[str, list[str]] = defaultdict(list)
    for network_id, member_id in session.execute(query):
        found[network_id].append(member_id)
    return dict(found)


def member_names(session: Session, member_ids: list[str]) -> dict[str, str]:
    """Shop names of the sellers among these members (parties keep their member id)."""
    if not member_ids:
        return {}
    query = select(Seller.id, Seller.display_name).where(Seller.id.in_(sorted(set(member_ids))))
    return {seller_id: name for seller_id, name in session.execute(query)}
