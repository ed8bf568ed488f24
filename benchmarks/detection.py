"""Batch scoring throughput of the listing detector on the local engine (DuckDB + Arrow).

    .venv/bin/python benchmarks/detection.py                      # scale-0.3 world, trained here
    .venv/bin/python benchmarks/detection.py --data-dir DIR       # a store with a promoted model
    .venv/bin/python benchmarks/detection.py --rows 200000 --repeat 3

Prints listings/s for feature assembly (1 and 2 processes) and for scoring the feature batch
(the pure scoring function: text model, LightGBM, calibration, rules, reasons) with 1 and 2
workers, and listings/s per core. Target (DESIGN.md): 20,000 listings/s/core for batch scoring.
Spark throughput and API latency are not measured here yet.
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from pathlib import Path

import pyarrow as pa

from guetteur.auth.actor import system_actor
from guetteur.config import Settings
from guetteur.db import make_engine, make_session_factory, transaction
from guetteur.demo.world import generate
from guetteur.detection import service
from guetteur.detection.cli import ensure_tables
from guetteur.detection.engine_local import build_features, score_table
from guetteur.detection.history import load_listings
from guetteur.interchange import service as interchange

FILES = ("brands", "products", "sellers", "listings", "verdicts", "notices")


def prepare(scale: float, root: Path) -> Settings:
    """Generate, import and train a world of `scale` under `root`."""
    generate(root / "world", scale=scale, seed=7)
    settings = Settings(environment="test", data_dir=root / "data", secret_key="bench")
    engine = make_engine(settings)
    ensure_tables(engine)
    sessions = make_session_factory(engine)
    actor = system_actor("benchmark")
    with transaction(sessions) as session:
        for name in FILES:
            path = root / "world" / f"{name}.jsonl"
            interchange.import_file(session, path=path, actor=actor, settings=settings)
    with transaction(sessions) as session:
        times = sorted(x.created_at for x in load_listings(session))
        service.train(
            session, actor=actor, models_dir=settings.models_dir, media_dir=settings.media_dir,
            cutoff=times[int(len(times) * 0.7)], with_ablation=False,
        )  # fmt: skip
    engine.dispose()
    return settings


def measure(settings: Settings, rows: int, repeat: int) -> None:
    engine = make_engine(settings)
    with make_session_factory(engine)() as session:
        model = service.current_model(session, models_dir=settings.models_dir)
        listings = load_listings(session)
        ctx = service.context_for(
            session, models_dir=settings.models_dir, media_dir=settings.media_dir
        )
    engine.dispose()
    for workers in (1, 2):
        started = time.perf_counter()
        features = build_features(listings, ctx, workers=workers, parallel_from=0)
        seconds = time.perf_counter() - started
        print(f"feature assembly, {workers} process(es): {len(listings)} listings in "
              f"{seconds:.2f} s = {len(listings) / seconds:,.0f} listings/s")  # fmt: skip
    batch = features.combine_chunks().to_batches()[0]
    copies = max(1, rows // max(batch.num_rows, 1))
    table = pa.Table.from_batches([batch] * copies)
    print(f"model {model.version if model else 'rules-only'}; scoring {table.num_rows} rows")
    for workers in (1, 2):
        best = min(_time(table, model, workers) for _ in range(repeat))
        rate = table.num_rows / best
        print(f"scoring, {workers} worker(s): {rate:,.0f} listings/s = "
              f"{rate / workers:,.0f} listings/s/core ({best:.2f} s)")  # fmt: skip


def _time(table: pa.Table, model: object, workers: int) -> float:
    started = time.perf_counter()
    score_table(table, model, workers=workers)  # type: ignore[arg-type]
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data-dir", type=Path, help="store with a promoted model (GUETTEUR_*)")
    parser.add_argument("--scale", type=float, default=0.3, help="world size when generating")
    parser.add_argument("--rows", type=int, default=100_000, help="rows to score")
    parser.add_argument("--repeat", type=int, default=2, help="best of N timings")
    args = parser.parse_args()
    print(f"cores available: {len(os.sched_getaffinity(0))}")
    if args.data_dir:
        settings = Settings(data_dir=args.data_dir)
        measure(settings, args.rows, args.repeat)
        return
    with tempfile.TemporaryDirectory() as folder:
        settings = prepare(args.scale, Path(folder))
        measure(settings, args.rows, args.repeat)


if __name__ == "__main__":
    main()
