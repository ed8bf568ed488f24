"""One million synthetic seller records linked into networks, end to end, on 2 cores.

The world has rings (2 to 12 accounts reusing a bank account, a phone written several ways, a
warehouse address with typos, a company name with another legal form, a device), freight
forwarder addresses shared by hundreds of genuine sellers, and emulator device ids shared by
thousands. Prints, with the seconds of each step and the peak memory:

- the full pipeline (normalise, train, predict, graph, networks) with super-node control, and
  the pairwise precision / recall / F1 of ring membership;
- plain connected components over shared identifiers with no cap (the giant component);
- a degree cap on shared identifiers alone (no probabilistic model);
- super-node values excluded from blocking only (pairs rescored with them present);
- one new account linked against the million: p50 / p99 latency of the fast scorer.

    .venv/bin/python benchmarks/actors.py [--n 1000000]

The world is generated once into a cache folder (not timed) by a child process.
"""

from __future__ import annotations

import argparse
import gc
import json
import multiprocessing as mp
import os
import random
import resource
import statistics
import time
from collections.abc import Iterable, Iterator
from pathlib import Path

from guetteur.actors import graph as graphs
from guetteur.actors import linkage, pipeline, scorer, synthetic
from guetteur.actors.records import LinkRecord, from_seller

CACHE = Path("/tmp/guetteur-bench")
CHUNK = 20_000


def _generate(n: int, path: Path) -> None:
    world = synthetic.generate(
        n, seed=11, ring_share=0.1, super_addresses=max(2, n // 5000), emulators=max(2, n // 50_000)
    )
    tmp = path.with_suffix(".tmp")
    with tmp.open("w", encoding="utf-8") as handle:
        for seller in world.sellers:
            handle.write(json.dumps(seller) + "\n")
    truth = path.with_name(path.stem + "-rings.json")
    truth.write_text(json.dumps(world.ring_of), encoding="utf-8")
    tmp.rename(path)


def world_file(n: int) -> Path:
    """The cached JSONL of `n` sellers, generated in a child process when missing."""
    CACHE.mkdir(parents=True, exist_ok=True)
    path = CACHE / f"sellers-{n}.jsonl"
    if not path.exists():
        started = time.perf_counter()
        child = mp.get_context("spawn").Process(target=_generate, args=(n, path))
        child.start()
        child.join()
        print(f"generated {n} sellers in {time.perf_counter() - started:.1f} s (not timed)")
    return path


def _normalise_chunk(lines: list[str]) -> list[tuple[object, ...]]:
    return [from_seller(json.loads(line)).as_tuple() for line in lines]


def _chunks(path: Path) -> Iterator[list[str]]:
    with path.open(encoding="utf-8") as handle:
        chunk: list[str] = []
        for line in handle:
            chunk.append(line)
            if len(chunk) == CHUNK:
                yield chunk
                chunk = []
        if chunk:
            yield chunk


def normalise(path: Path, processes: int = 2) -> list[LinkRecord]:
    """Read and normalise every seller, on `processes` worker processes."""
    with mp.get_context("fork").Pool(processes) as pool:
        out: list[LinkRecord] = []
        for part in pool.imap(_normalise_chunk, _chunks(path)):
            out.extend(LinkRecord(*row) for row in part)  # type: ignore[arg-type]
    return out


def scores(found: Iterable[list[str]], ring_of: dict[str, int]) -> tuple[float, float, float]:
    """Pairwise precision, recall and F1 of ring membership (genuine accounts in no network)."""
    rings: dict[int, list[str]] = {}
    for seller, ring in ring_of.items():
        rings.setdefault(ring, []).append(seller)
    true_pairs = sum(len(m) * (len(m) - 1) // 2 for m in rings.values())
    found_pairs = hits = 0
    for members in found:
        found_pairs += len(members) * (len(members) - 1) // 2
        by_ring: dict[int, int] = {}
        for member in members:
            if member in ring_of:
                by_ring[ring_of[member]] = by_ring.get(ring_of[member], 0) + 1
        hits += sum(k * (k - 1) // 2 for k in by_ring.values())
    precision = hits / max(found_pairs, 1)
    recall = hits / max(true_pairs, 1)
    return precision, recall, 2 * precision * recall / max(precision + recall, 1e-12)


def cpu_seconds() -> float:
    """CPU time (user + system) of this process and its finished children."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def peak_mb() -> tuple[float, float]:
    """Peak resident memory of this process and of the largest child, in MB."""
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return own, children


def _line(label: str, figures: tuple[float, float, float], extra: str = "") -> None:
    p, r, f = figures
    print(f"{label:44s} precision {p:.3f}  recall {r:.3f}  F1 {f:.3f} {extra}")


def _plain_components(records: list[LinkRecord], cap: int | None) -> list[list[str]]:
    held = graphs.holders(records)
    graph = graphs.Graph(
        ids=[r.unique_id for r in records],
        groups=graphs.exact_groups(held, cap=cap if cap else 10**12),
    )
    return graphs.networks(graph, max_size=10**12)


def latency(result: pipeline.RunResult, samples: int, ring_of: dict[str, int]) -> None:
    """Link sampled accounts one at a time against the million; print p50 / p99."""
    started = time.perf_counter()
    tf_columns = tuple(c.column for c in linkage.SPEC if c.term_frequency)
    index = scorer.MemoryIndex(result.records, linkage.BLOCKING_KEYS, tf_columns)
    print(
        f"in-memory blocking index of {len(result.records)} records: "
        f"{time.perf_counter() - started:.1f} s"
    )
    fast = scorer.Scorer(result.weights)
    rng = random.Random(5)
    chosen = rng.sample(result.records, samples)
    times, candidates = [], []
    ring_members = [r for r in result.records if r.unique_id in ring_of]
    chosen += rng.sample(ring_members, min(samples, len(ring_members)))
    for record in chosen:
        index.records.pop(record.unique_id)  # as if it were new
        began = time.perf_counter()
        scorer.link_one(fast, index, record, threshold=0.99)
        times.append((time.perf_counter() - began) * 1000)
        candidates.append(len(index.candidates(record)))
        index.records[record.unique_id] = record
    for label, part, seen in (
        ("any account", times[:samples], candidates[:samples]),
        ("ring member", times[samples:], candidates[samples:]),
    ):
        ordered = sorted(part)
        p50, p99 = statistics.median(ordered), ordered[int(len(ordered) * 0.99) - 1]
        print(
            f"one new account ({label}) vs {len(result.records)}: p50 {p50:.2f} ms, "
            f"p99 {p99:.2f} ms, max {ordered[-1]:.2f} ms, "
            f"median candidates {statistics.median(seen):.0f}, max {max(seen)}"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--n", type=int, default=1_000_000)
    parser.add_argument("--samples", type=int, default=2000, help="new accounts to time")
    parser.add_argument("--train-pairs", type=float, default=2e6)
    args = parser.parse_args()
    path = world_file(args.n)
    ring_of = json.loads(path.with_name(path.stem + "-rings.json").read_text(encoding="utf-8"))
    gc.disable()  # a batch job over millions of long-lived objects: no cyclic garbage to find

    started, cpu_before = time.perf_counter(), cpu_seconds()
    records = normalise(path)
    normalised = time.perf_counter() - started
    options = pipeline.Options(train_pairs=args.train_pairs)
    result = pipeline.run(records, options=options)
    total, cpu = time.perf_counter() - started, cpu_seconds() - cpu_before
    load = os.getloadavg()[0]
    own, children = peak_mb()
    found = [[m.member_id for m in n.members] for n in result.networks]
    print(f"{args.n} records, {len(ring_of)} in rings; {os.cpu_count()} cores, load {load:.1f}")
    print(
        f"pipeline: {total:.1f} s (normalise {normalised:.1f} s, "
        + ", ".join(f"{k} {v:.1f} s" for k, v in result.timings.items())
        + f"); CPU {cpu:.1f} s"
    )
    print(f"peak memory: {own:.0f} MB (main process), {children:.0f} MB (largest worker)")
    print(
        f"{result.pairs} probable pairs, {result.exact_groups} shared-identifier groups, "
        f"{len(result.networks)} networks, {len(result.super_nodes)} super-node values"
    )
    _line("with super-node control (cap 50)", scores(found, ring_of))

    plain = _plain_components(records, None)
    biggest = max((len(c) for c in plain), default=0)
    _line(
        "plain components, shared identifiers, no cap",
        scores(plain, ring_of),
        f"(largest component {biggest})",
    )
    _line(
        "shared identifiers, degree cap 50 (no model)",
        scores(_plain_components(records, 50), ring_of),
    )
    latency(result, args.samples, ring_of)


if __name__ == "__main__":
    main()
