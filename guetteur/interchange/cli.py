"""`guetteur import DIR`: import every interchange file in a folder, each in its own transaction."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.console import Console
from rich.progress import (
    BarColumn,
    DownloadColumn,
    Progress,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
)
from rich.table import Table
from rich.text import Text
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from guetteur.auth.actor import Actor, system_actor
from guetteur.config import Settings
from guetteur.db import make_session_factory, transaction
from guetteur.errors import FieldError, GuetteurError
from guetteur.interchange import service
from guetteur.interchange.media import MediaStore
from guetteur.interchange.service import FileReport, PlannedFile
from guetteur.migrate import open_store

BARS_FROM_BYTES = 1_000_000
COLUMNS = ("file", "status", "rows", "new", "updated", "same", "errors", "note")


def import_command(
    directory: Path = typer.Argument(..., help="Folder holding brands.jsonl, listings.jsonl.gz..."),
) -> None:
    """Import every interchange file in DIR (see docs/formats.md); exit 1 if any is rejected."""
    try:
        planned = service.plan(directory)
    except GuetteurError as exc:
        typer.echo(f"error: {exc.detail}", err=True)
        raise typer.Exit(1) from None
    if not planned:
        typer.echo(f"error: no interchange files (*.jsonl, *.jsonl.gz) in {directory}", err=True)
        raise typer.Exit(1)
    settings = Settings()
    engine = open_store(settings)
    try:
        reports = _run(planned, make_session_factory(engine), settings, system_actor("cli import"))
    finally:
        engine.dispose()
    _print(reports)
    if any(r.status == "rejected" for r in reports):
        raise typer.Exit(1)


def _run(
    planned: list[PlannedFile], sessions: sessionmaker[Session], settings: Settings, actor: Actor
) -> list[FileReport]:
    media = MediaStore(settings)
    total = sum(p.path.stat().st_size for p in planned)
    console = Console(stderr=True)
    bars = Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        DownloadColumn(),
        TimeElapsedColumn(),
        console=console,
        transient=True,
        disable=total < BARS_FROM_BYTES or not console.is_terminal,
    )
    reports = []
    with bars:
        for item in planned:
            task = bars.add_task(item.path.name, total=2 * max(item.path.stat().st_size, 1))

            def progress(
                *, file: str, phase: str, done: int, total: int, task: TaskID = task
            ) -> None:
                bars.update(task, completed=done + (total if phase == "apply" else 0))

            reports.append(_import_one(item, sessions, actor, media, progress))
            bars.update(task, completed=2 * max(item.path.stat().st_size, 1))
    return reports


def _import_one(
    item: PlannedFile,
    sessions: sessionmaker[Session],
    actor: Actor,
    media: MediaStore,
    progress: service.Progress,
) -> FileReport:
    try:
        with transaction(sessions) as session:
            return service.import_planned(
                session, planned=item, actor=actor, media=media, progress=progress
            )
    except SQLAlchemyError as exc:
        cause = getattr(exc, "orig", None) or exc
        message = f"the database refused the file ({exc.__class__.__name__}: {cause})"
        error = FieldError("(file)", message.splitlines()[0], file=item.path.name)
        return FileReport(item.path.name, item.kind, "rejected", errors=[error])


def _print(reports: list[FileReport]) -> None:
    table = Table(*COLUMNS, title="guetteur import")
    for r in reports:
        counts = (r.rows, r.inserted, r.updated, r.unchanged, len(r.errors))
        flagged = f"{r.images_flagged} image(s) kept unread" if r.images_flagged else ""
        note = "; ".join(n for n in (r.note, flagged) if n)
        table.add_row(Text(r.file), r.status, *(str(c) for c in counts), Text(note))
    console = Console()
    if not console.is_terminal:
        console = Console(width=120)
    console.print(table)
    for r in reports:
        for error in r.errors:
            typer.echo(str(error), err=True)
    rejected = [r.file for r in reports if r.status == "rejected"]
    if rejected:
        typer.echo(f"rejected, nothing of them applied: {', '.join(rejected)}", err=True)


def register(app: typer.Typer) -> None:
    """Add `guetteur import` to the main app."""
    app.command("import")(import_command)
