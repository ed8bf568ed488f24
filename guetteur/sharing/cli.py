"""`guetteur agreements ...` (card, create, credential, show, share, alerts) and `guetteur sync`."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import typer
from pydantic import ValidationError
from sqlalchemy.orm import Session

from guetteur.auth.actor import system_actor
from guetteur.config import Settings
from guetteur.db import make_session_factory, transaction
from guetteur.errors import FieldError, InvalidInput
from guetteur.migrate import open_store
from guetteur.sharing import agreements, correlate, exports, service, sync
from guetteur.sharing.schemas import AgreementRead, NodeCard, Terms

agreements_app = typer.Typer(help="Sharing agreements with partner nodes.", no_args_is_help=True)
ACTOR = system_actor("cli sharing")


def _load(model: type[Terms] | type[NodeCard], path: Path) -> Terms | NodeCard:
    try:
        return model.model_validate_json(path.read_text(encoding="utf-8"))
    except ValidationError as exc:
        errors = [
            FieldError(".".join(map(str, e["loc"])), e["msg"], file=str(path)) for e in exc.errors()
        ]
        raise InvalidInput(f"{path} is not valid", errors) from exc
    except OSError as exc:
        raise InvalidInput(f"cannot read {path}: {exc.strerror}") from exc


@agreements_app.command("card")
def card(out: Path | None = typer.Option(None, "--out", help="Write the card here.")) -> None:
    """Print (or write) this node's public card: its node name and public keys."""
    settings = Settings()
    engine = open_store(settings)
    try:
        with transaction(make_session_factory(engine)) as session:
            text = agreements.node_card(
                session, node=settings.node_name, secret=settings.secret_key
            ).model_dump_json(indent=2)
    finally:
        engine.dispose()
    if out:
        out.write_text(text + "\n", encoding="utf-8")
    typer.echo(text if out is None else f"wrote {out}")


@agreements_app.command("create")
def create(
    terms: Path = typer.Argument(..., help="The agreement's terms (JSON), the same on both nodes."),
    partner_card: Path = typer.Option(..., "--partner-card", help="The partner node's card."),
    token: str | None = typer.Option(None, "--token", help="Our API token on the partner node."),
) -> None:
    """Record an agreement on this node and derive its token key with the partner's card."""
    settings = Settings()
    loaded = _load(Terms, terms)
    partner = _load(NodeCard, partner_card)
    assert isinstance(loaded, Terms) and isinstance(partner, NodeCard)
    engine = open_store(settings)
    try:
        with transaction(make_session_factory(engine)) as session:
            row = agreements.create(
                session,
                actor=ACTOR,
                terms=loaded,
                local_node=settings.node_name,
                partner_card=partner,
                secret=settings.secret_key,
                partner_credential=token,
            )
            typer.echo(f"agreement {row.id} recorded; terms hash {row.terms_hash}")
            typer.echo(f"outbound collection {agreements.outbound_collection(row)}")
            typer.echo(f"inbound collection {agreements.inbound_collection(row)}")
    finally:
        engine.dispose()


@agreements_app.command("credential")
def credential(
    agreement_id: str,
    token: str = typer.Option(..., "--token", help="Our API token on the partner node."),
    url: str | None = typer.Option(None, "--url", help="The partner's TAXII API root."),
) -> None:
    """Store (encrypted) the token this node uses at the partner's TAXII server."""
    settings = Settings()
    engine = open_store(settings)
    try:
        with transaction(make_session_factory(engine)) as session:
            agreements.set_credential(
                session,
                actor=ACTOR,
                agreement_id=agreement_id,
                credential=token,
                secret=settings.secret_key,
                url=url,
            )
    finally:
        engine.dispose()
    typer.echo(f"credential stored for agreement {agreement_id}")


@agreements_app.command("show")
def show(agreement_id: str | None = typer.Argument(None)) -> None:
    """Show the agreements (or one, with its disclosure count) as JSON."""
    engine = open_store(Settings())
    try:
        with transaction(make_session_factory(engine)) as session:
            rows = (
                [agreements.get_or_raise(session, actor=ACTOR, agreement_id=agreement_id)]
                if agreement_id
                else agreements.list_(session, actor=ACTOR)
            )
            out = []
            for row in rows:
                item = AgreementRead.model_validate(row).model_dump(mode="json")
                item["disclosures"] = service.count_disclosures(session, agreement_id=row.id)
                out.append(item)
    finally:
        engine.dispose()
    typer.echo(json.dumps(out, indent=2))


@agreements_app.command("share")
def share(
    agreement_id: str,
    seller: list[str] = typer.Option([], "--seller", help="A seller id (repeatable)."),
    network: str | None = typer.Option(None, "--network", help="A network id (its sellers)."),
    listing: list[str] = typer.Option([], "--listing", help="A listing id (repeatable)."),
    declaration: list[str] = typer.Option([], "--declaration", help="A declaration id."),
    detention: list[int] = typer.Option([], "--detention", help="A detention id: its seizure."),
) -> None:
    """Place objects in the partner's collection, as the agreement minimises them."""
    settings = Settings()
    engine = open_store(settings)
    secret = settings.secret_key
    added = 0
    try:
        with transaction(make_session_factory(engine)) as session:
            added = _share(
                session, agreement_id, secret, seller, network, listing, declaration, detention
            )
    finally:
        engine.dispose()
    typer.echo(f"{added} object versions disclosed under agreement {agreement_id}")


def _share(
    session: Session,
    agreement_id: str,
    secret: str,
    sellers: list[str],
    network: str | None,
    listings: list[str],
    declarations: list[str],
    detentions: list[int],
) -> int:
    common: dict[str, Any] = {"actor": ACTOR, "agreement_id": agreement_id, "secret": secret}
    added = 0
    if sellers:
        added += exports.share_sellers(session, seller_ids=sellers, **common).added
    if network:
        added += exports.share_network(session, network_id=network, **common).added
    if listings:
        added += exports.share_listings(session, listing_ids=listings, **common).added
    if declarations:
        added += exports.share_declarations(session, declaration_ids=declarations, **common).added
    for detention_id in detentions:
        added += exports.share_seizure(session, detention_id=detention_id, **common).added
    return added


@agreements_app.command("alerts")
def alerts() -> None:
    """Open alerts raised by correlation, as JSON lines."""
    engine = open_store(Settings())
    try:
        with transaction(make_session_factory(engine)) as session:
            for alert in correlate.list_alerts(session, actor=ACTOR):
                typer.echo(
                    json.dumps(
                        {
                            "id": alert.id,
                            "stix_id": alert.stix_id,
                            "local_kind": alert.local_kind,
                            "local_ref": alert.local_ref,
                            "score": alert.score,
                            "detail": alert.detail,
                        }
                    )
                )
    finally:
        engine.dispose()


def sync_command(
    agreement: str | None = typer.Option(None, "--agreement", help="Only this agreement."),
    page_size: int = typer.Option(sync.PAGE_SIZE, "--page-size", min=1, max=1000),
) -> None:
    """Pull (and push) every agreement with its partner now, then purge expired and correlate."""
    settings = Settings()
    engine = open_store(settings)
    sessions = make_session_factory(engine)
    try:
        if agreement:
            results = [
                sync.pull(
                    sessions,
                    agreement_id=agreement,
                    secret=settings.secret_key,
                    page_size=page_size,
                )
            ]
            results[0].pushed = sync.push(
                sessions, agreement_id=agreement, secret=settings.secret_key
            )
            with transaction(sessions) as session:
                correlate.correlate(
                    session, actor=ACTOR, agreement_id=agreement, secret=settings.secret_key
                )
        else:
            results = sync.sync_all(sessions, secret=settings.secret_key, page_size=page_size)
    finally:
        engine.dispose()
    for r in results:
        typer.echo(
            f"agreement {r.agreement_id}: {r.received} received in {r.pages} pages, "
            f"{r.unchanged} unchanged, {len(r.refused)} refused, {r.pushed} pushed"
        )


def register(app: typer.Typer) -> None:
    """Add this domain's commands to the main app."""
    app.add_typer(agreements_app, name="agreements")
    app.command("sync")(sync_command)
