"""`guetteur target` end to end on a small generated world, on a fresh store."""

from __future__ import annotations

import json
import math
from collections import Counter
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from guetteur.auth.actor import system_actor
from guetteur.config import Settings
from guetteur.customs import cli
from guetteur.db import make_engine, make_session_factory, transaction
from guetteur.demo.world import generate
from guetteur.interchange import service as interchange


@pytest.fixture(scope="module")
def small_world(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("world")
    generate(folder, scale=0.05, seed=11)
    return folder


def _app() -> typer.Typer:
    app = typer.Typer()
    cli.register(app)

    @app.command("version")
    def version() -> None:  # a second command keeps `target` a sub-command
        typer.echo("0")

    return app


def test_target_writes_valid_selections(
    small_world: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    data = tmp_path / "data"
    monkeypatch.setenv("GUETTEUR_DATA_DIR", str(data))
    monkeypatch.setenv("GUETTEUR_DATABASE_URL", f"sqlite:///{data / 'guetteur.db'}")
    settings = Settings()
    engine = make_engine(settings)
    cli.prepare_store(engine)
    with transaction(make_session_factory(engine)) as session:
        report = interchange.import_dir(
            session, directory=small_world, actor=system_actor("test"), settings=settings
        )
    engine.dispose()
    assert report.ok and {f.file for f in report.files} >= {"declarations.jsonl"}
    out = tmp_path / "selections.jsonl"
    since = "2025-10-01T00:00:00Z"
    runner = CliRunner()
    result = runner.invoke(
        _app(), ["target", "--since", since, "--capacity", "0.1", "--out", str(out)]
    )
    assert result.exit_code == 0, result.output
    rows = [json.loads(line) for line in out.read_text().splitlines()]
    lodged = {}
    for line in (small_world / "declarations.jsonl").read_text().splitlines():
        decl = json.loads(line)
        lodged[decl["id"]] = (decl["lodged_at"], decl["office"])
    assert {r["declaration_id"] for r in rows} == {i for i, (t, _) in lodged.items() if t >= since}
    assert [r["rank"] for r in rows] == list(range(1, len(rows) + 1))
    for row in rows:
        assert set(row) >= {
            "declaration_id",
            "score",
            "rank",
            "selected",
            "reasons",
            "model_version",
        }
        assert 0.0 <= row["score"] <= 1.0 and isinstance(row["selected"], bool)
        assert all(set(r) == {"code", "weight", "detail"} for r in row["reasons"])
    scores = [r["score"] for r in rows]
    assert scores == sorted(scores, reverse=True)
    flow = Counter(
        (lodged[r["declaration_id"]][1], lodged[r["declaration_id"]][0][:10]) for r in rows
    )
    picked = Counter(
        (lodged[r["declaration_id"]][1], lodged[r["declaration_id"]][0][:10])
        for r in rows
        if r["selected"]
    )
    offices = {office for office, _ in flow}
    for office in offices:
        total = sum(n for (o, _), n in flow.items() if o == office)
        chosen = sum(n for (o, _), n in picked.items() if o == office)
        assert chosen == math.floor(0.1 * total + 0.5)
    assert all(picked[key] <= n for key, n in flow.items())
    assert any(r["selected"] for r in rows) and any(r["reasons"] for r in rows if r["selected"])

    bad = runner.invoke(_app(), ["target", "--since", "2025-10-01", "--out", str(out)])
    assert bad.exit_code != 0
