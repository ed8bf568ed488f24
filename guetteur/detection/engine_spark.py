"""The Spark batch engine: the same pure scoring function, run by `mapInArrow` on every partition.

Features are a Spark DataFrame (from the local feature table, or read at scale from Parquet);
Spark orders them by `created_at`, hands each partition's Arrow record batches to
`scoring.score_batch` in a Python worker and collects the decisions, in order, with the same
columns as the local engine. The model artefact travels as its files' bytes in a broadcast
variable and is loaded once per worker process (plain files, never pickles). The engine only
moves batches: its decisions are those of `score_batch`, identical to the local engine's.

PySpark is optional: it is imported inside the functions, never at module import.
"""

from __future__ import annotations

import hashlib
import tempfile
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

import pyarrow as pa

from guetteur.detection.model import DetectorModel
from guetteur.detection.scoring import OUTPUT_SCHEMA, score_batch

if TYPE_CHECKING:
    from pyspark.sql import DataFrame, SparkSession

Artefact = dict[str, bytes] | None
_LOADED: dict[str, DetectorModel] = {}


def pack(model: DetectorModel | None) -> Artefact:
    """The model as the bytes of its saved files (None for rules-only scoring)."""
    if model is None:
        return None
    with tempfile.TemporaryDirectory(prefix="guetteur-model-") as folder:
        model.save(Path(folder))
        return {p.name: p.read_bytes() for p in sorted(Path(folder).iterdir())}


def unpack(artefact: Artefact) -> DetectorModel | None:
    """The model of packed files, loaded once per process (keyed by the files' digest)."""
    if artefact is None:
        return None
    digest = hashlib.sha256()
    for name, content in sorted(artefact.items()):
        digest.update(name.encode() + b"\0" + content)
    key = digest.hexdigest()
    if key not in _LOADED:
        with tempfile.TemporaryDirectory(prefix="guetteur-model-") as folder:
            for name, content in artefact.items():
                (Path(folder) / name).write_bytes(content)
            _LOADED[key] = DetectorModel.load(Path(folder))
    return _LOADED[key]


def output_schema() -> object:
    """The decisions' Spark schema (the local engine's `OUTPUT_SCHEMA`)."""
    from pyspark.sql.types import DoubleType, StringType, StructField, StructType

    kinds = {pa.string(): StringType(), pa.float64(): DoubleType()}
    return StructType([StructField(f.name, kinds[f.type], True) for f in OUTPUT_SCHEMA])


def score_frame(frame: DataFrame, model: DetectorModel | None) -> DataFrame:
    """Decisions for every row of a feature DataFrame, in its order (lazy)."""
    spark = frame.sparkSession
    shared = spark.sparkContext.broadcast(pack(model))

    def score(batches: Iterator[pa.RecordBatch]) -> Iterator[pa.RecordBatch]:
        loaded = unpack(shared.value)
        for batch in batches:
            if batch.num_rows:
                yield score_batch(batch, loaded)

    return frame.mapInArrow(score, output_schema())  # type: ignore[arg-type]


def to_frame(
    spark: SparkSession, features: pa.Table, *, since: datetime | None = None
) -> DataFrame:
    """The feature table as a DataFrame: rows created at or after `since`, in `created_at`
    order, spread over the session's default parallelism."""
    from pyspark.sql import functions as F

    frame = spark.createDataFrame(features)
    if since is not None:
        frame = frame.where(F.col("created_at") >= F.lit(since))
    partitions = spark.sparkContext.defaultParallelism
    return frame.repartitionByRange(partitions, "created_at", "listing_id").sortWithinPartitions(
        "created_at", "listing_id"
    )


def score_table(
    features: pa.Table,
    model: DetectorModel | None,
    *,
    since: datetime | None = None,
    spark: SparkSession | None = None,
) -> pa.Table:
    """Decisions for every listing of the feature table, in `created_at` order (the local
    engine's `score_table`, run by Spark)."""
    from guetteur.spark import spark_session

    session = spark or spark_session("guetteur-scan")
    decisions = score_frame(to_frame(session, features, since=since), model).toArrow()
    return decisions.cast(OUTPUT_SCHEMA)
