"""Networks: members with the evidence that links each one, under ids that stay stable.

A network keeps the id it had in the previous run when it still holds most of that network's
members; a new network takes an id derived from its oldest member, so adding unrelated accounts
(or new members, which are always newer) never renames a network.
"""

from __future__ import annotations

import hashlib
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from guetteur.actors.graph import Evidence, Graph, Group, Pair, pair_key
from guetteur.actors.records import IDENTIFIER_LABELS, LinkRecord

EVIDENCE_KINDS = {
    "bank": "bank_account",
    "phone": "phone",
    "email": "email",
    "registration": "registration_number",
    "vat": "vat_number",
    "address_key": "address",
    "device": "device",
    "ip": "ip",
}
MAX_NAMED = 5


@dataclass
class Member:
    """One account or party in a network, with its evidence."""

    member_id: str
    kind: str
    created_at: str
    evidence: list[Evidence] = field(default_factory=list)


@dataclass
class Network:
    """A group of accounts and parties run by the same people."""

    network_id: str
    members: list[Member]

    @property
    def size(self) -> int:
        return len(self.members)

    @property
    def anchor(self) -> Member:
        return min(self.members, key=lambda m: (m.created_at, m.member_id))


def anchor_id(member_id: str) -> str:
    """The id a network gets from its oldest member: 'N-' and 12 hex digits of a hash."""
    return "N-" + hashlib.sha256(member_id.encode("utf-8")).hexdigest()[:12]


def mask(kind: str, value: str) -> str:
    """An identifier shortened for display (account numbers keep their last four)."""
    if kind in ("bank", "registration", "vat") and len(value) > 6:
        return f"…{value[-4:]}"
    if kind == "phone" and len(value) > 6:
        return f"{value[:4]}…{value[-2:]}"
    return value


def _named(others: Iterable[str]) -> str:
    names = sorted(others)
    more = f" and {len(names) - MAX_NAMED} more" if len(names) > MAX_NAMED else ""
    return ", ".join(names[:MAX_NAMED]) + more


def _group_evidence(group: Group, inside: set[str], weight: float) -> dict[str, Evidence]:
    members = [m for m in group.members if m in inside]
    out = {}
    for member in members:
        others = tuple(m for m in members if m != member)
        if not others:
            continue
        label = IDENTIFIER_LABELS.get(group.kind, group.kind)
        detail = f"same {label} {mask(group.kind, group.value)} as {_named(others)}"
        out[member] = Evidence(EVIDENCE_KINDS.get(group.kind, group.kind), detail, weight, others)
    return out


def _pair_evidence(pair: Pair, member: str, other: str) -> Evidence:
    detail = f"probable match with {other} (p={pair.match_probability:.3f}): {pair.reasons}"
    return Evidence("probabilistic", detail, round(pair.match_weight, 3), (other,))


def _member_evidence(
    graph: Graph, network_of: Mapping[str, int], weights: Mapping[str, float]
) -> dict[str, list[Evidence]]:
    evidence: dict[str, list[Evidence]] = defaultdict(list)
    for group in graph.groups:
        by_network: dict[int, set[str]] = defaultdict(set)
        for member in group.members:
            if member in network_of:
                by_network[network_of[member]].add(member)
        weight = weights.get(group.kind, 1.0)
        for inside in by_network.values():
            for member, item in _group_evidence(group, inside, weight).items():
                evidence[member].append(item)
    kept = [p for p in graph.pairs if not (graph.cut and pair_key(p.left, p.right) in graph.cut)]
    for pairs, describe in ((kept, _pair_evidence), (graph.confirmed, _confirmed_evidence)):
        for pair in pairs:
            if pair.left in network_of and network_of[pair.left] == network_of.get(pair.right):
                evidence[pair.left].append(describe(pair, pair.left, pair.right))
                evidence[pair.right].append(describe(pair, pair.right, pair.left))
    return evidence


def _confirmed_evidence(pair: Pair, member: str, other: str) -> Evidence:
    detail = f"link with {other} confirmed by an analyst: {pair.reasons}"
    return Evidence("confirmed", detail, round(pair.match_weight, 3), (other,))


def build(
    components: Iterable[list[str]],
    graph: Graph,
    records: Mapping[str, LinkRecord],
    *,
    weights: Mapping[str, float],
    previous: Mapping[str, str] | None = None,
) -> list[Network]:
    """Networks with member evidence and stable ids (reusing `previous` member -> id)."""
    groups = [sorted(c) for c in components]
    network_of = {member: i for i, members in enumerate(groups) for member in members}
    evidence = _member_evidence(graph, network_of, weights)
    built = []
    for members in groups:
        people = [
            Member(m, records[m].kind, records[m].created_at, sorted(evidence[m], key=_order))
            for m in members
        ]
        built.append(Network("", people))
    assign_ids(built, previous or {})
    return sorted(built, key=lambda n: n.network_id)


def _order(item: Evidence) -> tuple[float, str]:
    return (-item.weight, item.detail)


def assign_ids(found: list[Network], previous: Mapping[str, str]) -> None:
    """Give each network the previous id most of its members had, else its anchor's id."""
    taken: set[str] = set()
    ordered = sorted(found, key=lambda n: (-n.size, n.anchor.created_at, n.anchor.member_id))
    for network in ordered:
        votes = Counter(previous[m.member_id] for m in network.members if m.member_id in previous)
        choice = next(
            (
                nid
                for nid, _ in sorted(votes.items(), key=lambda kv: (-kv[1], kv[0]))
                if nid not in taken
            ),
            None,
        )
        if choice is None:
            choice = anchor_id(network.anchor.member_id)
            if choice in taken:  # the anchor's old network kept its id elsewhere
                choice = anchor_id(f"{network.anchor.member_id}#{len(taken)}")
        taken.add(choice)
        network.network_id = choice


def jsonl_rows(found: Iterable[Network]) -> Iterator[dict[str, Any]]:
    """The rows of networks.jsonl (FORMATS.md, Outputs), one per member."""
    for network in found:
        for member in network.members:
            yield {
                "member_id": member.member_id,
                "kind": member.kind,
                "network_id": network.network_id,
                "evidence": [e.as_dict() for e in member.evidence],
            }
