"""`guetteur serve`: the web application on Uvicorn."""

from __future__ import annotations

import typer

from guetteur.config import Settings


def serve(
    host: str | None = typer.Option(None, "--host", help="Interface (default GUETTEUR_HOST)."),
    port: int | None = typer.Option(None, "--port", help="Port (default GUETTEUR_PORT)."),
) -> None:
    """Serve the web UI and the JSON API."""
    import uvicorn

    from guetteur.migrate import open_store
    from guetteur.web.app import create_app

    settings = Settings()
    app = create_app(settings, engine=open_store(settings))
    uvicorn.run(
        app,
        host=host or settings.host,
        port=port or settings.port,
        proxy_headers=False,
        log_level="info",
    )


def register(app: typer.Typer) -> None:
    """Add this domain's commands to the main app."""
    app.command("serve")(serve)
