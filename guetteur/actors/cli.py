"""`guetteur link`: link sellers into networks, or one new account against the existing set."""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import typer
from sqlalchemy.orm import Session

from guetteur.actors import pipeline, service
from guetteur.auth.actor import system_actor
from guetteur.config import Settings
from guetteur.db import make_engine, make_session_factory, transaction


def register(app: typer.Typer) -> None:
    """Add this domain's commands to the main app."""
    app.command("link")(link)


def link(
    engine: str = typer.Option("duckdb", "--engine", help="duckdb (default) or spark."),
    out: Path | None = typer.Option(None, "--out", help="Write networks.jsonl here."),
    new: str | None = typer.Option(None, "--new", help="Link one new seller account (its id)."),
    cap: int = typer.Option(50, "--cap", min=2, help="Super-node cap: accounts per identifier."),
    threshold: float = typer.Option(
        0.99, "--threshold", min=0.5, max=1.0, help="Match probability."
    ),
    retrain: bool = typer.Option(False, "--retrain", help="Train a new linkage model first."),
) -> None:
    """Link sellers and declaration parties into networks (FORMATS.md: networks.jsonl)."""
    settings = Settings()
    db = make_engine(settings)
    try:
        with transaction(make_session_factory(db)) as session:
            if new is not None:
                _link_new(session, settings, new)
                return
            options = pipeline.Options(engine=engine, cap=cap, threshold=threshold, retrain=retrain)
            summary = service.link(
                session, actor=system_actor("cli"), models_dir=settings.models_dir, options=options
            )
            if out is not None:
                _write(out, service.network_rows(session))
    finally:
        db.dispose()
    typer.echo(
        f"linked {summary.records} records: {summary.networks} networks, "
        f"{summary.members} members, "
        f"{summary.pairs} probable pairs, model v{summary.model_version}, "
        f"{len(summary.super_nodes)} super-node identifiers excluded"
    )
    for node in summary.super_nodes[:10]:
        typer.echo(f"  super-node: {node.describe()}")
    if out is not None:
        typer.echo(f"wrote {out}")


def _link_new(session: Session, settings: Settings, seller_id: str) -> None:
    result = service.link_new(
        session, actor=system_actor("cli"), seller_id=seller_id, models_dir=settings.models_dir
    )
    where = result.network_id or "no network"
    typer.echo(
        f"{result.member_id}: {where} ({len(result.matches)} matches among {result.candidates} "
        f"candidates, {result.milliseconds:.1f} ms)"
    )
    for item in result.evidence:
        typer.echo(f"  {item.identifier_kind}: {item.detail}")


def _write(path: Path, rows: Iterable[dict[str, Any]]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8") as handle:
        for row in rows:
            handle.write(json.dumps(row, ensure_ascii=False, sort_keys=True) + "\n")
