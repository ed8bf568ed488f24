"""`guetteur audit ...`: verify the chain, show its head, list entries."""

from __future__ import annotations

import typer
from rich.console import Console
from rich.table import Table

from guetteur.audit import service as audit
from guetteur.config import Settings
from guetteur.db import make_engine, make_session_factory

audit_app = typer.Typer(help="The hash-chained audit log.", no_args_is_help=True)


@audit_app.command("verify")
def verify() -> None:
    """Check the whole chain; name every edited, removed or reordered entry (exit 1 if any)."""
    engine = make_engine(Settings())
    with make_session_factory(engine)() as session:
        result = audit.verify(session)
    engine.dispose()
    if result.ok:
        typer.echo(f"audit log intact: {result.entries} entries, head at {result.head_seq}")
        return
    for problem in result.problems:
        typer.echo(f"BROKEN [{problem.kind}] {problem.message}", err=True)
    typer.echo(f"audit log broken: {len(result.problems)} problem(s) in {result.entries} entries")
    raise typer.Exit(1)


@audit_app.command("head")
def show_head() -> None:
    """Print the chain head (sequence and hash) to anchor the log outside this node."""
    engine = make_engine(Settings())
    with make_session_factory(engine)() as session:
        seq, digest = audit.head(session)
    engine.dispose()
    typer.echo(f"{seq} {digest}")


@audit_app.command("list")
def list_entries(
    limit: int = typer.Option(20, min=1, max=1000, help="How many entries, newest first."),
    action: str | None = typer.Option(None, help="Only entries with this action."),
) -> None:
    """Show the newest entries."""
    engine = make_engine(Settings())
    table = Table("seq", "at", "actor", "action", "object")
    with make_session_factory(engine)() as session:
        for entry in audit.list_(session, limit=limit, action=action):
            table.add_row(
                str(entry.seq),
                entry.at.isoformat(timespec="seconds"),
                entry.actor_label,
                entry.action,
                f"{entry.object_type} {entry.object_id}",
            )
    engine.dispose()
    Console().print(table)


def register(app: typer.Typer) -> None:
    """Add `guetteur audit` to the main app."""
    app.add_typer(audit_app, name="audit")
