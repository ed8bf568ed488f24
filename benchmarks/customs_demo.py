"""Selection on the demo world: precision and recall at the configured capacity.

Generates the demo world, imports it into a temporary store, optionally links sellers and
declaration parties into networks (`guetteur link`), then runs targeting at `--since` (default:
the day at three quarters of the declarations' time span): it learns from inspections before
that time and selects within each office's daily capacity from what was lodged after it.
Selections are compared with truth/declarations.jsonl (counterfeit = the declaration really
carried fakes), with and without intelligence matches, and against a random pick at the same
capacity. Truth is read here only, never by the platform.

    .venv/bin/python benchmarks/customs_demo.py [--scale 1.0] [--capacity 0.05] [--no-link]
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

import numpy as np

from guetteur.auth.actor import system_actor
from guetteur.config import Settings
from guetteur.customs.targeting import run as targeting
from guetteur.customs.targeting import store as frames
from guetteur.customs.targeting.evaluate import selection_figures
from guetteur.db import Base, import_all_models, make_engine, make_session_factory, transaction
from guetteur.demo.world import generate
from guetteur.interchange import service as interchange


def truth(world: Path) -> dict[str, tuple[bool, bool]]:
    """declaration id -> (counterfeit, any fraud)."""
    found = {}
    with (world / "truth" / "declarations.jsonl").open(encoding="utf-8") as handle:
        for line in handle:
            row = json.loads(line)
            found[row["declaration_id"]] = (
                bool(row["counterfeit"]),
                bool(row["counterfeit"] or row["other_fraud"]),
            )
    return found


def default_since(world: Path) -> datetime:
    times = []
    with (world / "declarations.jsonl").open(encoding="utf-8") as handle:
        for line in handle:
            times.append(datetime.fromisoformat(json.loads(line)["lodged_at"]))
    times.sort()
    cut = times[int(len(times) * 0.75)]
    return cut.astimezone(UTC).replace(hour=0, minute=0, second=0, microsecond=0)


def link(settings: Settings, sessions: object) -> str:
    try:
        from guetteur.actors import pipeline
        from guetteur.actors import service as actors
    except ImportError as exc:  # pragma: no cover
        return f"not linked ({exc})"
    with transaction(sessions) as session:  # type: ignore[arg-type]
        summary = actors.link(
            session,
            actor=system_actor("bench"),
            models_dir=settings.models_dir,
            options=pipeline.Options(),
        )
    return f"{summary.networks} networks, {summary.members} members"


def report(name: str, rows: list[dict[str, object]], known: dict[str, tuple[bool, bool]]) -> dict:
    ids = [str(r["declaration_id"]) for r in rows]
    chosen = np.array([bool(r["selected"]) for r in rows])
    fake = np.array([known[i][0] for i in ids])
    fraud = np.array([known[i][1] for i in ids])
    figures = selection_figures(chosen, fake, fraud)
    explored = sum(1 for r in rows if r.get("exploration"))
    print(
        f"{name:<34} selected {int(figures['selected']):>5} (explore {explored:>3})  "
        f"counterfeit P {figures['precision']:.3f} R {figures['recall']:.3f}  "
        f"any-finding P {figures['critical_precision']:.3f} R {figures['critical_recall']:.3f}"
    )
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--capacity", type=float, default=0.05)
    parser.add_argument("--since", type=str, default=None)
    parser.add_argument("--no-link", action="store_true")
    args = parser.parse_args()
    started = time.perf_counter()
    with tempfile.TemporaryDirectory() as tmp:
        world, data = Path(tmp) / "world", Path(tmp) / "data"
        generate(world, scale=args.scale, seed=args.seed)
        settings = Settings(data_dir=data)
        engine = make_engine(settings)
        import_all_models()
        Base.metadata.create_all(engine)
        sessions = make_session_factory(engine)
        with transaction(sessions) as session:
            interchange.import_dir(
                session, directory=world, actor=system_actor("bench"), settings=settings
            )
        linked = "not linked" if args.no_link else link(settings, sessions)
        since = (
            datetime.fromisoformat(args.since.replace("Z", "+00:00"))
            if args.since
            else default_since(world)
        )
        known = truth(world)
        print(f"world scale {args.scale}; {linked}; since {since.isoformat()}; "
              f"capacity {args.capacity:.0%} per office per day")  # fmt: skip
        options = targeting.Options(capacity=args.capacity)
        actor = system_actor("bench")
        results = {}
        with transaction(sessions) as session:
            base = targeting.target(session, actor=actor, since=since, options=options)
            results["model + rules"] = report("model + rules", base.rows, known)
            provider = frames.party_intelligence(session, as_of=since)
            intel = targeting.target(
                session, actor=actor, since=since, options=options, provider=provider
            )
            results["model + rules + intelligence"] = report(
                "model + rules + intelligence", intel.rows, known
            )
            rng = np.random.default_rng(args.seed)
            shuffled = [dict(r, selected=False) for r in base.rows]
            count = sum(1 for r in base.rows if r["selected"])
            for index in rng.choice(len(shuffled), size=count, replace=False):
                shuffled[index]["selected"] = True
            results["random pick"] = report("random pick, same count", shuffled, known)
            session.rollback()
        engine.dispose()
    print(f"{time.perf_counter() - started:.0f} s in all")


if __name__ == "__main__":
    main()
