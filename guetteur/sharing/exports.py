"""Build what an agreement shares from local data: sellers, networks, listings, declarations,
detentions and seizures. Each function checks the agreement covers the kind, maps, publishes.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from guetteur.actors.models import Network, NetworkMember
from guetteur.auth.actor import Actor
from guetteur.clock import utcnow
from guetteur.custody.models import Lot, LotLine
from guetteur.customs.models import Declaration, Detention
from guetteur.errors import Forbidden, NotFound
from guetteur.marketplace.models import Listing, Seller, Verdict
from guetteur.sharing import agreements, stix
from guetteur.sharing.models import Agreement
from guetteur.sharing.service import Published, publish, require_kind


def _start(
    session: Session, actor: Actor, agreement_id: str, kind: str, secret: str
) -> tuple[Agreement, stix.Context]:
    if not (actor.is_system or actor.can("sharing:manage")):
        raise Forbidden("only administrators share under an agreement")
    agreement = agreements.get_or_raise(session, actor=actor, agreement_id=agreement_id)
    if agreement.status != "active":
        raise Forbidden(f"agreement {agreement_id} is {agreement.status}")
    require_kind(agreement, kind)
    keys = agreements.open_keys(agreement, secret=secret)
    return agreement, agreements.context(session, agreement, token_key=keys.token_key)


def _seller_attributes(session: Session, seller_ids: Sequence[str]) -> dict[str, dict[str, object]]:
    query = (
        select(Listing.seller_id, func.count(Verdict.id))
        .join(Verdict, Verdict.listing_id == Listing.id)
        .where(Listing.seller_id.in_(list(seller_ids)), Verdict.verdict == "counterfeit")
        .group_by(Listing.seller_id)
    )
    counts = {r[0]: int(r[1]) for r in session.execute(query)}
    return {s: {"confirmed_counterfeit_listings": counts.get(s, 0)} for s in seller_ids}


def _sellers(session: Session, ctx: stix.Context, seller_ids: Sequence[str]) -> list[stix.Mapped]:
    rows = list(session.scalars(select(Seller).where(Seller.id.in_(list(seller_ids)))))
    missing = set(seller_ids) - {r.id for r in rows}
    if missing:
        raise NotFound(f"sellers not found: {', '.join(sorted(missing)[:5])}")
    attributes = _seller_attributes(session, seller_ids)
    return [stix.seller(ctx, r, attributes.get(r.id)) for r in rows]


def share_sellers(
    session: Session,
    *,
    actor: Actor,
    agreement_id: str,
    seller_ids: Sequence[str],
    secret: str,
    now: datetime | None = None,
) -> Published:
    """Share seller accounts (identifiers as the agreement says: tokens by default)."""
    agreement, ctx = _start(session, actor, agreement_id, "seller", secret)
    return publish(
        session,
        actor=actor,
        agreement=agreement,
        mapped=_sellers(session, ctx, seller_ids),
        ctx=ctx,
        now=now,
    )


def share_network(
    session: Session,
    *,
    actor: Actor,
    agreement_id: str,
    network_id: str,
    secret: str,
    seller_ids: Sequence[str] | None = None,
    now: datetime | None = None,
) -> Published:
    """Share a seller network (a ring): its sellers' identities grouped (from `guetteur link`)."""
    agreement, ctx = _start(session, actor, agreement_id, "network", secret)
    require_kind(agreement, "seller")
    modified = utcnow()
    if seller_ids is None:
        network = session.get(Network, network_id)
        if network is None:
            raise NotFound(f"network {network_id} not found")
        modified = network.updated_at
        query = select(NetworkMember.member_id).where(
            NetworkMember.network_id == network_id, NetworkMember.kind == "seller"
        )
        seller_ids = sorted(session.scalars(query))
    members = _sellers(session, ctx, seller_ids)
    if not members:
        raise NotFound(f"network {network_id} has no seller to share")
    modified = max([modified, *(m.objects[0].modified for m in members)])
    mapped = stix.network(ctx, network_id, members, modified)
    return publish(session, actor=actor, agreement=agreement, mapped=[mapped], ctx=ctx, now=now)


def share_listings(
    session: Session,
    *,
    actor: Actor,
    agreement_id: str,
    listing_ids: Sequence[str],
    secret: str,
) -> Published:
    """Share listings with their sellers' identities."""
    agreement, ctx = _start(session, actor, agreement_id, "listing", secret)
    require_kind(agreement, "seller")
    rows = list(session.scalars(select(Listing).where(Listing.id.in_(list(listing_ids)))))
    sellers = {
        m.local_ref.split(":", 1)[1]: m
        for m in _sellers(session, ctx, sorted({r.seller_id for r in rows}))
    }
    mapped = list(sellers.values())
    mapped.extend(stix.listing(ctx, r, sellers[r.seller_id].objects[0].id) for r in rows)
    return publish(session, actor=actor, agreement=agreement, mapped=mapped, ctx=ctx)


def share_declarations(
    session: Session,
    *,
    actor: Actor,
    agreement_id: str,
    declaration_ids: Sequence[str],
    secret: str,
) -> Published:
    """Share declarations, their parties as tokens."""
    agreement, ctx = _start(session, actor, agreement_id, "declaration", secret)
    rows = list(
        session.scalars(select(Declaration).where(Declaration.id.in_(list(declaration_ids))))
    )
    mapped = [stix.declaration(ctx, r) for r in rows]
    return publish(session, actor=actor, agreement=agreement, mapped=mapped, ctx=ctx)


def share_seizure(
    session: Session,
    *,
    actor: Actor,
    agreement_id: str,
    detention_id: int,
    secret: str,
) -> Published:
    """Share a detention's seizure: the consignor (tokens), the detention, a sighting of units."""
    agreement, ctx = _start(session, actor, agreement_id, "seizure", secret)
    row = session.get(Detention, detention_id)
    if row is None:
        raise NotFound(f"detention {detention_id} not found")
    mapped: list[stix.Mapped] = []
    party_ref = None
    declaration = session.get(Declaration, row.declaration_id) if row.declaration_id else None
    if declaration is not None:
        party = stix.party_identity(
            ctx,
            "consignor",
            f"{declaration.id}:consignor",
            stix.pseudonymise.declaration_party(declaration.consignor),
            declaration.lodged_at,
            declaration.updated_at,
        )
        mapped.append(party)
        party_ref = party.objects[0].id
    if "detention" in agreement.outbound.get("kinds", []):
        mapped.append(stix.detention(ctx, row, party_ref))
    units, seized_on, attributes = _seized(session, row)
    if party_ref is None:
        raise NotFound(f"detention {detention_id} has no declaration whose consignor was sighted")
    mapped.append(
        stix.seizure(
            ctx,
            f"detention-{row.id}",
            sighted_ref=party_ref,
            seized_on=seized_on,
            units=units,
            modified=row.updated_at,
            attributes=attributes,
        )
    )
    return publish(session, actor=actor, agreement=agreement, mapped=mapped, ctx=ctx)


def _seized(session: Session, row: Detention) -> tuple[int, date, dict[str, object]]:
    attributes: dict[str, object] = {"procedure": row.procedure, "status": row.status}
    if row.brand_id:
        attributes["brand_id"] = row.brand_id
    lot = session.scalar(select(Lot).where(Lot.detention_id == row.id)) if row.id else None
    if lot is None:
        return int(row.units), row.detained_on, attributes
    units = session.scalar(select(func.sum(LotLine.units_seized)).where(LotLine.lot_id == lot.id))
    attributes["lot_reference"] = lot.reference
    return int(units or row.units), lot.seized_on, attributes
