"""`guetteur target`: rank declarations and select within each office's capacity (FORMATS.md)."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import typer
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from guetteur.auth.actor import system_actor
from guetteur.config import Settings
from guetteur.customs.models import Declaration
from guetteur.customs.targeting.defaults import DEFAULT_CAPACITY, DEFAULT_EXPLORATION
from guetteur.customs.targeting.intelligence import Combined, IntelligenceProvider
from guetteur.db import make_engine, make_session_factory, transaction
from guetteur.errors import InvalidInput
from guetteur.migrate import ensure_schema


def register(app: typer.Typer) -> None:
    """Add this domain's commands to the main app."""
    app.command("target")(target)


def target(
    out: Path = typer.Option(..., "--out", help="Write selections.jsonl here."),
    since: str | None = typer.Option(
        None,
        "--since",
        help="ISO 8601 time with a zone; default: the start (UTC) of the last day lodged.",
    ),
    capacity: float = typer.Option(
        DEFAULT_CAPACITY, "--capacity", min=0.0, max=1.0,
        help="Fraction of each office's daily flow to select.",
    ),
    exploration: float = typer.Option(
        DEFAULT_EXPLORATION, "--exploration", min=0.0, max=1.0,
        help="Share of the selections drawn at random from the rest of the queue.",
    ),
    intelligence: bool = typer.Option(
        True, "--intelligence/--no-intelligence",
        help="Match parties against flagged sellers and networks.",
    ),
) -> None:  # fmt: skip
    """Train on inspections before TIME and rank declarations lodged at or after it."""
    settings = Settings()
    engine = make_engine(settings)
    try:
        prepare_store(engine)
        with transaction(make_session_factory(engine)) as session:
            cutoff = parse_time(since) if since else default_since(session)
            provider = _intelligence(session, cutoff) if intelligence else None
            from guetteur.customs.targeting import run as targeting

            options = targeting.Options(
                capacity=capacity, exploration=exploration, models_dir=settings.models_dir
            )
            result = targeting.target(
                session,
                actor=system_actor("cli target"),
                since=cutoff,
                options=options,
                provider=provider,
            )
    finally:
        engine.dispose()
    write_jsonl(out, result.rows)
    run = result.run
    typer.echo(
        f"ranked {run.declarations} declarations lodged from {cutoff.isoformat()}: "
        f"{run.selected} selected, model {run.model_version} "
        f"({run.training.get('rows', 0)} inspections learnt from); wrote {out}"
    )


def _intelligence(session: Session, cutoff: datetime) -> IntelligenceProvider:
    """Flagged sellers and networks, plus what partners shared (sharing alerts on parties)."""
    from guetteur.customs.targeting import store as frames
    from guetteur.sharing.correlate import shared_intelligence

    parties = frames.party_intelligence(session, as_of=cutoff)
    return Combined([parties, shared_intelligence(session)])


def prepare_store(engine: Engine) -> None:
    """Bring the schema to head."""
    ensure_schema(engine)


def parse_time(text: str) -> datetime:
    """An ISO 8601 time that carries a zone."""
    try:
        value = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise InvalidInput(f"--since {text!r} is not an ISO 8601 time") from None
    if value.tzinfo is None:
        raise InvalidInput(f"--since {text!r} has no time zone (e.g. 2025-03-14T00:00:00Z)")
    return value.astimezone(UTC)


def default_since(session: Session) -> datetime:
    """The start (UTC) of the day of the last declaration lodged."""
    last = session.scalar(select(func.max(Declaration.lodged_at)))
    if last is None:
        raise InvalidInput("there are no declarations to rank; import declarations.jsonl first")
    return last.astimezone(UTC).replace(hour=0, minute=0, second=0, microsecond=0)


def write_jsonl(path: Path, rows: list[dict[str, object]]) -> None:
    """Write rows as JSON Lines."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8") as handle:
        for row in rows:
            handle.write(json.dumps(row, ensure_ascii=False) + "\n")
