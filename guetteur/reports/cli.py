"""`guetteur report --from DATE --to DATE [--brand ID] --out FILE.pdf|.html`."""

from __future__ import annotations

import time
from datetime import date
from pathlib import Path

import typer
from rich.console import Console

from guetteur import migrate
from guetteur.auth.actor import system_actor
from guetteur.config import Settings
from guetteur.db import make_session_factory
from guetteur.errors import FieldError, InvalidInput

FORMATS = (".pdf", ".html")


def report_command(
    start: str = typer.Option(..., "--from", help="First day of the period (YYYY-MM-DD)."),
    end: str = typer.Option(..., "--to", help="Last day of the period, included (YYYY-MM-DD)."),
    brand: str | None = typer.Option(None, "--brand", help="One brand's figures only."),
    out: Path = typer.Option(..., "--out", help="FILE.pdf or FILE.html"),
) -> None:
    """Write the brand-protection report of a period (whole marketplace or one brand)."""
    from guetteur.reports import html, pdf, report

    suffix = out.suffix.lower()
    if suffix not in FORMATS:
        raise InvalidInput("unknown format", [FieldError(field="--out", message=".pdf or .html")])
    first, last = parse_day(start, "--from"), parse_day(end, "--to")
    began = time.perf_counter()
    engine = migrate.open_store(Settings())
    try:
        with make_session_factory(engine)() as session:
            built = report.build(
                session,
                actor=system_actor("guetteur report"),
                start=first,
                end=last,
                brand_id=brand,
            )
    finally:
        engine.dispose()
    content = pdf.report_pdf(built) if suffix == ".pdf" else html.report_html(built).encode()
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_bytes(content)
    took = time.perf_counter() - began
    Console().print(f"report for {built.scope_label}, {first} to {last}: {out} ({took:.2f} s)")


def parse_day(value: str, option: str) -> date:
    """A YYYY-MM-DD date, or InvalidInput naming the option."""
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise InvalidInput(
            f"{option} is not a date", [FieldError(field=option, message="YYYY-MM-DD")]
        ) from None


def register(app: typer.Typer) -> None:
    """Add `guetteur report` to the main app."""
    app.command("report")(report_command)
