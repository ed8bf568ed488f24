"""`guetteur users create` and `guetteur tokens create`."""

from __future__ import annotations

import typer

from guetteur.auth import service
from guetteur.auth.actor import system_actor
from guetteur.auth.models import ORGANISATION_KINDS, ROLES
from guetteur.config import Settings
from guetteur.db import make_session_factory, transaction
from guetteur.errors import InvalidInput, NotFound
from guetteur.migrate import open_store

users_app = typer.Typer(help="Users of this node.", no_args_is_help=True)
tokens_app = typer.Typer(help="API tokens.", no_args_is_help=True)


@users_app.command("create")
def create_user(
    email: str = typer.Option(..., "--email", help="Log-in e-mail."),
    org: str = typer.Option(..., "--org", help="Organisation slug."),
    role: str = typer.Option(..., "--role", help=f"One of: {', '.join(ROLES)}."),
    name: str = typer.Option(..., "--name", help="Display name."),
    password: str | None = typer.Option(
        None, "--password", help="Password (prompted for, hidden, when omitted)."
    ),
    org_kind: str | None = typer.Option(
        None,
        "--org-kind",
        help=f"Create the organisation if missing, of this kind: {', '.join(ORGANISATION_KINDS)}.",
    ),
    org_name: str | None = typer.Option(None, "--org-name", help="Name of a new organisation."),
) -> None:
    """Create a user in an organisation (and the organisation, with --org-kind)."""
    if password is None:
        password = typer.prompt("Password", hide_input=True, confirmation_prompt=True)
    actor = system_actor("cli")
    engine = open_store(Settings())
    try:
        with transaction(make_session_factory(engine)) as session:
            organisation = service.get_organisation_by_slug(session, slug=org)
            if organisation is None and org_kind is None:
                raise NotFound(f"organisation {org!r} not found (pass --org-kind to create it)")
            if organisation is None:
                organisation = service.create_organisation(
                    session, actor=actor, slug=org, name=org_name or org, kind=org_kind or ""
                )
            user = service.create_user(
                session,
                actor=actor,
                organisation_id=organisation.id,
                email=email,
                display_name=name,
                role=role,
                password=password,
            )
            typer.echo(f"created user {user.email} ({user.role}) in {organisation.slug}")
    finally:
        engine.dispose()


@tokens_app.command("create")
def create_token(
    email: str = typer.Option(..., "--email", help="The user the token acts for."),
    name: str = typer.Option(..., "--name", help="What the token is for."),
) -> None:
    """Create an API token for a user and print it once (it is stored only as a hash)."""
    engine = open_store(Settings())
    try:
        with transaction(make_session_factory(engine)) as session:
            user = service.get_user_by_email(session, email=email)
            if user is None:
                raise NotFound(f"no user with e-mail {email!r}")
            if not user.is_active:
                raise InvalidInput(f"user {email!r} is not active")
            _row, token = service.create_token(
                session, actor=system_actor("cli"), user_id=user.id, name=name
            )
    finally:
        engine.dispose()
    typer.echo(token)
    typer.echo("Store it now: it is shown only this once.", err=True)


def register(app: typer.Typer) -> None:
    """Add this domain's commands to the main app."""
    app.add_typer(users_app, name="users")
    app.add_typer(tokens_app, name="tokens")
