"""`guetteur train [--cutoff TIME]` and `guetteur scan [--since TIME] [--engine local|spark]
--out FILE` (FORMATS.md)."""

from __future__ import annotations

import json
import os
from datetime import UTC, datetime
from pathlib import Path

import pyarrow as pa
import typer
from rich.console import Console

from guetteur import migrate
from guetteur.auth.actor import system_actor
from guetteur.config import Settings
from guetteur.db import make_engine, make_session_factory, transaction
from guetteur.detection import network, service
from guetteur.detection.engine_local import build_features, score_table
from guetteur.detection.history import load_listings
from guetteur.detection.model import DetectorModel
from guetteur.errors import FieldError, InvalidInput
from guetteur.spark import require_pyspark

console = Console(stderr=True)
ENGINES = ("local", "spark")
SUMMARY = ("proactive_rate", "recall_at_block", "precision_at_block", "false_block_rate", "pr_auc")


def parse_time(value: str | None, *, option: str) -> datetime | None:
    """An ISO 8601 time (a date alone is midnight UTC, a time without zone is UTC)."""
    if value is None:
        return None
    try:
        parsed = datetime.fromisoformat(value.strip().replace("z", "Z"))
    except ValueError:
        raise InvalidInput(
            f"{option}: {value!r} is not an ISO 8601 time",
            [FieldError(option, "expected e.g. 2025-03-14T09:26:53Z")],
        ) from None
    return parsed.replace(tzinfo=UTC) if parsed.tzinfo is None else parsed.astimezone(UTC)


def train_command(
    cutoff: str | None = typer.Option(
        None, "--cutoff", help="Train on verdicts decided before TIME (default: now)."
    ),
    ablation: bool = typer.Option(True, "--ablation/--no-ablation", help="Retrain per family."),
) -> None:
    """Train the listing detector on verdicts before TIME, evaluate on what follows, promote."""
    when = parse_time(cutoff, option="--cutoff")
    settings = Settings()
    engine = make_engine(settings)
    try:
        migrate.ensure_schema(engine)
        with transaction(make_session_factory(engine)) as session:
            result = service.train(
                session, actor=system_actor("cli train"), models_dir=settings.models_dir,
                media_dir=settings.media_dir, cutoff=when, with_ablation=ablation,
                network=network.provider_for(session),
            )  # fmt: skip
    finally:
        engine.dispose()
    figures = result.metrics["evaluation"]
    shown = ", ".join(f"{k} {figures[k]}" for k in SUMMARY)
    state = "promoted" if result.promoted else f"not promoted (current: {result.previous_version})"
    typer.echo(f"model {result.version} {state}; evaluated on {figures['listings']} listings")
    typer.echo(f"  {shown}")
    typer.echo(f"  metrics: {result.path / 'metrics.json'}")


def scan_command(
    out: Path = typer.Option(..., "--out", help="Where to write decisions.jsonl."),
    since: str | None = typer.Option(
        None, "--since", help="Score listings created at or after TIME (default: all)."
    ),
    batch_engine: str = typer.Option(
        "local", "--engine", help="local (DuckDB/Arrow, default) or spark (PySpark mapInArrow)."
    ),
) -> None:
    """Score listings in created_at order, point-in-time correct, into decisions.jsonl."""
    when = parse_time(since, option="--since")
    check_engine(batch_engine)
    settings = Settings()
    engine = make_engine(settings)
    try:
        migrate.ensure_schema(engine)
        with make_session_factory(engine)() as session:
            model = service.current_model(session, models_dir=settings.models_dir)
            listings = load_listings(session, since=when)
            ctx = service.context_for(
                session, models_dir=settings.models_dir, media_dir=settings.media_dir,
                network=network.provider_for(session),
            )  # fmt: skip
    finally:
        engine.dispose()
    if model is None:
        console.print("no trained model yet: the rules alone decide (model_version rules-only)")
    features = build_features(listings, ctx)
    decisions = score_with(batch_engine, features, model, since=when)
    write_decisions(decisions, out)
    typer.echo(f"{decisions.num_rows} decisions written to {out}")


def check_engine(name: str) -> None:
    """Refuse an unknown engine, or Spark without PySpark, before any work is done."""
    if name not in ENGINES:
        raise InvalidInput(
            f"--engine: {name!r} is not an engine", [FieldError("--engine", " or ".join(ENGINES))]
        )
    if name == "spark":
        require_pyspark()


def score_with(
    name: str, features: pa.Table, model: DetectorModel | None, *, since: datetime | None
) -> pa.Table:
    """The decisions of the feature table on the named batch engine (same columns and order)."""
    if name == "spark":
        from guetteur.detection import engine_spark

        return engine_spark.score_table(features, model, since=since)
    return score_table(features, model, since=since)


def write_decisions(decisions: pa.Table, out: Path) -> None:
    """decisions.jsonl as FORMATS.md says, written whole or not at all."""
    out.parent.mkdir(parents=True, exist_ok=True)
    partial = out.with_name(f"{out.name}.{os.getpid()}.part")
    with partial.open("w", encoding="utf-8") as handle:
        for row in decisions.to_pylist():
            row["reasons"] = json.loads(row["reasons"])
            handle.write(json.dumps(row, ensure_ascii=False) + "\n")
    os.replace(partial, out)


def register(app: typer.Typer) -> None:
    """Add `train` and `scan` to the guetteur command."""
    app.command("train")(train_command)
    app.command("scan")(scan_command)


def main() -> None:
    """`python -m guetteur.detection.cli train|scan ...` (the same commands as `guetteur`)."""
    from guetteur.cli import app
    from guetteur.cli import main as guetteur_main

    if "train" not in {c.name for c in app.registered_commands}:
        register(app)
    guetteur_main()


if __name__ == "__main__":
    main()
