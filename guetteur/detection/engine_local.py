"""The local batch engine: features on every core, DuckDB orders and filters, both cores score.

`build_features` assembles feature batches in worker processes (forked, so they share the loaded
registry and fact store); DuckDB streams the feature table in `created_at` order as Arrow record
batches; a thread pool runs the pure scoring function on them (LightGBM and NumPy release the
GIL), and the results come back in the same order. The engine only moves batches: features and
decisions are those of `features.build_batch` and `scoring.score_batch`.
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
from datetime import datetime

import duckdb
import pyarrow as pa

from guetteur.detection.features import SCHEMA, FeatureContext, build_batch
from guetteur.detection.history import ListingFacts
from guetteur.detection.model import DetectorModel
from guetteur.detection.scoring import OUTPUT_SCHEMA, score_batch

BATCH_ROWS = 4096
PARALLEL_FROM = 2000
_CONTEXT: FeatureContext | None = None


def default_workers() -> int:
    """One worker per available core."""
    return max(len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else 1, 1)


def ordered_batches(
    features: pa.Table, *, since: datetime | None = None, batch_rows: int = BATCH_ROWS
) -> list[pa.RecordBatch]:
    """The feature rows created at or after `since`, in `created_at` order, as record batches."""
    connection = duckdb.connect()
    try:
        connection.register("features", features)
        query = "SELECT * FROM features"
        params: list[object] = []
        if since is not None:
            query += " WHERE created_at >= ?"
            params.append(since)
        query += " ORDER BY created_at, listing_id"
        reader = connection.sql(query, params=params).to_arrow_reader(batch_rows)
        return list(reader or [])
    finally:
        connection.close()


def score_table(
    features: pa.Table,
    model: DetectorModel | None,
    *,
    since: datetime | None = None,
    workers: int | None = None,
    batch_rows: int = BATCH_ROWS,
) -> pa.Table:
    """Decisions for every listing of the feature table, in `created_at` order."""
    batches = ordered_batches(features, since=since, batch_rows=batch_rows)
    with ThreadPoolExecutor(max_workers=workers or default_workers()) as pool:
        scored = list(pool.map(lambda batch: score_batch(batch, model), batches))
    return pa.Table.from_batches(scored, schema=OUTPUT_SCHEMA)


def _build(listings: Sequence[ListingFacts]) -> pa.RecordBatch:
    assert _CONTEXT is not None, "worker started without a feature context"
    return build_batch(listings, _CONTEXT)


def build_features(
    listings: Sequence[ListingFacts],
    ctx: FeatureContext,
    *,
    workers: int | None = None,
    parallel_from: int = PARALLEL_FROM,
) -> pa.Table:
    """The feature table of these listings (same rows and order as `build_batch`), on all cores.

    Pictures are hashed first in this process (and cached), so workers only read the hashes."""
    global _CONTEXT
    workers = workers or default_workers()
    if workers < 2 or len(listings) < parallel_from or "fork" not in _start_methods():
        return pa.Table.from_batches([build_batch(listings, ctx)], schema=SCHEMA)
    for listing in listings:
        for sha in listing.image_shas:
            if sha:
                ctx.hasher.key(sha)
    ctx.hasher.save()
    size = -(-len(listings) // (workers * 4))
    chunks = [listings[i : i + size] for i in range(0, len(listings), size)]
    _CONTEXT = ctx
    try:
        forked = multiprocessing.get_context("fork")
        with ProcessPoolExecutor(max_workers=workers, mp_context=forked) as pool:
            batches = list(pool.map(_build, chunks))
    finally:
        _CONTEXT = None
    return pa.Table.from_batches(batches, schema=SCHEMA)


def _start_methods() -> list[str]:
    return multiprocessing.get_all_start_methods()
