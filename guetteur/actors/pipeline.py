"""A full linking run in memory: super-nodes, Splink training and prediction, graph, networks.

`service.link` feeds it from the store and writes the result back; the benchmarks feed it
synthetic records directly.
"""

from __future__ import annotations

import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyarrow as pa

from guetteur.actors import graph as graphs
from guetteur.actors import linkage
from guetteur.actors import networks as nets
from guetteur.actors.records import LinkRecord, to_arrow


@dataclass
class Options:
    """The knobs of a run."""

    engine: str = "duckdb"
    cap: int = graphs.DEFAULT_CAP
    threshold: float = linkage.DEFAULT_THRESHOLD
    max_network: int = graphs.DEFAULT_MAX_NETWORK
    super_node_control: bool = True
    retrain: bool = False
    train_pairs: float = 2e6
    train_em_records: int = 300_000
    seed: int = 42


@dataclass(frozen=True)
class Labels:
    """Analysts' word on links: pairs (`graph.pair_key` order) cut, and pairs confirmed."""

    cut: frozenset[tuple[str, str]] = frozenset()
    confirmed: tuple[graphs.Pair, ...] = ()


@dataclass
class RunResult:
    """What a run found, and how long each step took."""

    networks: list[nets.Network]
    super_nodes: list[graphs.SuperNode]
    records: list[LinkRecord]
    pairs: int
    exact_groups: int
    model_version: int | None
    weights: dict[str, Any]
    timings: dict[str, float] = field(default_factory=dict)


def identifier_weights(weights: dict[str, Any]) -> dict[str, float]:
    """The weight of an exact shared identifier: the model's exact-match weight where it has one."""
    out = dict(graphs.DEFAULT_IDENTIFIER_WEIGHTS)
    for comparison in weights["comparisons"]:
        if comparison["column"] in out:
            exact = comparison["levels"][0]
            out[comparison["column"]] = max(float(exact["weight"]), 1.0)
    return out


def _pairs(table: pa.Table, labels: Mapping[str, str]) -> list[graphs.Pair]:
    """Probable matches with their reasons (per-comparison weights, term frequency included)."""
    data = table.to_pydict()
    count = table.num_rows
    columns = {}
    for column in table.column_names:
        if column.startswith("mw_") and not column.startswith("mw_tf_adj_"):
            name = column[3:]
            extra = data.get(f"mw_tf_adj_{name}") or [0.0] * count
            columns[labels.get(name, name)] = (data[column], extra)
    found = []
    for i in range(count):
        parts = [
            (weight, label)
            for label, (base, extra) in columns.items()
            if (weight := (base[i] or 0.0) + (extra[i] or 0.0)) > 0
        ]
        reasons = ", ".join(f"{label} ({w:+.1f})" for w, label in sorted(parts, reverse=True))
        found.append(
            graphs.Pair(
                data["unique_id_l"][i],
                data["unique_id_r"][i],
                data["match_weight"][i],
                data["match_probability"][i],
                reasons,
            )
        )
    return found


def _without_super_nodes(
    records: Sequence[LinkRecord],
    held: Mapping[tuple[str, str], graphs.Holding],
    super_nodes: Sequence[graphs.SuperNode],
) -> list[LinkRecord]:
    """The records with super-node values removed (only the holders of one are copied)."""
    excluded = graphs.excluded_values(super_nodes)
    touched = {
        m
        for node in super_nodes
        for m in (held[(node.kind, node.value)].members if (node.kind, node.value) in held else ())
    }
    variants = {n.value for n in super_nodes if (n.kind, n.value) not in held}
    touched |= {r.unique_id for r in records if r.address_key in variants}
    return [r.without(excluded) if r.unique_id in touched else r for r in records]


def _model(
    clean: Sequence[LinkRecord],
    model: dict[str, Any] | None,
    options: Options,
    models_dir: Path | None,
) -> tuple[dict[str, Any], int | None]:
    if model is not None and not options.retrain:
        return model, None
    trained = linkage.train(
        to_arrow(clean),
        engine=options.engine,
        seed=options.seed,
        max_pairs=options.train_pairs,
        em_sample=min(1.0, options.train_em_records / max(len(clean), 1)),
    )
    if models_dir is None:
        return trained, None
    training = {"records": len(clean), "seed": options.seed, "max_pairs": options.train_pairs}
    artefact = linkage.save(models_dir, trained, engine=options.engine, training=training)
    return trained, artefact.version


def run(
    records: Sequence[LinkRecord],
    *,
    options: Options | None = None,
    model: dict[str, Any] | None = None,
    model_version: int | None = None,
    models_dir: Path | None = None,
    previous: Mapping[str, str] | None = None,
    labels: Labels | None = None,
) -> RunResult:
    """Link the records into networks (training a model first when none is given).

    `labels` are analysts' confirmed and cut links: a cut pair gets no edge, a confirmed one does.
    """
    options = options or Options()
    timings: dict[str, float] = {}
    clock = time.perf_counter()

    def lap(name: str) -> None:
        nonlocal clock
        now = time.perf_counter()
        timings[name] = round(now - clock, 3)
        clock = now

    held = graphs.holders(records)
    cap = options.cap if options.super_node_control else 10**12
    super_nodes = graphs.find_super_nodes(held, cap=cap)
    super_nodes += graphs.address_variants(records, super_nodes)
    clean = _without_super_nodes(records, held, super_nodes)
    lap("super_nodes")
    model, trained_version = _model(clean, model, options, models_dir)
    lap("train")
    weights = linkage.export_weights(model)
    table = linkage.predict(
        to_arrow(clean), model, engine=options.engine, threshold=options.threshold
    )
    lap("predict")
    names = {c.column: c.label for c in linkage.SPEC}
    graph = graphs.Graph(
        ids=[r.unique_id for r in clean],
        groups=graphs.exact_groups(held, cap=cap, excluded=graphs.excluded_values(super_nodes)),
        pairs=_pairs(table, names),
        cut=labels.cut if labels else frozenset(),
        confirmed=list(labels.confirmed) if labels else [],
    )
    id_weights = identifier_weights(weights)
    components = graphs.networks(
        graph,
        weights=id_weights,
        max_size=options.max_network,
        seed=options.seed,
        entity_of={r.unique_id: r.entity_key() for r in clean},
    )
    lap("graph")
    by_id = {r.unique_id: r for r in clean}
    found = nets.build(components, graph, by_id, weights=id_weights, previous=previous)
    lap("networks")
    return RunResult(
        networks=found,
        super_nodes=super_nodes,
        records=clean,
        pairs=table.num_rows,
        exact_groups=len(graph.groups),
        model_version=trained_version or model_version,
        weights=weights,
        timings=timings,
    )
