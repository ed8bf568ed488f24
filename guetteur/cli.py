"""The `guetteur` command: one Typer app; each domain registers its own commands on it."""

from __future__ import annotations

import sys

import typer
from rich.console import Console

from guetteur.errors import GuetteurError, InvalidInput

app = typer.Typer(
    name="guetteur",
    help="Guetteur: stop counterfeits across a marketplace, customs and brands.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)
err_console = Console(stderr=True)


def _register_commands() -> None:
    from guetteur import db_cli
    from guetteur.actors import cli as actors_cli
    from guetteur.audit import cli as audit_cli
    from guetteur.auth import cli as auth_cli
    from guetteur.customs import cli as customs_cli
    from guetteur.demo import cli as demo_cli
    from guetteur.detection import cli as detection_cli
    from guetteur.interchange import cli as interchange_cli
    from guetteur.reports import cli as reports_cli
    from guetteur.sharing import cli as sharing_cli
    from guetteur.web import cli as web_cli

    modules = (
        db_cli,
        auth_cli,
        audit_cli,
        interchange_cli,
        demo_cli,
        web_cli,
        customs_cli,
        actors_cli,
        detection_cli,
    )
    for module in (*modules, reports_cli, sharing_cli):
        module.register(app)


def main() -> None:
    """Entry point: run the app, turning every GuetteurError into one line and a non-zero exit."""
    _register_commands()
    try:
        result = app(standalone_mode=False)
    except GuetteurError as exc:
        message = str(exc) if isinstance(exc, InvalidInput) else exc.detail
        err_console.print(f"[bold red]error:[/] {message}", highlight=False, soft_wrap=True)
        sys.exit(1)
    except (typer.Abort, KeyboardInterrupt):
        err_console.print("aborted")
        sys.exit(130)
    except typer.Exit as exc:
        sys.exit(exc.exit_code)
    except Exception as exc:  # click usage errors and friends
        import click

        if isinstance(exc, click.ClickException):
            exc.show()
            sys.exit(exc.exit_code)
        raise
    if isinstance(result, int) and result:
        sys.exit(result)
