"""`guetteur db ...`: schema migrations."""

from __future__ import annotations

import typer

from guetteur import migrate
from guetteur.config import Settings
from guetteur.db import make_engine

db_app = typer.Typer(help="Database schema.", no_args_is_help=True)


@db_app.command("upgrade")
def upgrade(revision: str = typer.Argument("head", help="Target revision.")) -> None:
    """Migrate the store (GUETTEUR_DATABASE_URL, default embedded SQLite) to the latest schema."""
    settings = Settings()
    engine = make_engine(settings)
    migrate.upgrade(engine, revision)
    engine.dispose()
    typer.echo(f"database at {engine.url.render_as_string(hide_password=True)} is at {revision}")


def register(app: typer.Typer) -> None:
    app.add_typer(db_app, name="db")
