"""Splink linkage: training, versioned artefacts, and the fast scorer giving Splink's weights."""

from __future__ import annotations

import shutil
import sys
import xml.etree.ElementTree as ET
from itertools import combinations
from pathlib import Path

import pytest

from guetteur.actors import linkage, pipeline, scorer, synthetic
from guetteur.actors.records import LinkRecord, to_arrow
from guetteur.errors import GuetteurError


def test_artefact_is_versioned_with_parameters_and_chart(trained: Path, tmp_path: Path) -> None:
    models = tmp_path / "models"
    shutil.copytree(trained, models)
    first = linkage.load(models)
    assert first is not None and first.version == 1
    content = first.content
    assert content["format"] == linkage.ARTEFACT_FORMAT
    assert content["splink_version"] == "5.0.0"
    names = [c["output_column_name"] for c in content["splink_model"]["comparisons"]]
    assert names == [c.column for c in linkage.SPEC]
    assert all(
        "m_probability" in level and "u_probability" in level
        for comparison in content["splink_model"]["comparisons"]
        for level in comparison["comparison_levels"]
        if not level.get("is_null_level") and comparison["output_column_name"] == "bank"
    )
    svg = ET.fromstring(first.chart_path.read_text(encoding="utf-8"))
    assert svg.tag.endswith("svg")
    second = linkage.save(models, first.model, engine="duckdb", training={})
    assert second.version == 2 and linkage.load(models).version == 2  # type: ignore[union-attr]
    assert linkage.load(models, 1).version == 1  # type: ignore[union-attr]


def test_scorer_gives_splink_weights_on_every_blocked_pair(
    trained: Path, world_records: list[LinkRecord]
) -> None:
    artefact = linkage.load(trained)
    assert artefact is not None
    records = world_records[:600]
    pairs = linkage.predict(to_arrow(records), artefact.model, threshold=0.0).to_pylist()
    by_id = {r.unique_id: r for r in records}
    tf_columns = tuple(c.column for c in linkage.SPEC if c.term_frequency)
    index = scorer.MemoryIndex(records, linkage.BLOCKING_KEYS, tf_columns)
    fast = scorer.Scorer(artefact.weights)
    assert len(pairs) > 100
    for row in pairs:
        match = fast.compare(by_id[row["unique_id_l"]], by_id[row["unique_id_r"]], index)
        assert match.match_weight == pytest.approx(row["match_weight"], abs=1e-9)
    blocked = {(r["unique_id_l"], r["unique_id_r"]) for r in pairs}
    mine = {tuple(sorted((r.unique_id, o.unique_id))) for r in records for o in index.candidates(r)}
    assert mine == blocked


def test_new_record_scored_as_a_full_run_including_it_would(
    trained: Path, world_records: list[LinkRecord]
) -> None:
    artefact = linkage.load(trained)
    assert artefact is not None
    existing, new = world_records[:-1], world_records[-1]
    tf_columns = tuple(c.column for c in linkage.SPEC if c.term_frequency)
    index = scorer.MemoryIndex(existing, linkage.BLOCKING_KEYS, tf_columns)
    fast = scorer.link_one(scorer.Scorer(artefact.weights), index, new, threshold=0.0)
    full = linkage.predict(to_arrow(world_records), artefact.model, threshold=0.0).to_pylist()
    expected = {
        (r["unique_id_l"] if r["unique_id_r"] == new.unique_id else r["unique_id_r"]): r[
            "match_weight"
        ]
        for r in full
        if new.unique_id in (r["unique_id_l"], r["unique_id_r"])
    }
    assert {m.other_id: pytest.approx(m.match_weight, abs=1e-9) for m in fast} == expected


def _f1(world: synthetic.World, result: pipeline.RunResult) -> tuple[float, float]:
    rings: dict[int, list[str]] = {}
    for seller, ring in world.ring_of.items():
        rings.setdefault(ring, []).append(seller)
    truth = {p for members in rings.values() for p in combinations(sorted(members), 2)}
    found = {
        p for n in result.networks for p in combinations(sorted(m.member_id for m in n.members), 2)
    }
    hits = len(truth & found)
    return hits / max(len(found), 1), hits / max(len(truth), 1)


def test_pipeline_recovers_rings_despite_super_nodes(
    trained: Path, world: synthetic.World, world_records: list[LinkRecord]
) -> None:
    artefact = linkage.load(trained)
    assert artefact is not None
    # at 1,200 accounts an emulator id is shared by ~30: a cap of 20 (rings hold at most 12)
    options = pipeline.Options(cap=20)
    result = pipeline.run(
        world_records, options=options, model=artefact.model, model_version=artefact.version
    )
    precision, recall = _f1(world, result)
    assert precision >= 0.97 and recall >= 0.95, (precision, recall)
    assert any(s.kind == "address_key" and s.degree > 50 for s in result.super_nodes)
    assert any(s.kind == "device" and s.value.startswith("emulator") for s in result.super_nodes)
    assert result.model_version == 1


def test_spark_engine_fails_with_one_clear_line(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "pyspark", None)  # as if PySpark were not installed
    with pytest.raises(GuetteurError) as caught:
        linkage.db_api("spark")
    assert "\n" not in caught.value.detail and "needs PySpark" in caught.value.detail
    with pytest.raises(GuetteurError):
        linkage.db_api("oracle")


def test_without_super_node_control_networks_glue(
    trained: Path, world: synthetic.World, world_records: list[LinkRecord]
) -> None:
    artefact = linkage.load(trained)
    assert artefact is not None
    options = pipeline.Options(super_node_control=False, max_network=10**6)
    result = pipeline.run(world_records, options=options, model=artefact.model)
    precision, _ = _f1(world, result)
    assert result.super_nodes == [] and precision < 0.5
