"""Rows per second of `guetteur import` on the demo world, into SQLite and PostgreSQL.

    .venv/bin/python benchmarks/import.py                  # scales 1 and 10, both stores
    .venv/bin/python benchmarks/import.py --scales 1 --stores sqlite

Each (scale, store) run happens in a child process, so its peak memory (ru_maxrss) is its own.
The world is written by `guetteur.demo.world.generate`; when that is missing (or with
`--synthetic`) a plain synthetic world of the same size is written instead, and the output says so.
PostgreSQL: 127.0.0.1:5432, user postgres, database test, in a fresh schema dropped afterwards.
Each run imports the folder twice, the way `guetteur import` does (one transaction per file):
the second import is the no-op re-import.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

from PIL import Image

POSTGRES_URL = os.environ.get(
    "GUETTEUR_BENCH_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)


def write_world(out: Path, *, scale: float, synthetic: bool) -> str:
    """Write the world for `scale` into `out`; say which generator wrote it."""
    if not synthetic:
        try:
            from guetteur.demo.world import generate
        except ImportError:
            synthetic = True
        else:
            generate(out, scale=scale, seed=7)
            return "guetteur.demo.world.generate"
    write_synthetic(out, scale=scale)
    return "synthetic (benchmarks/import.py)"


def write_synthetic(out: Path, *, scale: float) -> None:
    """A plain world of the demo's size: 30,000 listings per unit of scale."""
    out.mkdir(parents=True, exist_ok=True)
    (out / "images").mkdir(exist_ok=True)
    for i in range(50):
        Image.new("RGB", (16, 16), (i * 5, 100, 200 - i)).save(out / "images" / f"{i}.png")
    n = max(1, int(30_000 * scale))
    brands = [
        {"id": f"b{i}", "name": f"Brand {i}", "aliases": [f"BRAND-{i}"], "categories": ["shoes"],
         "authorized_sellers": [f"s{i}"], "official_images": [f"images/{i % 50}.png"]}
        for i in range(100)
    ]  # fmt: skip
    products = [
        {"id": f"p{i}", "brand_id": f"b{i % 100}", "title": f"Product {i}", "category": "shoes",
         "msrp": 100 + i % 50, "currency": "EUR", "images": [f"images/{i % 50}.png"]}
        for i in range(n // 15)
    ]  # fmt: skip
    sellers = [
        {"id": f"s{i}", "display_name": f"Shop {i}", "country": "FR", "email": f"s{i}@ex.org",
         "phone": "+33 1 23 45 67 89", "address": {"line1": f"{i} rue X", "city": "Paris",
         "postcode": "75001", "country": "FR"}, "devices": [f"d{i % 997}"], "ips": [],
         "kyb_verified": i % 3 == 0, "created_at": "2024-01-01T00:00:00Z"}
        for i in range(n // 10)
    ]  # fmt: skip
    listings = [
        {"id": f"l{i}", "seller_id": f"s{i % (n // 10)}", "created_at": "2025-01-01T00:00:00Z",
         "title": f"Brand {i % 100} shoe model {i}", "description": "nice shoes " * 5,
         "brand": f"brand {i % 100}", "category": "shoes", "price": 19.99 + i % 100,
         "currency": "EUR", "images": [f"images/{i % 50}.png"], "ships_from": "CN",
         "quantity": i % 40, "gtin": None}
        for i in range(n)
    ]  # fmt: skip
    verdicts = [
        {"listing_id": f"l{i}", "verdict": "counterfeit", "source": "review",
         "decided_at": "2025-02-01T00:00:00Z"}
        for i in range(0, n, 5)
    ]  # fmt: skip
    notices = [
        {"id": f"n{i}", "brand_id": f"b{i % 100}", "listing_id": f"l{i}", "reason": "counterfeit",
         "submitted_at": "2025-02-02T00:00:00Z"}
        for i in range(0, n, 20)
    ]  # fmt: skip
    files: dict[str, list[dict[str, Any]]] = {"brands": brands, "products": products}
    files |= {"sellers": sellers, "listings": listings}
    files |= {"verdicts": verdicts, "notices": notices}
    for kind, rows in files.items():
        with (out / f"{kind}.jsonl").open("w") as handle:
            handle.writelines(json.dumps(row) + "\n" for row in rows)


def one_run(world: Path, store: str, data_dir: Path) -> dict[str, Any]:
    """Import `world` twice into a fresh store of kind `store`; timings and peak memory."""
    from sqlalchemy import create_engine, text

    from guetteur.auth.actor import system_actor
    from guetteur.config import Settings
    from guetteur.db import Base, import_all_models, make_engine, make_session_factory, transaction
    from guetteur.interchange import service
    from guetteur.interchange.media import MediaStore

    schema = f"bench_{uuid.uuid4().hex[:10]}"
    url = f"sqlite:///{data_dir / 'bench.db'}"
    admin = None
    if store == "postgresql":
        admin = create_engine(POSTGRES_URL)
        with admin.begin() as conn:
            conn.execute(text(f'CREATE SCHEMA "{schema}"'))
        url = f"{POSTGRES_URL}?options=-csearch_path%3D{schema}"
    settings = Settings(environment="test", data_dir=data_dir, database_url=url)
    import_all_models()
    engine = make_engine(settings)
    Base.metadata.create_all(engine)
    sessions = make_session_factory(engine)
    actor = system_actor("benchmark")
    result: dict[str, Any] = {}
    try:
        for label in ("first", "again"):
            media = MediaStore(settings)
            started = time.perf_counter()
            rows = 0
            for planned in service.plan(world):
                with transaction(sessions) as session:
                    report = service.import_planned(
                        session, planned=planned, actor=actor, media=media
                    )
                if report.status == "rejected":
                    raise SystemExit(f"{report.file} rejected: {report.errors[:5]}")
                rows += report.rows
            result[label] = {"rows": rows, "seconds": time.perf_counter() - started}
    finally:
        engine.dispose()
        if admin is not None:
            with admin.begin() as conn:
                conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
            admin.dispose()
    result["peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return result


def postgres_up() -> bool:
    from sqlalchemy import create_engine, text

    try:
        engine = create_engine(POSTGRES_URL, connect_args={"connect_timeout": 3})
        with engine.connect() as conn:
            conn.execute(text("select 1"))
        engine.dispose()
    except Exception:
        return False
    return True


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scales", type=float, nargs="+", default=[1.0, 10.0])
    parser.add_argument("--stores", nargs="+", default=["sqlite", "postgresql"])
    parser.add_argument("--synthetic", action="store_true", help="skip the demo generator")
    parser.add_argument("--child", nargs=2, metavar=("WORLD", "STORE"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        with tempfile.TemporaryDirectory() as data_dir:
            print(json.dumps(one_run(Path(args.child[0]), args.child[1], Path(data_dir))))
        return
    stores = [s for s in args.stores if s != "postgresql" or postgres_up()]
    if len(stores) < len(args.stores):
        print(f"PostgreSQL not reachable at {POSTGRES_URL}: skipped")
    print(f"{'scale':>5} {'store':<10} {'rows':>9} {'import rows/s':>14} {'re-import rows/s':>17}"
          f" {'peak RSS MB':>12}")  # fmt: skip
    for scale in args.scales:
        with tempfile.TemporaryDirectory() as tmp:
            world = Path(tmp) / "world"
            started = time.perf_counter()
            source = write_world(world, scale=scale, synthetic=args.synthetic)
            print(f"# scale {scale:g}: world by {source} in {time.perf_counter() - started:.1f} s")
            for store in stores:
                child = [sys.executable, __file__, "--child", str(world), store]
                done = subprocess.run(child, capture_output=True, text=True)
                if done.returncode != 0:
                    print(f"{scale:>5g} {store:<10} FAILED: {done.stderr.strip()[-2000:]}")
                    continue
                r = json.loads(done.stdout.strip().splitlines()[-1])
                first, again = r["first"], r["again"]
                print(
                    f"{scale:>5g} {store:<10} {first['rows']:>9} "
                    f"{first['rows'] / first['seconds']:>14,.0f} "
                    f"{again['rows'] / again['seconds']:>17,.0f} {r['peak_rss_mb']:>12,.0f}",
                    flush=True,
                )


if __name__ == "__main__":
    main()
