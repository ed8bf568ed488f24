"""Splink on Spark, with the same settings and model as on DuckDB, finds the same networks."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from guetteur.actors import linkage, pipeline
from guetteur.actors.records import LinkRecord, to_arrow

pytestmark = [pytest.mark.spark, pytest.mark.xdist_group("spark")]


def test_spark_and_duckdb_give_the_same_pairs_and_networks(
    trained: Path, world_records: list[LinkRecord], spark: Any
) -> None:
    artefact = linkage.load(trained)
    assert artefact is not None and artefact.model["sql_dialect"] == "duckdb"
    table = to_arrow(world_records)
    local = linkage.predict(table, artefact.model, threshold=0.0).to_pylist()
    remote = linkage.predict(table, artefact.model, engine="spark", threshold=0.0).to_pylist()
    by_pair = {(r["unique_id_l"], r["unique_id_r"]): r for r in remote}
    assert len(local) > 500 and {(r["unique_id_l"], r["unique_id_r"]) for r in local} == set(
        by_pair
    )
    for row in local:
        other = by_pair[(row["unique_id_l"], row["unique_id_r"])]
        assert other["match_probability"] == pytest.approx(row["match_probability"], abs=1e-12)
        assert other["match_weight"] == pytest.approx(row["match_weight"], abs=1e-9)
    runs = [
        pipeline.run(world_records, options=pipeline.Options(engine=engine), model=artefact.model)
        for engine in ("duckdb", "spark")
    ]
    networks = [
        {n.network_id: sorted(m.member_id for m in n.members) for n in run.networks} for run in runs
    ]
    assert networks[0] and networks[0] == networks[1]
    assert runs[0].pairs == runs[1].pairs


def test_a_model_moves_between_dialects_unchanged(trained: Path) -> None:
    artefact = linkage.load(trained)
    assert artefact is not None
    spark_model = linkage.for_dialect(artefact.model, "spark")
    assert "jaro_winkler(`name_l`" in str(spark_model["comparisons"])
    back = linkage.for_dialect(spark_model, "duckdb")
    assert back["comparisons"] == artefact.model["comparisons"]
    rules = [r["blocking_rule"] for r in back["blocking_rules_to_generate_predictions"]]
    assert rules == [
        r["blocking_rule"] for r in artefact.model["blocking_rules_to_generate_predictions"]
    ]
