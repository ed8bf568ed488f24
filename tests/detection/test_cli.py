from __future__ import annotations

import json
from pathlib import Path

from sqlalchemy import select
from typer.testing import CliRunner

from guetteur.detection.models import DetectionModel
from guetteur.marketplace.models import Listing
from tests.detection.conftest import World, cli


def test_train_writes_a_versioned_artefact_and_promotes_it(trained: World) -> None:
    with trained.sessions() as session:
        rows = session.scalars(select(DetectionModel)).all()
    current = [r for r in rows if r.status == "current"]
    assert len(current) == 1
    folder = trained.settings.models_dir / "detection" / current[0].version
    metrics = json.loads((folder / "metrics.json").read_text(encoding="utf-8"))
    figures = metrics["evaluation"]
    for key in ("proactive_rate", "recall_at_block", "precision_at_block", "false_block_rate",
                "pr_auc"):  # fmt: skip
        assert key in figures
    assert metrics["promoted"] is True
    assert {"model.txt", "text.npz", "meta.json"} <= {p.name for p in folder.iterdir()}


def test_scan_writes_decisions_in_created_at_order(trained: World, tmp_path: Path) -> None:
    since = trained.cutoff.isoformat().replace("+00:00", "Z")
    out = tmp_path / "decisions.jsonl"
    result = CliRunner().invoke(cli(), ["scan", "--since", since, "--out", str(out)],
                                env=trained.env)  # fmt: skip
    assert result.exit_code == 0, result.output
    rows = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    with trained.sessions() as session:
        expected = session.scalars(
            select(Listing.id)
            .where(Listing.created_at >= trained.cutoff)
            .order_by(Listing.created_at, Listing.id)
        ).all()
    assert [r["listing_id"] for r in rows] == list(expected)
    for row in rows:
        assert set(row) == {"listing_id", "score", "decision", "reasons", "model_version"}
        assert 0.0 <= row["score"] <= 1.0
        assert row["decision"] in {"allow", "hold", "block"}
        assert all(set(r) == {"code", "weight", "detail"} for r in row["reasons"])
    assert len({r["model_version"] for r in rows}) == 1


def test_bad_times_and_too_few_verdicts_are_clear_errors(trained: World, tmp_path: Path) -> None:
    runner = CliRunner()
    bad = runner.invoke(cli(), ["scan", "--since", "yesterday", "--out", str(tmp_path / "x")],
                        env=trained.env)  # fmt: skip
    assert bad.exit_code != 0 and "ISO 8601" in str(bad.exception)
    early = runner.invoke(cli(), ["train", "--cutoff", "2000-01-01T00:00:00Z", "--no-ablation"],
                          env=trained.env)  # fmt: skip
    assert early.exit_code != 0 and "not enough verdicts" in str(early.exception)


def test_retraining_on_the_same_window_is_not_worse_and_retires_the_old(trained: World) -> None:
    cutoff = trained.cutoff.isoformat().replace("+00:00", "Z")
    result = CliRunner().invoke(
        cli(), ["train", "--cutoff", cutoff, "--no-ablation"], env=trained.env
    )
    assert result.exit_code == 0, result.output
    assert " promoted;" in result.output
    with trained.sessions() as session:
        statuses = sorted(r.status for r in session.scalars(select(DetectionModel)))
    assert statuses.count("current") == 1 and "retired" in statuses


def test_train_without_cutoff_uses_every_verdict(trained: World) -> None:
    result = CliRunner().invoke(cli(), ["train", "--no-ablation"], env=trained.env)
    assert result.exit_code == 0, result.output
    assert "evaluated on 0 listings" in result.output
