"""`guetteur demo`: migrate, seed the embedded store with the demo world, print log-ins, serve."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.console import Console
from sqlalchemy import func, select

from guetteur import migrate
from guetteur.auth import service as auth
from guetteur.config import Settings
from guetteur.db import make_session_factory, transaction
from guetteur.registry.models import Brand

DEMO_PASSWORD = "guetteur-demo"
console = Console()


def demo(
    scale: float = typer.Option(1.0, min=0.01, max=20, help="World size: 1 is ~30,000 listings."),
    seed: int = typer.Option(7, help="Seed of the generated world."),
    serve: bool = typer.Option(True, "--serve/--no-serve", help="Serve once seeded."),
    host: str | None = typer.Option(None, help="Interface (default GUETTEUR_HOST)."),
    port: int | None = typer.Option(None, help="Port (default GUETTEUR_PORT)."),
    two_nodes: bool = typer.Option(
        False,
        "--two-nodes",
        help="A marketplace node (PORT, default 8000) and a customs node (PORT+1) on 127.0.0.1 "
        "sharing under an agreement: run the loop once, then serve both (docs/sharing.md).",
    ),
) -> None:
    """Set up a demo node: migrate, generate and import the demo world once, then serve."""
    settings = Settings()
    if settings.environment == "production":
        typer.echo("error: refusing to seed demo users in production", err=True)
        raise typer.Exit(1)
    if two_nodes:
        _two_nodes(settings, scale=scale, seed=seed, serve=serve, port=port)
        return
    engine = migrate.open_store(settings)
    sessions = make_session_factory(engine)
    with sessions() as session:
        seeded = (session.scalar(select(func.count(Brand.id))) or 0) > 0
    if seeded:
        console.print("store already seeded: keeping its data")
    else:
        _seed_world(settings, scale=scale, seed=seed)
        from guetteur.demo.pipeline import run_all

        run_all(sessions, settings, lambda text: console.print(f"[green]✓[/] {text}"))
    with transaction(sessions) as session:
        logins = auth.seed_demo_organisations_and_users(session, password=DEMO_PASSWORD)
    engine.dispose()
    _print_logins(logins, settings, host, port)
    if serve:
        from guetteur.web.cli import serve as serve_command

        serve_command(host=host, port=port)


def _two_nodes(
    settings: Settings, *, scale: float, seed: int, serve: bool, port: int | None
) -> None:
    from guetteur.demo.two_nodes import run_demo

    try:
        run_demo(settings, scale=scale, seed=seed, serve=serve, port=port)
    except RuntimeError as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(1) from None


def _seed_world(settings: Settings, *, scale: float, seed: int) -> None:
    from guetteur.demo.world import generate
    from guetteur.interchange.cli import import_command

    world_dir = settings.data_dir / "demo-world"
    with console.status(f"generating the demo world (scale {scale}) in {world_dir}"):
        summary = generate(world_dir, scale=scale, seed=seed)
    console.print(f"demo world written: {summary}")
    import_command(Path(world_dir))


def _print_logins(
    logins: list[auth.DemoLogin], settings: Settings, host: str | None, port: int | None
) -> None:
    url = f"http://{host or settings.host}:{port or settings.port}"
    console.print(f"\n[bold]Demo log-ins[/] for {url}")
    for login in logins:
        console.print(
            f"  {login.role:<14} {login.email} / {login.password}   ({login.organisation})",
            highlight=False,
            soft_wrap=True,
        )


def register(app: typer.Typer) -> None:
    """Add `guetteur demo` to the main app."""
    app.command("demo")(demo)
    from guetteur.demo.generate_cli import register as register_world

    register_world(app)
