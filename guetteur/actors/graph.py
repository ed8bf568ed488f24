"""The identifier graph: accounts as nodes, shared identifiers and probable matches as edges.

Super-node control: an identifier value held by more accounts than a cap (a freight forwarder's
address, a fulfilment centre, a registered agent, an office IP, an emulator's device id) says
nothing about who is behind them. Such values are found first, removed from the records before
blocking and scoring, never make an edge, and are reported.
"""

from __future__ import annotations

import random
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from operator import attrgetter

import igraph as ig
import numpy as np
import pyarrow as pa

from guetteur.actors.records import (
    EXACT_IDENTIFIERS,
    IDENTIFIER_LABELS,
    SUPER_NODE_KINDS,
    LinkRecord,
)

DEFAULT_CAP = 50
DEFAULT_MAX_NETWORK = 200
# Identifier kinds that make an edge on their own; IPs are too often shared (NAT, mobile carriers).
EDGE_IDENTIFIERS = (*EXACT_IDENTIFIERS, "device")
CONFIRMED_WEIGHT = 10.0
"""The weight of a link an analyst confirmed (as strong as a shared phone)."""
DEFAULT_IDENTIFIER_WEIGHTS = {
    "bank": 12.0,
    "phone": 11.0,
    "email": 11.0,
    "registration": 12.0,
    "vat": 12.0,
    "address_key": 6.0,
    "device": 9.0,
}


@dataclass(frozen=True)
class SuperNode:
    """An identifier value shared by too many accounts to mean anything."""

    kind: str
    value: str
    degree: int

    def describe(self) -> str:
        return (
            f"{IDENTIFIER_LABELS.get(self.kind, self.kind)} {self.value!r} ({self.degree} accounts)"
        )


@dataclass(frozen=True)
class Evidence:
    """Why a member belongs to its network: one shared identifier or one probable match."""

    identifier_kind: str
    detail: str
    weight: float
    others: tuple[str, ...] = ()

    def as_dict(self) -> dict[str, object]:
        return {
            "identifier_kind": self.identifier_kind,
            "detail": self.detail,
            "weight": self.weight,
        }

    def stored(self) -> dict[str, object]:
        """`as_dict` plus the members it links to (kept in the store to draw the network)."""
        return {**self.as_dict(), "others": list(self.others)}


@dataclass(frozen=True)
class Group:
    """Accounts sharing one identifier value (at most `cap` of them)."""

    kind: str
    value: str
    members: tuple[str, ...]


@dataclass(frozen=True)
class Pair:
    """A probable match from the linkage model."""

    left: str
    right: str
    match_weight: float
    match_probability: float
    reasons: str


def pair_key(a: str, b: str) -> tuple[str, str]:
    """A link between two members, in one order."""
    return (a, b) if a <= b else (b, a)


@dataclass
class Graph:
    """Nodes, weighted edges and the evidence behind them.

    `cut` holds links an analyst cut (no edge between the two, whatever they share);
    `confirmed` holds links an analyst confirmed (an edge even when the model saw none).
    """

    ids: list[str]
    groups: list[Group] = field(default_factory=list)
    pairs: list[Pair] = field(default_factory=list)
    cut: frozenset[tuple[str, str]] = frozenset()
    confirmed: list[Pair] = field(default_factory=list)


def _long_table(records: Sequence[LinkRecord]) -> tuple[pa.Table, pa.Table]:
    """(kind, value, record position) for every identifier value, built column by column."""
    kinds, values, positions = [], [], []
    count = len(records)
    every = np.arange(count, dtype=np.int64)
    entity_of = pa.array([r.entity_key() for r in records], pa.string())
    for code, kind in enumerate(SUPER_NODE_KINDS):
        if kind in ("device", "ip"):
            attr = "devices" if kind == "device" else "ips"
            flat = [(i, v) for i, r in enumerate(records) for v in getattr(r, attr)]
            positions.append(pa.array(np.fromiter((i for i, _ in flat), np.int64, len(flat))))
            values.append(pa.array([v for _, v in flat], pa.string()))
            kinds.append(pa.array(np.full(len(flat), code, dtype=np.int8)))
            continue
        getter = attrgetter(kind)
        values.append(pa.array([getter(r) for r in records], pa.string()))
        positions.append(pa.array(every))
        kinds.append(pa.array(np.full(count, code, dtype=np.int8)))
    table = pa.table(
        {
            "k": pa.chunked_array(kinds, pa.int8()),
            "v": pa.chunked_array(values, pa.string()),
            "i": pa.chunked_array(positions, pa.int64()),
        }
    )
    return table, pa.table({"i": pa.array(every), "e": entity_of})


# Degree = distinct entities: one trader on a thousand declarations is one holder, not 1,000.
_SHARED_SQL = """
with shared as (
    select k, v from identifiers where v is not null group by k, v having count(*) >= 2
)
select k, v, count(distinct e), list(i order by i)
from identifiers join shared using (k, v) join entities using (i)
group by k, v
"""


@dataclass(frozen=True)
class Holding:
    """The records holding one identifier value, and how many distinct entities they are."""

    degree: int
    members: tuple[str, ...]


def holders(records: Sequence[LinkRecord]) -> dict[tuple[str, str], Holding]:
    """Which records hold each identifier value held by two or more (DuckDB group-by)."""
    import duckdb

    table, entities = _long_table(records)
    connection = duckdb.connect()
    try:
        connection.register("identifiers", table)
        connection.register("entities", entities)
        rows = connection.execute(_SHARED_SQL).fetchall()
    finally:
        connection.close()
    return {
        (SUPER_NODE_KINDS[k], v): Holding(degree, tuple(records[i].unique_id for i in positions))
        for k, v, degree, positions in rows
    }


def find_super_nodes(
    held: Mapping[tuple[str, str], Holding], *, cap: int = DEFAULT_CAP
) -> list[SuperNode]:
    """Identifier values held by more than `cap` distinct accounts, most shared first."""
    found = [SuperNode(k, v, h.degree) for (k, v), h in held.items() if h.degree > cap]
    return sorted(found, key=lambda s: (-s.degree, s.kind, s.value))


def _postcode_of(address_key: str) -> str:
    return address_key.split(" ", 1)[0]


def address_variants(
    records: Iterable[LinkRecord], super_nodes: Sequence[SuperNode], *, similarity: float = 0.88
) -> list[SuperNode]:
    """Addresses the model would call similar to a super-node address (same postcode,
    Jaro-Winkler >= `similarity`, the lowest address level of the model).

    A forwarder's address typed with a typo is still the forwarder: left in, the variants would
    match each other on the address and glue their holders together again.
    """
    from rapidfuzz.distance import JaroWinkler

    by_postcode: dict[str, list[SuperNode]] = defaultdict(list)
    for node in super_nodes:
        if node.kind == "address_key":
            by_postcode[_postcode_of(node.value)].append(node)
    known = {node.value for node in super_nodes if node.kind == "address_key"}
    found: dict[str, SuperNode] = {}
    for record in records:
        value = record.address_key
        if not value or value in known or value in found:
            continue
        for node in by_postcode.get(_postcode_of(value), ()):
            if JaroWinkler.similarity(value, node.value) >= similarity:
                found[value] = SuperNode("address_key", value, node.degree)
                break
    return sorted(found.values(), key=lambda s: (-s.degree, s.value))


def excluded_values(super_nodes: Iterable[SuperNode]) -> dict[str, frozenset[str]]:
    """Super-node values by kind, as `LinkRecord.without` takes them."""
    by_kind: dict[str, set[str]] = defaultdict(set)
    for node in super_nodes:
        by_kind[node.kind].add(node.value)
    return {kind: frozenset(values) for kind, values in by_kind.items()}


def exact_groups(
    held: Mapping[tuple[str, str], Holding],
    *,
    cap: int = DEFAULT_CAP,
    kinds: tuple[str, ...] = EDGE_IDENTIFIERS,
    excluded: Mapping[str, frozenset[str]] | None = None,
) -> list[Group]:
    """Values shared by 2 to `cap` accounts (and not excluded): each links its holders."""
    wanted = set(kinds)
    excluded = excluded or {}
    return [
        Group(kind, value, tuple(sorted(h.members)))
        for (kind, value), h in held.items()
        if kind in wanted and h.degree <= cap and value not in excluded.get(kind, ())
    ]


def _group_links(group: Group, cut: frozenset[tuple[str, str]]) -> Iterable[tuple[str, str]]:
    """The links a shared value makes: a star (linear in the group size), or, when an analyst
    cut a link inside the group, every other pair of the group."""
    members = group.members
    if not cut or not any(
        pair_key(a, b) in cut for i, a in enumerate(members) for b in members[i + 1 :]
    ):
        return ((members[0], member) for member in members[1:])
    return (
        (a, b) for i, a in enumerate(members) for b in members[i + 1 :] if pair_key(a, b) not in cut
    )


def _edges(graph: Graph, weights: Mapping[str, float]) -> dict[tuple[int, int], float]:
    position = {member: i for i, member in enumerate(graph.ids)}
    edges: dict[tuple[int, int], float] = defaultdict(float)
    cut_members = {m for pair in graph.cut for m in pair}
    for group in graph.groups:
        weight = weights.get(group.kind, 1.0)
        touched = graph.cut if cut_members.intersection(group.members) else frozenset()
        for left, right in _group_links(group, touched):
            a, b = sorted((position[left], position[right]))
            edges[(a, b)] += weight
    for pair in graph.pairs:
        if graph.cut and pair_key(pair.left, pair.right) in graph.cut:
            continue
        a, b = sorted((position[pair.left], position[pair.right]))
        edges[(a, b)] += max(pair.match_weight, 0.1)
    for pair in graph.confirmed:
        if pair.left in position and pair.right in position:
            a, b = sorted((position[pair.left], position[pair.right]))
            edges[(a, b)] += pair.match_weight
    return edges


def networks(
    graph: Graph,
    *,
    weights: Mapping[str, float] = DEFAULT_IDENTIFIER_WEIGHTS,
    max_size: int = DEFAULT_MAX_NETWORK,
    seed: int = 0,
    entity_of: Mapping[str, str] | None = None,
) -> list[list[str]]:
    """Connected components of two or more accounts; oversized ones split with Leiden.

    Size counts distinct entities (`entity_of`): a trader on 300 declarations counts once.
    """
    edges = _edges(graph, weights)
    g = ig.Graph(n=len(graph.ids), edges=list(edges), directed=False)
    g.es["weight"] = list(edges.values())
    found: list[list[str]] = []
    for component in g.connected_components():
        if len(component) < 2:
            continue
        size = len({entity_of[graph.ids[i]] for i in component}) if entity_of else len(component)
        if size <= max_size:
            found.append([graph.ids[i] for i in component])
            continue
        found.extend(_split(g, component, graph.ids, seed))
    return found


def _split(g: ig.Graph, component: list[int], ids: list[str], seed: int) -> list[list[str]]:
    """Leiden communities (modularity, edge weights) of an oversized component."""
    sub = g.induced_subgraph(component)
    ig.set_random_number_generator(random.Random(seed))
    try:
        parts = sub.community_leiden(
            objective_function="modularity", weights="weight", n_iterations=-1
        )
    finally:
        ig.set_random_number_generator(random)
    return [[ids[component[i]] for i in part] for part in parts if len(part) >= 2]
