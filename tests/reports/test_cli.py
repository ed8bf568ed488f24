"""`guetteur report --from --to [--brand] --out FILE.pdf|.html` as FORMATS.md's contract says."""

from __future__ import annotations

from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from guetteur.errors import InvalidInput
from guetteur.reports import cli
from tests.conftest import Store, TenantWorld


def _app() -> typer.Typer:
    app = typer.Typer()
    cli.register(app)

    @app.command("version")
    def version() -> None:  # a second command keeps `report` a sub-command
        typer.echo("0")

    return app


def test_report_command_writes_pdf_and_html(
    store: Store, tenants: TenantWorld, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("GUETTEUR_DATABASE_URL", store.settings.database_url)
    monkeypatch.setenv("GUETTEUR_DATA_DIR", str(store.settings.data_dir))
    runner = CliRunner()
    for name in ("report.pdf", "report.html"):
        out = tmp_path / name
        args = ["report", "--from", "2025-03-01", "--to", "2025-03-31", "--out", str(out)]
        result = runner.invoke(_app(), [*args, "--brand", tenants.brand_a.id])
        assert result.exit_code == 0, result.output
        assert out.stat().st_size > 1000
    assert (tmp_path / "report.pdf").read_bytes().startswith(b"%PDF")
    assert "brand Acme Sneakers" in (tmp_path / "report.html").read_text()
    bad = runner.invoke(_app(), ["report", "--from", "2025-03-01", "--to", "x", "--out", "r.pdf"])
    assert isinstance(bad.exception, InvalidInput)
    odd = runner.invoke(
        _app(), ["report", "--from", "2025-03-01", "--to", "2025-03-02", "--out", "r.docx"]
    )
    assert isinstance(odd.exception, InvalidInput)
