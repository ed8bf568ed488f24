"""Listing detector: batch throughput on the local engine, and API latency of single submissions.

    .venv/bin/python benchmarks/detection.py                      # scale-0.3 world, trained here
    .venv/bin/python benchmarks/detection.py --data-dir DIR       # a store with a promoted model
    .venv/bin/python benchmarks/detection.py --rows 200000 --repeat 3
    .venv/bin/python benchmarks/detection.py --api-requests 1000 --api-rate 40   # API part
    .venv/bin/python benchmarks/detection.py --no-api             # batch figures only

Prints listings/s for feature assembly (1 and 2 processes) and for scoring the feature batch
(the pure scoring function: text model, LightGBM, calibration, rules, reasons) with 1 and 2
workers, and listings/s per core. Target (DESIGN.md): 20,000 listings/s/core for batch scoring.

API part: a real `guetteur serve` on 127.0.0.1 (one Uvicorn process) over the same store, and a
second process that submits single listings (`POST /api/listings`, JSON, no pictures; every
`--api-image-every`-th one with a small PNG) at a steady rate with httpx, bounded by
`--api-requests` and `--api-seconds`; it prints p50/p95/p99 latency (client side, each request
stores, scores, decides and audits the listing). Target (DESIGN.md): p99 under 25 ms.
Spark throughput is measured in `benchmarks/` by the Spark engine's own script when present.
"""

from __future__ import annotations

import argparse
import base64
import io
import json
import os
import random
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pyarrow as pa

from guetteur.auth.actor import system_actor
from guetteur.config import Settings
from guetteur.db import make_engine, make_session_factory, transaction
from guetteur.demo.world import generate
from guetteur.detection import service
from guetteur.detection.engine_local import build_features, score_table
from guetteur.detection.history import load_listings
from guetteur.interchange import service as interchange
from guetteur.migrate import ensure_schema

FILES = ("brands", "products", "sellers", "listings", "verdicts", "notices")


def prepare(scale: float, root: Path) -> Settings:
    """Generate, import and train a world of `scale` under `root`."""
    generate(root / "world", scale=scale, seed=7)
    settings = Settings(environment="test", data_dir=root / "data", secret_key="bench")
    engine = make_engine(settings)
    ensure_schema(engine)
    sessions = make_session_factory(engine)
    actor = system_actor("benchmark")
    with transaction(sessions) as session:
        for name in FILES:
            path = root / "world" / f"{name}.jsonl"
            interchange.import_file(session, path=path, actor=actor, settings=settings)
    with transaction(sessions) as session:
        times = sorted(x.created_at for x in load_listings(session))
        service.train(
            session, actor=actor, models_dir=settings.models_dir, media_dir=settings.media_dir,
            cutoff=times[int(len(times) * 0.7)], with_ablation=False,
        )  # fmt: skip
    engine.dispose()
    return settings


def measure(settings: Settings, rows: int, repeat: int, spark: bool = True) -> None:
    engine = make_engine(settings)
    with make_session_factory(engine)() as session:
        model = service.current_model(session, models_dir=settings.models_dir)
        listings = load_listings(session)
        ctx = service.context_for(
            session, models_dir=settings.models_dir, media_dir=settings.media_dir
        )
    engine.dispose()
    for workers in (1, 2):
        started = time.perf_counter()
        features = build_features(listings, ctx, workers=workers, parallel_from=0)
        seconds = time.perf_counter() - started
        print(f"feature assembly, {workers} process(es): {len(listings)} listings in "
              f"{seconds:.2f} s = {len(listings) / seconds:,.0f} listings/s")  # fmt: skip
    batch = features.combine_chunks().to_batches()[0]
    copies = max(1, rows // max(batch.num_rows, 1))
    table = pa.Table.from_batches([batch] * copies)
    print(f"model {model.version if model else 'rules-only'}; scoring {table.num_rows} rows")
    for workers in (1, 2):
        best = min(_time(table, model, workers) for _ in range(repeat))
        rate = table.num_rows / best
        print(f"scoring, {workers} worker(s): {rate:,.0f} listings/s = "
              f"{rate / workers:,.0f} listings/s/core ({best:.2f} s)")  # fmt: skip
    if spark:
        from detection_spark import measure_spark

        measure_spark(table, model, repeat)


def _time(table: pa.Table, model: object, workers: int) -> float:
    started = time.perf_counter()
    score_table(table, model, workers=workers)  # type: ignore[arg-type]
    return time.perf_counter() - started


# --- API latency: a real server, and a second process generating steady load -----------------

TITLES = (
    "{brand} running shoes, size {n}", "{brand} leather handbag, like new",
    "{brand} replica 1:1 AAA watch", "Phone case compatible with {brand} model {n}",
    "{brand} perfume 100 ml sealed", "Wireless earbuds {n}, great sound",
)  # fmt: skip


def add_api_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--api", action=argparse.BooleanOptionalAction, default=True,
                        help="measure API latency too")  # fmt: skip
    parser.add_argument("--api-requests", type=int, default=1000, help="submissions to time")
    parser.add_argument("--api-rate", type=float, default=40.0, help="submissions per second")
    parser.add_argument("--api-seconds", type=float, default=90.0, help="stop after this long")
    parser.add_argument("--api-image-every", type=int, default=0,
                        help="send a small PNG with every N-th submission (0: never)")  # fmt: skip
    parser.add_argument("--load-worker", help=argparse.SUPPRESS)  # JSON config of the load process


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _token_and_sellers(settings: Settings) -> tuple[str, list[str], list[str]]:
    from sqlalchemy import select

    from guetteur.auth import service as auth
    from guetteur.marketplace.models import Seller
    from guetteur.registry.models import Brand

    engine = make_engine(settings)
    actor = system_actor("benchmark")
    with transaction(make_session_factory(engine)) as session:
        org = auth.create_organisation(
            session, actor=actor, slug=f"bench-{os.getpid()}", name="Bench", kind="marketplace"
        )
        user = auth.create_user(
            session, actor=actor, organisation_id=org.id, email=f"bench{os.getpid()}@bench.test",
            display_name="Bench", role="analyst", password="a-long-benchmark-passphrase-1",
        )  # fmt: skip
        _row, token = auth.create_token(session, actor=actor, user_id=user.id, name="bench")
        sellers = list(session.scalars(select(Seller.id).where(Seller.status == "active")))
        brands = list(session.scalars(select(Brand.name)))
    engine.dispose()
    return token, sellers, brands


def _start_server(settings: Settings, port: int, log: Path) -> subprocess.Popen[bytes]:
    env = {**os.environ, "GUETTEUR_DATA_DIR": str(settings.data_dir),
           "GUETTEUR_DATABASE_URL": settings.database_url, "GUETTEUR_SECRET_KEY": "bench-secret",
           "GUETTEUR_ENVIRONMENT": "test"}  # fmt: skip
    guetteur = str(Path(sys.executable).with_name("guetteur"))
    command = [guetteur, "serve", "--host", "127.0.0.1", "--port", str(port)]
    with log.open("wb") as out:
        server = subprocess.Popen(command, env=env, stdout=out, stderr=subprocess.STDOUT)
    import httpx

    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/login", timeout=1).status_code == 200:
                return server
        except httpx.HTTPError:
            time.sleep(0.2)
    server.terminate()
    raise SystemExit(f"the server did not start; see {log}")


def run_api(settings: Settings, args: argparse.Namespace) -> None:
    """Start `guetteur serve`, drive it from a second process, print the latency figures."""
    token, sellers, brands = _token_and_sellers(settings)
    port = _free_port()
    log = settings.data_dir / "serve.log"
    server = _start_server(settings, port, log)
    config = {"url": f"http://127.0.0.1:{port}", "token": token, "sellers": sellers,
              "brands": brands, "requests": args.api_requests, "rate": args.api_rate,
              "seconds": args.api_seconds, "image_every": args.api_image_every}  # fmt: skip
    try:
        worker = subprocess.run(
            [sys.executable, __file__, "--load-worker", json.dumps(config)],
            capture_output=True, text=True, timeout=args.api_seconds + 120, check=False,
        )  # fmt: skip
    finally:
        server.terminate()
        server.wait(timeout=30)
    if worker.returncode != 0:
        raise SystemExit(f"load process failed: {worker.stderr[-2000:]}")
    print(worker.stdout.strip())


def _png() -> str:
    from PIL import Image

    out = io.BytesIO()
    colour = tuple(random.randrange(256) for _ in range(3))
    Image.new("RGB", (96, 96), colour).save(out, format="PNG")
    return base64.b64encode(out.getvalue()).decode()


def _listing(config: dict[str, object], i: int, rng: random.Random) -> dict[str, object]:
    brand = rng.choice(config["brands"] or ["Generic"])  # type: ignore[arg-type]
    body: dict[str, object] = {
        "id": f"bench-{os.getpid()}-{i}", "seller_id": rng.choice(config["sellers"]),  # type: ignore[arg-type]
        "title": rng.choice(TITLES).format(brand=brand, n=rng.randrange(30, 48)),
        "description": "Fast shipping. Original packaging.", "brand": brand,
        "category": "sneakers", "price": round(rng.uniform(5, 400), 2), "currency": "EUR",
        "ships_from": rng.choice(["FR", "CN", "DE", "TR"]), "quantity": rng.randrange(1, 50),
    }  # fmt: skip
    every = int(config["image_every"])  # type: ignore[call-overload]
    if every and i % every == 0:
        body["images"] = [{"filename": "p.png", "data": _png()}]
    return body


def load_worker(args: argparse.Namespace) -> None:
    """The load-generating process: steady submissions, then the latency figures."""
    import httpx

    config = json.loads(args.load_worker)
    rng = random.Random(7)
    interval = 1.0 / float(config["rate"])
    latencies: list[float] = []
    errors = 0
    headers = {"Authorization": f"Bearer {config['token']}"}
    with httpx.Client(base_url=config["url"], headers=headers, timeout=10) as client:
        for i in range(20):  # warm-up: model and registry loaded, connections open
            client.post("/api/listings", json=_listing(config, -1 - i, rng))
        started = time.monotonic()
        for i in range(int(config["requests"])):
            due = started + i * interval
            if time.monotonic() - started > float(config["seconds"]):
                break
            time.sleep(max(0.0, due - time.monotonic()))
            begin = time.perf_counter()
            response = client.post("/api/listings", json=_listing(config, i, rng))
            latencies.append((time.perf_counter() - begin) * 1000)
            errors += response.status_code != 201
    latencies.sort()
    n = len(latencies)

    def pct(q: float) -> float:
        return latencies[min(n - 1, int(q * n))]

    print(f"API single submissions at {config['rate']:.0f}/s from a second process: {n} "
          f"requests, {errors} errors; latency p50 {pct(0.5):.1f} ms, p95 {pct(0.95):.1f} ms, "
          f"p99 {pct(0.99):.1f} ms, max {latencies[-1]:.1f} ms (target p99 < 25 ms)")  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data-dir", type=Path, help="store with a promoted model (GUETTEUR_*)")
    parser.add_argument("--scale", type=float, default=0.3, help="world size when generating")
    parser.add_argument("--rows", type=int, default=100_000, help="rows to score")
    parser.add_argument("--repeat", type=int, default=2, help="best of N timings")
    parser.add_argument("--spark", action=argparse.BooleanOptionalAction, default=True,
                        help="measure the Spark engine too (detection_spark.py)")  # fmt: skip
    add_api_arguments(parser)
    args = parser.parse_args()
    if args.load_worker:
        load_worker(args)
        return
    print(f"cores available: {len(os.sched_getaffinity(0))}")
    if args.data_dir:
        settings = Settings(data_dir=args.data_dir)
        measure(settings, args.rows, args.repeat, args.spark)
        if args.api:
            run_api(settings, args)
        return
    with tempfile.TemporaryDirectory() as folder:
        settings = prepare(args.scale, Path(folder))
        measure(settings, args.rows, args.repeat, args.spark)
        if args.api:
            run_api(settings, args)


if __name__ == "__main__":
    main()
