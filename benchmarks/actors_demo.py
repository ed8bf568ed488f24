"""Ring recovery on the demo world: pairwise precision / recall of ring membership, whole rings.

Generates the demo world (guetteur.demo.world) into a temporary folder, links its sellers and
declaration parties, and compares the networks with truth/sellers.jsonl and truth/parties.jsonl,
with and without super-node control.

    .venv/bin/python benchmarks/actors_demo.py [--scale 1.0]
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
from collections import defaultdict
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from guetteur.actors import pipeline
from guetteur.actors.records import PARTY_ROLES, LinkRecord, from_party, from_seller


def _rows(path: Path) -> Iterator[dict[str, Any]]:
    with path.open(encoding="utf-8") as handle:
        for line in handle:
            yield json.loads(line)


def load(folder: Path) -> tuple[list[LinkRecord], dict[str, str], dict[str, str]]:
    """Records of sellers and parties; ring of each ring seller; ring of each ring party."""
    records = [from_seller(s) for s in _rows(folder / "sellers.jsonl")]
    for declaration in _rows(folder / "declarations.jsonl"):
        for role in PARTY_ROLES:
            party = declaration.get(role)
            if party:
                records.append(from_party(declaration["id"], role, party, declaration["lodged_at"]))
    seller_ring = {
        t["seller_id"]: t["ring_id"]
        for t in _rows(folder / "truth" / "sellers.jsonl")
        if t.get("ring_id")
    }
    party_ring = {
        t["member_id"]: t["ring_id"]
        for t in _rows(folder / "truth" / "parties.jsonl")
        if t.get("ring_id")
    }
    return records, seller_ring, party_ring


def seller_scores(
    result: pipeline.RunResult, ring_of: dict[str, str], sellers: set[str]
) -> dict[str, float]:
    """Pairwise precision / recall / F1 over sellers, and the share of rings found whole."""
    network_of = {m.member_id: n.network_id for n in result.networks for m in n.members}
    members: dict[str, list[str]] = defaultdict(list)
    for member, network in network_of.items():
        if member in sellers:
            members[network].append(member)
    found = hits = 0
    for group in members.values():
        found += len(group) * (len(group) - 1) // 2
        counts: dict[str, int] = defaultdict(int)
        for seller in group:
            if seller in ring_of:
                counts[ring_of[seller]] += 1
        hits += sum(k * (k - 1) // 2 for k in counts.values())
    rings: dict[str, list[str]] = defaultdict(list)
    for seller, ring in ring_of.items():
        rings[ring].append(seller)
    truth = sum(len(m) * (len(m) - 1) // 2 for m in rings.values())
    whole = sum(
        1
        for ring_members in rings.values()
        if len({network_of.get(s) for s in ring_members}) == 1
        and network_of.get(ring_members[0]) is not None
        and len(members[network_of[ring_members[0]]]) == len(ring_members)
    )
    precision, recall = hits / max(found, 1), hits / max(truth, 1)
    return {
        "precision": precision,
        "recall": recall,
        "f1": 2 * precision * recall / max(precision + recall, 1e-12),
        "rings_whole": whole / max(len(rings), 1),
        "rings": len(rings),
    }


def party_share(
    result: pipeline.RunResult, seller_ring: dict[str, str], party_ring: dict[str, str]
) -> float:
    """Share of ring parties placed in a network holding a seller of their ring."""
    network_of = {m.member_id: n.network_id for n in result.networks for m in n.members}
    rings_in: dict[str, set[str]] = defaultdict(set)
    for seller, ring in seller_ring.items():
        if seller in network_of:
            rings_in[network_of[seller]].add(ring)
    placed = sum(
        1
        for party, ring in party_ring.items()
        if ring in rings_in.get(network_of.get(party, ""), ())
    )
    return placed / max(len(party_ring), 1)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    from guetteur.demo.world.generate import generate

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        generate(folder, scale=args.scale, seed=args.seed)
        records, seller_ring, party_ring = load(folder)
        supers = [json.loads(line) for line in (folder / "truth/super_nodes.jsonl").open()]
    sellers = {r.unique_id for r in records if r.kind == "seller"}
    print(
        f"demo world scale {args.scale}: {len(sellers)} sellers ({len(seller_ring)} in rings), "
        f"{len(records) - len(sellers)} declaration parties ({len(party_ring)} of rings), "
        f"{len(supers)} true super-node identifiers"
    )
    for label, control in (("with super-node control", True), ("without", False)):
        options = pipeline.Options(
            super_node_control=control, max_network=10**9 if not control else 200
        )
        started = time.perf_counter()
        result = pipeline.run(records, options=options)  # trains its own model
        seconds = time.perf_counter() - started
        s = seller_scores(result, seller_ring, sellers)
        print(
            f"{label:24s} precision {s['precision']:.3f}  recall {s['recall']:.3f}  "
            f"F1 {s['f1']:.3f}  rings whole {s['rings_whole']:.1%} of {s['rings']:.0f}  "
            f"ring parties placed {party_share(result, seller_ring, party_ring):.1%}  "
            f"largest network {max((n.size for n in result.networks), default=0)}  "
            f"super-nodes {len(result.super_nodes)}  {seconds:.1f} s"
        )


if __name__ == "__main__":
    main()
