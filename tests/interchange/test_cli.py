"""`guetteur import DIR`: a summary per file, one line per bad line, non-zero exit, no traceback."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from guetteur.cli import _register_commands, app
from tests.interchange.conftest import SELLERS, write_jsonl


@pytest.fixture
def cli_env(data_dir: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An embedded store with every table, chosen through GUETTEUR_* like a user would."""
    monkeypatch.setenv("GUETTEUR_DATA_DIR", str(data_dir))
    monkeypatch.setenv("GUETTEUR_ENVIRONMENT", "test")
    monkeypatch.delenv("GUETTEUR_DATABASE_URL", raising=False)
    if not any(c.name == "import" for c in app.registered_commands):
        _register_commands()
    return data_dir


def test_import_prints_a_summary_and_succeeds(cli_env: Path, world: Path) -> None:
    result = CliRunner().invoke(app, ["import", str(world)])
    assert result.exit_code == 0, result.output
    assert "listings.jsonl.gz" in result.stdout and "applied" in result.stdout
    again = CliRunner().invoke(app, ["import", str(world)])
    assert again.exit_code == 0 and "applied" not in again.stdout


def test_bad_lines_are_one_line_each_and_the_exit_is_non_zero(cli_env: Path, world: Path) -> None:
    write_jsonl(world / "sellers.jsonl", [SELLERS[0], {**SELLERS[1], "country": "fr"}, "{nope"])
    result = CliRunner().invoke(app, ["import", str(world)])
    assert result.exit_code == 1
    assert "sellers.jsonl:2: country: 'fr' is not an ISO 3166-1 alpha-2" in result.stderr
    assert "sellers.jsonl:3: (line): not valid JSON" in result.stderr
    assert "rejected, nothing of them applied: sellers.jsonl" in result.stderr
    assert "Traceback" not in result.output
    assert isinstance(result.exception, SystemExit)


def test_a_missing_folder_is_one_line(cli_env: Path, tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["import", str(tmp_path / "nowhere")])
    assert result.exit_code == 1
    assert result.stderr.strip().endswith("is not a folder")
    empty = tmp_path / "empty"
    empty.mkdir()
    result = CliRunner().invoke(app, ["import", str(empty)])
    assert result.exit_code == 1 and "no interchange files" in result.stderr
