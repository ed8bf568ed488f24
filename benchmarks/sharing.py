"""Sharing between two nodes: STIX objects per second through TAXII, and CLK matching accuracy.

Two nodes, two SQLite stores: the sending node is `guetteur serve` in its own process on
127.0.0.1; this process is the receiving node and runs the same pull as `guetteur sync`
(verify each signed page, ingest idempotently, commit, move the cursor). Prints, for each size,
the seconds and objects per second of publishing and of the sync, and checks nothing was lost or
duplicated. Publishing maps the first 2,000 sellers through `stix` for real and clones the rest
from them (new deterministic ids and tokens) so that 100,000 objects do not take minutes of
`stix2` object construction before the sync is measured.

    PYTHONPATH=. .venv/bin/python benchmarks/sharing.py [--objects 10000 100000] [--clk]

`--clk` measures the Bloom-filter (CLK) name matching: precision and recall at the Dice
threshold, on names with and without typing errors.
"""

from __future__ import annotations

import argparse
import json
import random
import string
import tempfile
import time
from pathlib import Path
from typing import Any

from sqlalchemy import func, select

from guetteur.db import transaction
from guetteur.sharing import agreements, exports, pseudonymise, service, sync
from guetteur.sharing.models import PublishedObject, ReceivedObject
from guetteur.sharing.stix_ext import stix_id
from tests.sharing import nodes

REAL = 2_000


def _clone(template: dict[str, Any], i: int, key: bytes) -> dict[str, Any]:
    obj = dict(template)
    obj["id"] = stix_id("identity", "bench", "seller", str(i))
    ext_id, ext = next(iter(obj["extensions"].items()))
    tokens = {f: pseudonymise.token(key, f, f"{f}-{i}") for f in ext.get("tokens", {})}
    obj["extensions"] = {ext_id: {**ext, "tokens": tokens, "local_id": f"bench-{i}"}}
    return obj


def publish(node: nodes.Node, agreement_id: str, count: int) -> float:
    """Publish `count` seller identities; returns the seconds taken."""
    started = time.perf_counter()
    real = min(count, REAL)
    ids = nodes.add_sellers(node, real, prefix="b")
    with transaction(node.sessions) as session:
        exports.share_sellers(
            session, actor=nodes.ADMIN, agreement_id=agreement_id, seller_ids=ids,
            secret=node.settings.secret_key,
        )  # fmt: skip
        agreement = agreements.get_or_raise(session, actor=nodes.ADMIN, agreement_id=agreement_id)
        key = agreements.open_keys(agreement, secret=node.settings.secret_key).token_key
        collection = agreements.outbound_collection(agreement)
    with transaction(node.sessions) as session:
        last_identity = (
            select(PublishedObject.body)
            .where(PublishedObject.stix_type == "identity")
            .order_by(PublishedObject.id.desc())
        )
        template = json.loads(str(session.scalar(last_identity)))
    for start in range(real, count, 5_000):
        with transaction(node.sessions) as session:
            items = [
                ("bench", _clone(template, i, key)) for i in range(start, min(count, start + 5_000))
            ]
            service.store_objects(session, collection_id=collection, items=items)
    return time.perf_counter() - started


def run(size: int) -> None:
    root = Path(tempfile.mkdtemp(prefix="guetteur-sharing-bench-"))
    market = nodes.make_node(root, "market-node", "marketplace", "market")
    customs = nodes.make_node(root, "customs-node", "customs", "douane")
    proc = nodes.serve_process(market)
    try:
        agreement_id = nodes.pair(market, customs, nodes.terms(market, customs))
        published = publish(market, agreement_id, size)
        started = time.perf_counter()
        result = sync.pull(
            customs.sessions, agreement_id=agreement_id, secret=customs.settings.secret_key
        )
        seconds = time.perf_counter() - started
        with transaction(customs.sessions) as session:
            stored = int(session.scalar(select(func.count(ReceivedObject.id))) or 0)
            distinct = int(
                session.scalar(select(func.count(func.distinct(ReceivedObject.stix_id)))) or 0
            )
        print(
            f"{size:>7} objects: published in {published:6.1f} s; synced {result.received} objects "
            f"in {result.pages} pages in {seconds:6.1f} s = "
            f"{result.received / seconds:8.0f} objects/s; "
            f"stored {stored}, distinct {distinct}, refused {len(result.refused)}"
        )
    finally:
        nodes.stop_process(proc)
        for node in (market, customs):
            node.engine.dispose()


def _typo(text: str, rng: random.Random) -> str:
    chars = list(text)
    for _ in range(rng.choice((1, 1, 2))):
        i = rng.randrange(len(chars))
        op = rng.choice(("swap", "drop", "replace"))
        if op == "swap" and i + 1 < len(chars):
            chars[i], chars[i + 1] = chars[i + 1], chars[i]
        elif op == "drop" and len(chars) > 4:
            del chars[i]
        else:
            chars[i] = rng.choice(string.ascii_lowercase)
    return "".join(chars)


def clk_accuracy(n: int = 2_000, seed: int = 7) -> None:
    """Precision / recall of CLK name matching at the Dice threshold (typos vs other names)."""
    rng = random.Random(seed)
    words = ["shenzhen", "bright", "star", "trading", "lucky", "dragon", "export", "global",
             "golden", "ocean", "smart", "tech", "fashion", "world", "happy", "union", "sun",
             "east", "wind", "best", "quality", "goods", "store", "market", "prime"]  # fmt: skip
    key = b"b" * 32
    names = [" ".join(rng.sample(words, 3)) + f" {rng.randrange(100)}" for _ in range(n)]
    names = list(dict.fromkeys(names))
    encoded = [pseudonymise.clk(key, "name", x) for x in names]
    variants = [pseudonymise.clk(key, "name", _typo(x, rng)) for x in names]
    tp = fn = fp = 0
    for i, variant in enumerate(variants):
        if pseudonymise.dice(variant, encoded[i]) >= pseudonymise.DICE_THRESHOLD:
            tp += 1
        else:
            fn += 1
        for j in rng.sample(range(len(names)), 20):
            if j != i and pseudonymise.dice(variant, encoded[j]) >= pseudonymise.DICE_THRESHOLD:
                fp += 1
    print(
        f"CLK names ({len(names)} names, 1-2 typos, {CLK_DESC}): recall {tp / (tp + fn):.3f}, "
        f"false matches {fp} of {len(names) * 20} non-matching pairs "
        f"(precision {tp / max(1, tp + fp):.3f})"
    )


CLK_DESC = (
    f"{pseudonymise.CLK_BITS} bits, k={pseudonymise.CLK_HASHES}, "
    f"Dice >= {pseudonymise.DICE_THRESHOLD}"
)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--objects", type=int, nargs="*", default=[10_000, 100_000])
    parser.add_argument("--clk", action="store_true", help="also measure CLK matching accuracy")
    args = parser.parse_args()
    for size in args.objects:
        run(size)
    if args.clk:
        clk_accuracy()


if __name__ == "__main__":
    main()
