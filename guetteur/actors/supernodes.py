"""Which super-node identifiers (left out of linking) the members of a network hold.

The indexed records have those values removed, so they are read again from the members' own
rows (sellers, declaration parties), normalised the same way, and matched against the values
the last run excluded. Reads marketplace and customs tables read-only.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from guetteur.actors.models import LinkageRun, NetworkMember, SuperNodeValue
from guetteur.actors.records import (
    EXACT_IDENTIFIERS,
    PARTY,
    LinkRecord,
    from_party,
    from_seller,
    seller_fields,
)
from guetteur.customs.models import Declaration
from guetteur.marketplace.models import Seller

KINDS = (*EXACT_IDENTIFIERS, "company", "name_block")
CHUNK = 500


@dataclass(frozen=True)
class HeldSuperNode:
    """A super-node value, how many accounts share it, and which members hold it."""

    kind: str
    value: str
    degree: int
    members: tuple[str, ...]


def raw_records(session: Session, rows: Iterable[NetworkMember]) -> list[LinkRecord]:
    """The members' records with every identifier, super-node values included."""
    rows = list(rows)
    sellers = [r.member_id for r in rows if r.kind != PARTY]
    found = [
        from_seller(seller_fields(s))
        for s in session.scalars(select(Seller).where(Seller.id.in_(sellers)))
    ]
    parties = [r.member_id.rsplit(":", 1) for r in rows if r.kind == PARTY]
    ids = sorted({declaration_id for declaration_id, _ in parties})
    declarations = {
        d.id: d for d in session.scalars(select(Declaration).where(Declaration.id.in_(ids)))
    }
    for declaration_id, role in parties:
        declaration = declarations.get(declaration_id)
        party = getattr(declaration, role, None) if declaration else None
        if declaration is not None and party:
            found.append(from_party(declaration_id, role, party, declaration.lodged_at))
    return found


def held_super_nodes(
    session: Session, run: LinkageRun | None, rows: Iterable[NetworkMember]
) -> list[HeldSuperNode]:
    """The super-node values of the run that these members hold, most shared first."""
    if run is None:
        return []
    holders: dict[tuple[str, str], list[str]] = defaultdict(list)
    for record in raw_records(session, rows):
        for kind, value in record.identifiers(KINDS):
            holders[(kind, value[:500])].append(record.unique_id)
    values = sorted({value for _, value in holders})
    found = []
    for start in range(0, len(values), CHUNK):
        query = select(SuperNodeValue).where(
            SuperNodeValue.run_id == run.id, SuperNodeValue.value.in_(values[start : start + CHUNK])
        )
        for node in session.scalars(query):
            members = holders.get((node.kind, node.value))
            if members:
                found.append(
                    HeldSuperNode(node.kind, node.value, node.degree, tuple(sorted(members)))
                )
    return sorted(found, key=lambda n: (-n.degree, n.kind, n.value))
