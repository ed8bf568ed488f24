from __future__ import annotations

import json

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from guetteur.detection import service
from guetteur.detection.engine_local import build_features, score_table
from guetteur.detection.features import FEATURES, build_batch
from guetteur.detection.history import load_listings
from guetteur.detection.scoring import score_batch
from tests.detection.conftest import World


def features_of(world: World) -> tuple[pa.RecordBatch, object]:
    settings = world.settings
    with world.sessions() as session:
        model = service.current_model(session, models_dir=settings.models_dir)
        ctx = service.context_for(
            session, models_dir=settings.models_dir, media_dir=settings.media_dir
        )
        batch = build_batch(load_listings(session), ctx)
    return batch, model


def test_scoring_is_deterministic_and_engine_independent(trained: World) -> None:
    batch, model = features_of(trained)
    assert model is not None
    assert set(FEATURES) <= set(batch.schema.names)
    first = score_batch(batch, model)  # type: ignore[arg-type]
    assert first.equals(score_batch(batch, model))  # type: ignore[arg-type]
    table = pa.Table.from_batches([batch])
    one = score_table(table, model, workers=1, batch_rows=100_000)  # type: ignore[arg-type]
    two = score_table(table, model, workers=2, batch_rows=97)  # type: ignore[arg-type]
    assert one.equals(two)
    by_id = dict(zip(first.column("listing_id").to_pylist(), first.to_pylist(), strict=True))
    for row in two.to_pylist():
        assert row == by_id[row["listing_id"]]
    scores = first.column("score")
    assert pc.min(scores).as_py() >= 0 and pc.max(scores).as_py() <= 1
    assert set(first.column("decision").to_pylist()) <= {"allow", "hold", "block"}


def test_parallel_feature_assembly_equals_sequential(trained: World) -> None:
    settings = trained.settings
    with trained.sessions() as session:
        listings = load_listings(session)
        ctx = service.context_for(
            session, models_dir=settings.models_dir, media_dir=settings.media_dir
        )
    sequential = pa.Table.from_batches([build_batch(listings, ctx)])
    parallel = build_features(listings, ctx, workers=2, parallel_from=0)
    assert parallel.num_rows == sequential.num_rows and parallel.schema == sequential.schema
    for name in sequential.schema.names:
        left = parallel.column(name).to_numpy()
        right = sequential.column(name).to_numpy()
        if left.dtype.kind == "f":
            assert np.array_equal(left, right, equal_nan=True), name
        else:
            assert (left == right).all(), name


def test_reasons_name_codes_weights_and_details(trained: World) -> None:
    batch, model = features_of(trained)
    scored = score_batch(batch, model)  # type: ignore[arg-type]
    blocked = [r for r in scored.to_pylist() if r["decision"] == "block"]
    assert blocked
    for row in blocked:
        reasons = json.loads(row["reasons"])
        assert reasons, row
        for reason in reasons:
            assert set(reason) == {"code", "weight", "detail"}
            assert reason["detail"] and isinstance(reason["weight"], float)


def test_rules_decide_without_a_model(trained: World) -> None:
    batch, _ = features_of(trained)
    scored = score_batch(batch, None)
    assert set(scored.column("model_version").to_pylist()) == {"rules-only"}
    for row in scored.to_pylist():
        codes = [r["code"] for r in json.loads(row["reasons"])]
        assert (row["decision"] != "allow") == bool(codes)
