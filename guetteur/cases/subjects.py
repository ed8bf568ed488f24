"""What a case is about, read from the other domains: existence checks, snapshots, the actors.

This is the case's read model of other domains' facts: it only reads (never writes) their
tables, and it applies the same tenancy as their services when a brand organisation asks.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from guetteur.actors.models import Network, NetworkMember
from guetteur.auth.actor import Actor
from guetteur.custody.models import Lot
from guetteur.customs.models import Declaration, Detention
from guetteur.errors import Forbidden, NotFound
from guetteur.marketplace import service as marketplace
from guetteur.marketplace.models import Listing, Seller

_MODELS: dict[str, Any] = {
    "network": Network,
    "seller": Seller,
    "listing": Listing,
    "declaration": Declaration,
    "detention": Detention,
    "lot": Lot,
}


@dataclass(frozen=True)
class Frozen:
    """A subject frozen as evidence: a title, a line of description, canonical JSON content."""

    title: str
    description: str
    content: bytes


def _key(kind: str, ref: str) -> Any:
    return int(ref) if kind in ("detention", "lot") else ref


def find(session: Session, *, kind: str, ref: str) -> Any | None:
    """The row a subject names, or None."""
    model = _MODELS.get(kind)
    if model is None:
        return None
    try:
        return session.get(model, _key(kind, ref))
    except ValueError:
        return None


def check_exists(session: Session, *, actor: Actor, kind: str, ref: str) -> None:
    """NotFound unless the subject exists (and, for a brand, is one of its own listings)."""
    if actor.organisation_kind == "brand":
        if kind != "listing":
            raise Forbidden("a brand organisation brings only its own listings into a case")
        marketplace.get_listing(session, actor=actor, listing_id=ref)
        return
    if find(session, kind=kind, ref=ref) is None:
        raise NotFound(f"no {kind} {ref!r}")


def canonical_json(value: Any) -> bytes:
    """Sorted-keys, compact JSON: the same facts give the same bytes (and the same SHA-256)."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), default=_plain).encode()


def _plain(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    raise TypeError(f"cannot freeze {type(value).__name__}")


def _columns(row: Any, exclude: Iterable[str] = ()) -> dict[str, Any]:
    skip = set(exclude)
    return {c.key: getattr(row, c.key) for c in row.__table__.columns if c.key not in skip}


def freeze(session: Session, *, actor: Actor, kind: str, ref: str) -> Frozen:
    """A listing, detention or lot as it stands now, as evidence."""
    check_exists(session, actor=actor, kind=kind, ref=ref)
    row: Any = find(session, kind=kind, ref=ref)
    if kind == "listing":
        facts = _columns(row, exclude=("updated_at",))
        title = f"Listing {row.id}: {row.title[:120]}"
        line = f"{row.price} {row.currency}, ships from {row.ships_from}, status {row.status}"
        return Frozen(title, line, canonical_json({"listing": facts}))
    if kind == "detention":
        facts = _columns(row, exclude=("updated_at",))
        events = [_columns(e, exclude=("at",)) for e in row.events]
        title = f"Detention #{row.id}: {row.units} units at {row.office}"
        line = f"{row.procedure} procedure, status {row.status}"
        return Frozen(title, line, canonical_json({"detention": facts, "events": events}))
    if kind == "lot":
        facts = _columns(row)
        lines = [_columns(line) for line in row.lines]
        events = [_columns(e, exclude=("at",)) for e in row.events]
        units = sum(line.units_seized for line in row.lines)
        title = f"Seized lot {row.reference}: {units} units"
        line = f"office {row.office}, stored at {row.storage_location}, status {row.status}"
        return Frozen(title, line, canonical_json({"lot": facts, "lines": lines, "events": events}))
    raise Forbidden(f"a {kind} cannot be frozen as evidence; add a document instead")


def network_members(session: Session, *, network_ids: Iterable[str]) -> list[NetworkMember]:
    """Members of the networks, by network and member id."""
    ids = sorted(set(network_ids))
    if not ids:
        return []
    query = select(NetworkMember).where(NetworkMember.network_id.in_(ids))
    return list(session.scalars(query.order_by(NetworkMember.network_id, NetworkMember.member_id)))


def networks_of_sellers(session: Session, *, seller_ids: Iterable[str]) -> set[str]:
    """The networks the sellers belong to."""
    ids = sorted(set(seller_ids))
    if not ids:
        return set()
    query = select(NetworkMember.network_id).where(NetworkMember.member_id.in_(ids))
    return set(session.scalars(query))


def seller_ids(session: Session, *, subjects: Iterable[tuple[str, str]]) -> set[str]:
    """The seller accounts a case is about: named, in its networks, behind its listings."""
    found: set[str] = set()
    network_ids: set[str] = set()
    for kind, ref in subjects:
        if kind == "seller":
            found.add(ref)
        elif kind == "network":
            network_ids.add(ref)
        elif kind == "listing":
            listing = session.get(Listing, ref)
            if listing is not None:
                found.add(listing.seller_id)
        elif kind == "declaration":
            declaration = session.get(Declaration, ref)
            if declaration is not None and declaration.seller_ref:
                found.add(declaration.seller_ref)
    for member in network_members(session, network_ids=network_ids):
        if member.kind == "seller":
            found.add(member.member_id)
    return {s for s in found if session.get(Seller, s) is not None}


def sellers(session: Session, *, ids: Iterable[str]) -> list[Seller]:
    """Seller rows by id."""
    wanted = sorted(set(ids))
    if not wanted:
        return []
    return list(session.scalars(select(Seller).where(Seller.id.in_(wanted)).order_by(Seller.id)))


def detentions_and_lots(
    session: Session, *, subjects: Iterable[tuple[str, str]]
) -> tuple[list[Detention], list[Lot]]:
    """The detentions and lots of a case: named, of its declarations, lots of its detentions."""
    detention_ids: set[int] = set()
    lot_ids: set[int] = set()
    declaration_ids: set[str] = set()
    for kind, ref in subjects:
        if kind == "detention" and ref.isdigit():
            detention_ids.add(int(ref))
        elif kind == "lot" and ref.isdigit():
            lot_ids.add(int(ref))
        elif kind == "declaration":
            declaration_ids.add(ref)
    if declaration_ids:
        query = select(Detention.id).where(Detention.declaration_id.in_(sorted(declaration_ids)))
        detention_ids.update(session.scalars(query))
    detentions = [d for i in sorted(detention_ids) if (d := session.get(Detention, i)) is not None]
    if detention_ids:
        query = select(Lot.id).where(Lot.detention_id.in_(sorted(detention_ids)))
        lot_ids.update(session.scalars(query))
    lots = [lot for i in sorted(lot_ids) if (lot := session.get(Lot, i)) is not None]
    return detentions, lots
