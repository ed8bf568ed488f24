"""The local and Spark engines give identical decisions on the same 10,000 listings."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pytest
from typer.testing import CliRunner

from guetteur.detection import engine_local, service
from guetteur.detection.features import FEATURES
from guetteur.detection.history import load_listings
from guetteur.detection.model import DetectorModel
from tests.detection.conftest import World, cli

pytestmark = [pytest.mark.spark, pytest.mark.xdist_group("spark")]
ROWS = 10_000
# Perturbed per copy so that the 10,000 rows are not the world's rows over and over.
JITTERED = ("price_ratio", "log_price_eur", "seller_account_age_days", "img_any_distance")


def _features(world: World) -> tuple[pa.Table, DetectorModel | None]:
    settings = world.settings
    with world.sessions() as session:
        model = service.current_model(session, models_dir=settings.models_dir)
        listings = load_listings(session)
        ctx = service.context_for(
            session, models_dir=settings.models_dir, media_dir=settings.media_dir
        )
    return engine_local.build_features(listings, ctx, workers=1), model


def _copy(base: pa.Table, k: int, rng: np.random.Generator) -> pa.Table:
    if k == 0:
        return base
    out = base.set_column(
        0, "listing_id", pa.array([f"{x}-c{k}" for x in base.column("listing_id").to_pylist()])
    )
    stamps = base.column("created_at").to_pylist()
    at = out.schema.get_field_index("created_at")
    shifted = [t + timedelta(seconds=k) for t in stamps]
    out = out.set_column(at, "created_at", pa.array(shifted, base.schema.field(at).type))
    for name in JITTERED:
        i = out.schema.get_field_index(name)
        values = out.column(name).to_numpy(zero_copy_only=False)
        out = out.set_column(i, name, pa.array(values * rng.uniform(0.7, 1.3, len(values))))
    return out


def ten_thousand(base: pa.Table) -> pa.Table:
    """The world's feature rows, copied with new ids, times and jittered features, to ROWS."""
    rng = np.random.default_rng(5)
    copies = [_copy(base, k, rng) for k in range(-(-ROWS // base.num_rows))]
    return pa.concat_tables(copies).slice(0, ROWS).combine_chunks()


@pytest.fixture(scope="module")
def world_features(trained: World) -> tuple[pa.Table, DetectorModel | None]:
    """The trained world's feature table (built once) and its current model."""
    return _features(trained)


@pytest.fixture(scope="module")
def scored(
    world_features: tuple[pa.Table, DetectorModel | None], spark: Any
) -> tuple[pa.Table, pa.Table]:
    from guetteur.detection import engine_spark

    base, model = world_features
    assert model is not None
    features = ten_thousand(base)
    assert features.num_rows == ROWS and set(FEATURES) <= set(features.column_names)
    local = engine_local.score_table(features, model, workers=2)
    remote = engine_spark.score_table(features, model, spark=spark)
    return local, remote


def test_local_and_spark_engines_give_identical_decisions(
    scored: tuple[pa.Table, pa.Table],
) -> None:
    local, remote = scored
    assert remote.schema == local.schema and remote.num_rows == local.num_rows == ROWS
    assert remote.column("listing_id").to_pylist() == local.column("listing_id").to_pylist()
    gap = np.abs(remote.column("score").to_numpy() - local.column("score").to_numpy())
    assert float(gap.max()) <= 1e-12
    for name in ("decision", "reasons", "model_version"):
        assert remote.column(name).to_pylist() == local.column(name).to_pylist(), name
    decisions = set(local.column("decision").to_pylist())
    assert decisions >= {"allow", "hold"}, decisions  # the comparison covers more than allow
    assert any(json.loads(r) for r in local.column("reasons").to_pylist())


def test_spark_engine_scores_from_a_time_in_created_at_order(
    trained: World, world_features: tuple[pa.Table, DetectorModel | None], spark: Any
) -> None:
    from guetteur.detection import engine_spark

    base, model = world_features
    local = engine_local.score_table(base, model, since=trained.cutoff)
    remote = engine_spark.score_table(base, model, since=trained.cutoff, spark=spark)
    assert remote.to_pylist() == local.to_pylist()
    assert engine_spark.score_table(base, None, spark=spark).to_pylist() == (
        engine_local.score_table(base, None).to_pylist()
    )


def test_scan_with_the_spark_engine_writes_the_same_decisions(
    trained: World, spark: Any, tmp_path: Path
) -> None:
    since = trained.cutoff.isoformat().replace("+00:00", "Z")
    written = {}
    for engine in ("local", "spark"):
        out = tmp_path / f"{engine}.jsonl"
        args = ["scan", "--since", since, "--engine", engine, "--out", str(out)]
        result = CliRunner().invoke(cli(), args, env=trained.env)
        assert result.exit_code == 0, result.output
        written[engine] = out.read_text(encoding="utf-8")
    assert written["local"] and written["spark"] == written["local"]
