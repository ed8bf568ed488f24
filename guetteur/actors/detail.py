"""One network in full: members, the links between them with their evidence, the identifiers
they share (and the super-node identifiers left out), their listings, verdicts, notices and
customs records, and the drawing.

The links are rebuilt from what the last run stored: the members' indexed records (shared
identifiers) and their evidence (probable matches, confirmed links). Reads marketplace and
customs tables read-only; a read by someone outside the marketplace is audited.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from markupsafe import Markup
from sqlalchemy import select
from sqlalchemy.orm import Session

from guetteur.actors import drawing, labels, risk
from guetteur.actors.browse import require_read
from guetteur.actors.graph import DEFAULT_IDENTIFIER_WEIGHTS, EDGE_IDENTIFIERS, pair_key
from guetteur.actors.models import LinkLabel, LinkRecordRow, Network, NetworkMember
from guetteur.actors.networks import EVIDENCE_KINDS, mask
from guetteur.actors.records import EXACT_IDENTIFIERS, IDENTIFIER_LABELS, PARTY, LinkRecord
from guetteur.actors.service import latest_run
from guetteur.actors.supernodes import held_super_nodes
from guetteur.audit import service as audit
from guetteur.auth import permissions as perms
from guetteur.auth import service as auth
from guetteur.auth.actor import Actor
from guetteur.clock import utcnow
from guetteur.customs.models import Declaration, Detention, Inspection
from guetteur.errors import NotFound
from guetteur.marketplace.models import Listing, Notice, Seller, Verdict

READ_FIELDS = ["members", "display_name", "identifiers", "evidence", "listings"]
MAX_ROWS = 500
LINKED_KINDS = ("probabilistic", "confirmed")


@dataclass
class MemberView:
    """A member of the network as the page shows it."""

    member_id: str
    kind: str
    name: str
    status: str | None
    evidence: list[dict[str, Any]]
    listings: dict[str, int] = field(default_factory=dict)

    @property
    def href(self) -> str | None:
        return f"/sellers/{self.member_id}" if self.kind != PARTY else None


@dataclass
class IdentifierView:
    """An identifier value held by several members (or a super-node, left out of linking)."""

    key: str
    kind: str
    shown: str
    members: list[str]
    weight: float
    excluded: bool = False
    degree: int | None = None

    @property
    def label(self) -> str:
        return IDENTIFIER_LABELS.get(self.kind, self.kind)


@dataclass
class LinkView:
    """A link between two members: the evidence behind it, and what an analyst said of it."""

    left: str
    right: str
    evidence: list[dict[str, Any]] = field(default_factory=list)
    label: LinkLabel | None = None

    @property
    def weight(self) -> float:
        return round(sum(float(e.get("weight", 0.0)) for e in self.evidence), 3)


@dataclass
class NetworkDetail:
    """Everything the network page and /api/networks/{id} show."""

    network: Network
    risk: risk.NetworkRisk
    members: list[MemberView]
    links: list[LinkView]
    identifiers: list[IdentifierView]
    excluded: list[IdentifierView]
    listings: list[Listing]
    verdicts: list[tuple[str, str, str, Any]]
    notices: list[Notice]
    customs_visible: bool
    detentions: list[Detention]
    inspections: list[Inspection]
    svg: Markup

    @property
    def seller_ids(self) -> list[str]:
        return [m.member_id for m in self.members if m.kind != PARTY]


def get(session: Session, *, actor: Actor, network_id: str) -> NetworkDetail:
    """The network page's content; NotFound for an unknown id; audited outside the marketplace."""
    require_read(actor)
    network = session.get(Network, network_id)
    if network is None:
        raise NotFound(f"network {network_id!r} not found")
    audit.record_personal_data_read(
        session,
        actor=actor,
        object_type="network",
        object_id=network.id,
        owner_organisation_id=auth.marketplace_organisation_id(session),
        fields=READ_FIELDS,
    )
    rows = list(
        session.scalars(
            select(NetworkMember)
            .where(NetworkMember.network_id == network.id)
            .order_by(NetworkMember.member_id)
        )
    )
    members = _member_views(session, rows)
    sellers = [m.member_id for m in members if m.kind != PARTY]
    identifiers = _shared(session, members)
    excluded = [
        IdentifierView(f"x{i}", n.kind, mask(n.kind, n.value), list(n.members), 0.0, True, n.degree)
        for i, n in enumerate(held_super_nodes(session, latest_run(session), rows))
    ]
    links = _links(session, members, identifiers)
    customs = actor.can(perms.CUSTOMS_READ)
    declarations = _declarations(session, members) if customs else []
    return NetworkDetail(
        network=network,
        risk=risk.of_members(session, network_id=network.id, members=sellers, as_of=utcnow()),
        members=members,
        links=links,
        identifiers=identifiers,
        excluded=excluded,
        listings=_listings(session, sellers),
        verdicts=_verdicts(session, sellers),
        notices=_notices(session, sellers),
        customs_visible=customs,
        detentions=_detentions(session, declarations),
        inspections=_inspections(session, declarations),
        svg=picture(network.id, members, identifiers, excluded, links),
    )


def _member_views(session: Session, rows: list[NetworkMember]) -> list[MemberView]:
    ids = [r.member_id for r in rows if r.kind != PARTY]
    sellers = {s.id: s for s in session.scalars(select(Seller).where(Seller.id.in_(ids)))}
    counts: dict[str, dict[str, int]] = defaultdict(dict)
    if ids:
        query = (
            select(Listing.seller_id, Listing.status, Listing.id)
            .where(Listing.seller_id.in_(ids))
            .order_by(Listing.seller_id)
        )
        for seller_id, status, _ in session.execute(query):
            counts[seller_id][status] = counts[seller_id].get(status, 0) + 1
    views = []
    for row in rows:
        seller = sellers.get(row.member_id)
        views.append(
            MemberView(
                member_id=row.member_id,
                kind=row.kind,
                name=seller.display_name if seller else row.member_id,
                status=seller.status if seller else None,
                evidence=list(row.evidence),
                listings=counts.get(row.member_id, {}),
            )
        )
    return views


def _records(session: Session, member_ids: Iterable[str]) -> list[LinkRecord]:
    query = select(LinkRecordRow.record).where(LinkRecordRow.member_id.in_(list(member_ids)))
    return [LinkRecord.from_dict(r) for r in session.scalars(query)]


def _identifier_weights(members: list[MemberView]) -> dict[str, float]:
    weights = dict(DEFAULT_IDENTIFIER_WEIGHTS)
    by_evidence = {v: k for k, v in EVIDENCE_KINDS.items()}
    for member in members:
        for item in member.evidence:
            kind = by_evidence.get(str(item.get("identifier_kind")))
            if kind is not None:
                weights[kind] = float(item.get("weight", weights.get(kind, 1.0)))
    return weights


def _shared(session: Session, members: list[MemberView]) -> list[IdentifierView]:
    """Identifier values (of the kinds that make edges) held by two or more members."""
    holders: dict[tuple[str, str], list[str]] = defaultdict(list)
    for record in _records(session, [m.member_id for m in members]):
        for kind, value in record.identifiers(EXACT_IDENTIFIERS):
            if kind in EDGE_IDENTIFIERS:
                holders[(kind, value)].append(record.unique_id)
    weights = _identifier_weights(members)
    found = [
        IdentifierView(
            key=f"id{i}",
            kind=kind,
            shown=mask(kind, value),
            members=sorted(held),
            weight=weights.get(kind, 1.0),
        )
        for i, ((kind, value), held) in enumerate(sorted(holders.items()))
        if len(held) >= 2
    ]
    return sorted(found, key=lambda x: (-x.weight, x.kind, x.shown))


def _links(
    session: Session, members: list[MemberView], identifiers: list[IdentifierView]
) -> list[LinkView]:
    inside = {m.member_id for m in members}
    links: dict[tuple[str, str], LinkView] = {}
    for a, b, entry in [*_identifier_links(identifiers), *_direct_links(members, inside)]:
        key = pair_key(a, b)
        links.setdefault(key, LinkView(*key)).evidence.append(entry)
    for (left, right), row in labels.of_members(session, inside).items():
        if left in inside and right in inside:
            links.setdefault((left, right), LinkView(left, right)).label = row
    return sorted(links.values(), key=lambda x: (-x.weight, x.left, x.right))


def _identifier_links(
    identifiers: list[IdentifierView],
) -> Iterable[tuple[str, str, dict[str, Any]]]:
    """Every pair of members holding one identifier value."""
    for item in identifiers:
        entry = {
            "identifier_kind": EVIDENCE_KINDS.get(item.kind, item.kind),
            "detail": f"same {item.label} {item.shown}",
            "weight": item.weight,
        }
        for i, a in enumerate(item.members):
            for b in item.members[i + 1 :]:
                yield a, b, dict(entry)


def _direct_links(
    members: list[MemberView], inside: set[str]
) -> Iterable[tuple[str, str, dict[str, Any]]]:
    """Probable matches and confirmed links, from the evidence the run stored (once per pair)."""
    for member in members:
        for evidence in member.evidence:
            if evidence.get("identifier_kind") not in LINKED_KINDS:
                continue
            entry = {k: evidence[k] for k in ("identifier_kind", "detail", "weight")}
            for other in evidence.get("others") or ():
                if other in inside and member.member_id < other:
                    yield member.member_id, other, entry


def picture(
    network_id: str,
    members: list[MemberView],
    identifiers: list[IdentifierView],
    excluded: list[IdentifierView],
    links: list[LinkView],
) -> Markup:
    """The network drawn: members, shared identifiers, super-nodes (greyed), direct links."""
    nodes = [
        drawing.Node(
            key=f"m:{m.member_id}",
            kind=m.kind,
            label=m.member_id,
            title=f"{m.name} ({m.member_id}, {m.status or m.kind})",
            href=m.href,
            status=m.status or "active",
        )
        for m in members
    ]
    lines: list[drawing.Line] = []
    for item in [*identifiers, *excluded]:
        suffix = f", excluded: shared by {item.degree} accounts" if item.excluded else ""
        nodes.append(
            drawing.Node(
                key=item.key,
                kind="identifier",
                label=f"{item.label} {item.shown}",
                title=f"{item.label} {item.shown}{suffix}",
                excluded=item.excluded,
            )
        )
        holds = "excluded" if item.excluded else "holds"
        weight = 0.2 if item.excluded else item.weight
        lines.extend(drawing.Line(f"m:{m}", item.key, holds, weight) for m in item.members)
    for link in links:
        kinds = {str(e["identifier_kind"]) for e in link.evidence} & set(LINKED_KINDS)
        line = _line_kind(link.label.label if link.label else None, kinds)
        if line is not None:
            title = f"{link.left} – {link.right}: {line} (weight {link.weight})"
            lines.append(
                drawing.Line(f"m:{link.left}", f"m:{link.right}", line, link.weight, title)
            )
    return drawing.svg(nodes, lines, title=f"network {network_id}")


def _line_kind(label: str | None, kinds: set[str]) -> str | None:
    if label == "cut":
        return "cut"
    if "confirmed" in kinds or label == "confirm":
        return "confirmed"
    return "probabilistic" if kinds else None


def _listings(session: Session, sellers: list[str]) -> list[Listing]:
    if not sellers:
        return []
    query = (
        select(Listing)
        .where(Listing.seller_id.in_(sellers))
        .order_by(Listing.seller_id, Listing.created_at.desc(), Listing.id)
    )
    return list(session.scalars(query.limit(MAX_ROWS)))


def _verdicts(session: Session, sellers: list[str]) -> list[tuple[str, str, str, Any]]:
    """(listing id, verdict, source, decided at) of the latest verdict per listing."""
    if not sellers:
        return []
    query = (
        select(Verdict.listing_id, Verdict.verdict, Verdict.source, Verdict.decided_at)
        .join(Listing, Listing.id == Verdict.listing_id)
        .where(Listing.seller_id.in_(sellers))
        .order_by(Verdict.decided_at, Verdict.id)
    )
    latest = {row[0]: (row[0], row[1], row[2], row[3]) for row in session.execute(query)}
    return sorted(latest.values(), key=lambda v: v[3], reverse=True)[:MAX_ROWS]


def _notices(session: Session, sellers: list[str]) -> list[Notice]:
    if not sellers:
        return []
    query = (
        select(Notice)
        .join(Listing, Listing.id == Notice.listing_id)
        .where(Listing.seller_id.in_(sellers))
        .order_by(Notice.submitted_at.desc(), Notice.id)
    )
    return list(session.scalars(query.limit(MAX_ROWS)))


def _declarations(session: Session, members: list[MemberView]) -> list[str]:
    """Declarations naming a member party, or lodged for a member seller."""
    found = {m.member_id.rsplit(":", 1)[0] for m in members if m.kind == PARTY}
    sellers = [m.member_id for m in members if m.kind != PARTY]
    if sellers:
        query = select(Declaration.id).where(Declaration.seller_ref.in_(sellers))
        found.update(session.scalars(query.limit(MAX_ROWS)))
    return sorted(found)


def _detentions(session: Session, declarations: list[str]) -> list[Detention]:
    if not declarations:
        return []
    query = select(Detention).where(Detention.declaration_id.in_(declarations))
    return list(session.scalars(query.order_by(Detention.detained_on.desc()).limit(MAX_ROWS)))


def _inspections(session: Session, declarations: list[str]) -> list[Inspection]:
    """Inspections of those declarations that found something (seizures)."""
    if not declarations:
        return []
    query = select(Inspection).where(
        Inspection.declaration_id.in_(declarations), Inspection.outcome != "clear"
    )
    return list(session.scalars(query.order_by(Inspection.inspected_at.desc()).limit(MAX_ROWS)))
