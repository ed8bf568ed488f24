"""Incremental linking through the store: `service.link_new` latency on an embedded SQLite store.

Loads N synthetic sellers into a fresh SQLite store, runs one full `service.link`, then adds new
accounts one at a time (some copying a ring member's bank account and phone) and times
`service.link_new` (blocking-index queries, scoring, network placement, audit, writes).

    .venv/bin/python benchmarks/actors_store.py [--n 50000] [--new 300]
"""

from __future__ import annotations

import argparse
import random
import statistics
import tempfile
import time
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import insert

from guetteur.actors import pipeline, service, synthetic
from guetteur.auth.actor import system_actor
from guetteur.config import Settings
from guetteur.db import Base, import_all_models, make_engine, make_session_factory
from guetteur.marketplace.models import Seller


def _row(data: dict[str, Any]) -> dict[str, Any]:
    row = dict(data)
    row["created_at"] = datetime.fromisoformat(data["created_at"])
    return row


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--n", type=int, default=50_000)
    parser.add_argument("--new", type=int, default=300)
    args = parser.parse_args()
    world = synthetic.generate(args.n + args.new, seed=21, ring_share=0.1, super_addresses=10)
    existing, newcomers = world.sellers[: args.n], world.sellers[args.n :]
    rng = random.Random(3)
    ring_members = [s for s in existing if s["id"] in world.ring_of]
    for seller in newcomers[::2]:  # half of them reuse a ring member's bank account and phone
        model = rng.choice(ring_members)
        seller.update(bank_account=model["bank_account"], phone=model["phone"])
    import_all_models()
    actor = system_actor("benchmark")
    with tempfile.TemporaryDirectory() as tmp:
        settings = Settings(data_dir=Path(tmp), secret_key="benchmark")
        engine = make_engine(settings)
        Base.metadata.create_all(engine)
        sessions = make_session_factory(engine)
        with sessions.begin() as session:
            session.execute(insert(Seller), [_row(s) for s in existing])
        started = time.perf_counter()
        with sessions.begin() as session:
            summary = service.link(session, actor=actor, models_dir=settings.models_dir)
        print(
            f"full link of {args.n} sellers from SQLite: {time.perf_counter() - started:.1f} s "
            f"({summary.networks} networks; steps {summary.timings})"
        )
        with sessions.begin() as session:
            session.execute(insert(Seller), [_row(s) for s in newcomers])
        times, joined = [], 0
        for seller in newcomers:
            began = time.perf_counter()
            with sessions.begin() as session:
                result = service.link_new(
                    session, actor=actor, seller_id=seller["id"], models_dir=settings.models_dir
                )
            times.append((time.perf_counter() - began) * 1000)
            joined += result.network_id is not None
        engine.dispose()
    times.sort()
    p50 = statistics.median(times)
    print(
        f"link_new against {args.n} (SQLite, commit included): p50 {p50:.1f} ms, "
        f"p99 {times[int(len(times) * 0.99) - 1]:.1f} ms; {joined}/{len(times)} placed in a network"
    )
    print(f"(options: {pipeline.Options()})")


if __name__ == "__main__":
    main()
