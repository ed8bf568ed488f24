"""Without PySpark, `--engine spark` fails with one clear line (PySpark hidden, not uninstalled)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from guetteur import spark
from guetteur.actors import linkage
from guetteur.errors import GuetteurError, InvalidInput
from tests.detection.conftest import cli

HIDE_PYSPARK = "import sys; sys.modules['pyspark'] = None; "


@pytest.fixture
def no_pyspark(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "pyspark", None)


@pytest.mark.usefixtures("no_pyspark")
def test_spark_engines_need_pyspark() -> None:
    with pytest.raises(GuetteurError, match="needs PySpark"):
        spark.spark_session("test")
    with pytest.raises(GuetteurError, match="needs PySpark"):
        linkage.db_api("spark")


@pytest.mark.usefixtures("no_pyspark")
def test_scan_refuses_spark_without_pyspark_before_any_work(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    runner = CliRunner()
    out = str(tmp_path / "d.jsonl")
    missing = runner.invoke(cli(), ["scan", "--engine", "spark", "--out", out])
    assert isinstance(missing.exception, GuetteurError)
    assert missing.exception.detail == spark.MISSING
    unknown = runner.invoke(cli(), ["scan", "--engine", "hadoop", "--out", out])
    assert isinstance(unknown.exception, InvalidInput)
    assert not (tmp_path / "guetteur-data").exists()


@pytest.mark.parametrize("command", [["scan", "--out", "x.jsonl"], ["link"]])
def test_the_command_prints_one_line(command: list[str], tmp_path: Path) -> None:
    code = HIDE_PYSPARK + f"sys.argv = {['guetteur', *command, '--engine', 'spark']!r}; "
    code += "from guetteur.cli import main; main()"
    env = {"GUETTEUR_DATA_DIR": str(tmp_path / "data"), "PATH": "/usr/bin:/bin"}
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=tmp_path, env=env,
        timeout=120, check=False,
    )  # fmt: skip
    assert done.returncode == 1
    assert done.stderr.strip().splitlines() == [f"error: {spark.MISSING}"]
