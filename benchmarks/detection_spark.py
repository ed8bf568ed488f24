"""Batch scoring throughput of the listing detector on the Spark engine (local mode, mapInArrow).

    .venv/bin/python benchmarks/detection_spark.py                  # scale-0.3 world, trained here
    .venv/bin/python benchmarks/detection_spark.py --data-dir DIR   # a store with a promoted model
    .venv/bin/python benchmarks/detection_spark.py --rows 200000 --repeat 3

Builds the feature table once, copies it up to `--rows`, and scores it with the local engine
(2 workers) and with the Spark engine (`local[cores]`, the same pure scoring function in
`mapInArrow`); prints the session start time, listings/s and listings/s per core, and whether
the Spark decisions are identical to the local engine's. `measure_spark` is what
`benchmarks/detection.py` can call on its own scored table.
"""

from __future__ import annotations

import argparse
import importlib.util
import tempfile
import time
from pathlib import Path

import pyarrow as pa

from guetteur import migrate
from guetteur.auth.actor import system_actor
from guetteur.config import Settings
from guetteur.db import make_engine, make_session_factory, transaction
from guetteur.demo.world import generate
from guetteur.detection import service
from guetteur.detection.engine_local import build_features, score_table
from guetteur.detection.history import load_listings
from guetteur.detection.model import DetectorModel
from guetteur.interchange import service as interchange

FILES = ("brands", "products", "sellers", "listings", "verdicts", "notices")


def prepare(scale: float, root: Path) -> Settings:
    """Generate, import and train a world of `scale` under `root`."""
    generate(root / "world", scale=scale, seed=7)
    settings = Settings(environment="test", data_dir=root / "data", secret_key="bench")
    engine = make_engine(settings)
    migrate.ensure_schema(engine)
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


def feature_rows(settings: Settings, rows: int) -> tuple[pa.Table, DetectorModel | None]:
    """The store's feature table copied up to `rows` rows, and the current model."""
    engine = make_engine(settings)
    with make_session_factory(engine)() as session:
        model = service.current_model(session, models_dir=settings.models_dir)
        listings = load_listings(session)
        ctx = service.context_for(
            session, models_dir=settings.models_dir, media_dir=settings.media_dir
        )
    engine.dispose()
    batch = build_features(listings, ctx).combine_chunks().to_batches()[0]
    copies = max(1, rows // max(batch.num_rows, 1))
    return pa.Table.from_batches([batch] * copies), model


def measure_spark(table: pa.Table, model: DetectorModel | None, repeat: int) -> None:
    """Spark engine throughput on these rows (session start timed apart), and identity."""
    from guetteur.detection import engine_spark
    from guetteur.spark import java_available, local_cores, spark_session

    if importlib.util.find_spec("pyspark") is None or not java_available():
        print("spark: skipped (PySpark or Java missing)")
        return
    started = time.perf_counter()
    spark = spark_session("guetteur-benchmark")
    cores = local_cores()
    print(f"spark: local[{cores}] session started in {time.perf_counter() - started:.1f} s")
    timings = []
    decisions = None
    for _ in range(repeat + 1):  # the first run also starts the Python workers
        started = time.perf_counter()
        decisions = engine_spark.score_table(table, model, spark=spark)
        timings.append(time.perf_counter() - started)
    best = min(timings[1:] or timings)
    rate = table.num_rows / best
    per_core = rate / cores
    print(f"spark scoring, {table.num_rows} rows (first run {timings[0]:.2f} s): "
          f"{rate:,.0f} listings/s = {per_core:,.0f} listings/s/core ({best:.2f} s)")  # fmt: skip
    started = time.perf_counter()
    local = score_table(table, model, workers=cores)
    seconds = time.perf_counter() - started
    local_rate = table.num_rows / seconds
    print(f"local scoring, {cores} workers: {local_rate:,.0f} listings/s ({seconds:.2f} s)")
    print(f"spark decisions identical to the local engine's: {decisions == local}")
    spark.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data-dir", type=Path, help="store with a promoted model (GUETTEUR_*)")
    parser.add_argument("--scale", type=float, default=0.3, help="world size when generating")
    parser.add_argument("--rows", type=int, default=100_000, help="rows to score")
    parser.add_argument("--repeat", type=int, default=2, help="best of N timings")
    args = parser.parse_args()
    if args.data_dir:
        table, model = feature_rows(Settings(data_dir=args.data_dir), args.rows)
        measure_spark(table, model, args.repeat)
        return
    with tempfile.TemporaryDirectory() as folder:
        table, model = feature_rows(prepare(args.scale, Path(folder)), args.rows)
        print(f"model {model.version if model else 'rules-only'}; {table.num_rows} rows")
        measure_spark(table, model, args.repeat)


if __name__ == "__main__":
    main()
