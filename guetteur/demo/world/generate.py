"""`generate`: the whole demo world, written as FORMATS.md files plus a truth/ folder."""

from __future__ import annotations

import json
import time
from collections import Counter
from pathlib import Path
from typing import Any

from guetteur.demo.world import catalogue
from guetteur.demo.world.brands import pick_brands
from guetteur.demo.world.customs import CustomsWorld, SeizureLinks, write_customs
from guetteur.demo.world.images import ImagePool
from guetteur.demo.world.listings import ListingMaker
from guetteur.demo.world.market import write_listings
from guetteur.demo.world.model import END, START, Brand, Ring, Seller, WorldSummary, sub_rng
from guetteur.demo.world.parties import PartyBook
from guetteur.demo.world.places import Places
from guetteur.demo.world.records import (
    brand_record,
    product_record,
    ring_truth,
    seller_record,
    seller_truth,
)
from guetteur.demo.world.rings import hijack, make_lone, make_rings
from guetteur.demo.world.sellers import SellerFactory, make_honest_sellers, scaled
from guetteur.demo.world.supernodes import SuperNodes, make_super_nodes
from guetteur.demo.world.verdicts import Outcomes
from guetteur.demo.world.writer import JsonlFiles

LISTINGS_PER_SCALE = 30_000
DECLARATIONS_PER_SCALE = 9_000
FILES = (
    "brands", "products", "sellers", "listings", "verdicts", "notices", "declarations",
    "inspections", "truth/listings", "truth/sellers", "truth/rings", "truth/declarations",
    "truth/parties", "truth/super_nodes",
)  # fmt: skip


def _catalogue(seed: int, catalog_dir: Path) -> tuple[list[catalogue.CatalogItem], str]:
    items = catalogue.load_real(catalog_dir)
    if items:
        return items, "shared catalogue: " + ", ".join(
            sorted(p.name for p in catalog_dir.glob("*tableA.csv"))
        )
    return catalogue.fallback(sub_rng(seed, "fallback")), "fallback vocabulary"


def _actors(
    seed: int, scale: float, brands: list[Brand], places: Places
) -> tuple[list[Seller], list[Ring], SuperNodes]:
    rng = sub_rng(seed, "actors")
    nodes = make_super_nodes(rng)
    factory = SellerFactory(rng, places, nodes)
    honest = make_honest_sellers(factory, brands, scale)
    rings = make_rings(factory, brands, scale)
    make_lone(factory, brands, scale)
    hijack(rng, honest, rings, scale)
    sellers = factory.sellers
    order = list(range(len(sellers)))
    rng.shuffle(order)
    for number, key in enumerate(order, start=1):
        sellers[key].id = f"seller-{number:06d}"
    return sellers, rings, nodes


def _clear_images(out_dir: Path) -> None:
    folder = out_dir / "images"
    if folder.is_dir():
        for path in folder.glob("*.png"):
            path.unlink()


def generate(
    out_dir: Path, *, scale: float = 1.0, seed: int = 7, catalog_dir: Path | None = None
) -> WorldSummary:
    """Write a seeded demo world into `out_dir` (about 30,000 listings per unit of `scale`)."""
    if scale <= 0:
        raise ValueError("scale must be positive")
    started = time.perf_counter()
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    _clear_images(out_dir)
    items, source = _catalogue(seed, catalog_dir or catalogue.default_catalog_dir())
    n_brands = min(120, max(8, round(40 * scale**0.5)))
    brands = pick_brands(sub_rng(seed, "brands"), items, n_brands, per_brand=12)
    places = Places(seed)
    sellers, rings, nodes = _actors(seed, scale, brands, places)
    pool = ImagePool(out_dir, seed, generic_size=max(40, round(200 * scale**0.5)))
    outcomes = Outcomes()
    links = SeizureLinks()
    with JsonlFiles(out_dir, FILES) as files:
        _write_registry(files, brands, sellers, pool)
        maker = ListingMaker(sub_rng(seed, "listings"), brands, pool)
        total = max(50, round(LISTINGS_PER_SCALE * scale))
        write_listings(sub_rng(seed, "market"), maker, sellers, total, files, outcomes, links)
        customs_rng = sub_rng(seed, "customs")
        book = PartyBook(customs_rng, places, scaled(60, scale), scaled(80, scale))
        world = CustomsWorld(customs_rng, book, brands, sellers, rings)
        write_customs(
            customs_rng,
            world,
            files,
            outcomes,
            links,
            max(30, round(DECLARATIONS_PER_SCALE * scale)),
        )
        files.write_all("verdicts", outcomes.verdict_rows())
        files.write_all("notices", outcomes.notice_rows())
        _write_truth(files, sellers, rings, nodes)
        counts = {**files.counts, "images": pool.count}
    meta = {"seed": seed, "scale": scale, "catalog_source": source}
    _write_world_json(out_dir, meta, counts, sellers, rings)
    return WorldSummary(out_dir, seed, scale, source, counts, time.perf_counter() - started)


def _write_registry(
    files: JsonlFiles, brands: list[Brand], sellers: list[Seller], pool: ImagePool
) -> None:
    ids = {seller.key: seller.id for seller in sellers}
    for brand in brands:
        brand.logo = pool.logo(brand)
        for product in brand.products:
            product.image = pool.official(product, brand)
        files.write("brands", brand_record(brand, ids))
        files.write_all("products", (product_record(brand, p) for p in brand.products))
    for seller in sorted(sellers, key=lambda s: s.id):
        files.write("sellers", seller_record(seller))


def _write_truth(
    files: JsonlFiles, sellers: list[Seller], rings: list[Ring], nodes: SuperNodes
) -> None:
    labels = {f"k{seller.key}": seller.id for seller in sellers}
    for seller in sorted(sellers, key=lambda s: s.id):
        files.write("truth/sellers", seller_truth(seller))
    hijacked: dict[str, list[str]] = {}
    for seller in sellers:
        if seller.hijacked_at is not None and seller.ring_id:
            hijacked.setdefault(seller.ring_id, []).append(seller.id)
    files.write_all("truth/rings", (ring_truth(r, sorted(hijacked.get(r.id, []))) for r in rings))
    for row in nodes.describe():
        users = nodes.users.get(str(row["label"]), [])
        row["seller_ids"] = sorted(labels[k] for k in users)
        files.write("truth/super_nodes", row)


def _write_world_json(
    out_dir: Path,
    meta: dict[str, Any],
    counts: dict[str, int],
    sellers: list[Seller],
    rings: list[Ring],
) -> None:
    summary = {
        **meta,
        "period": {
            "start": START.isoformat().replace("+00:00", "Z"),
            "end": END.isoformat().replace("+00:00", "Z"),
        },
        "counts": counts,
        "seller_kinds": dict(sorted(Counter(s.kind for s in sellers).items())),
        "rings": len(rings),
        "ring_accounts": sum(len(r.members) for r in rings),
        "files": FILE_NOTES,
    }
    path = out_dir / "truth" / "world.json"
    path.write_text(json.dumps(summary, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


FILE_NOTES = {
    "truth/listings.jsonl": "every listing: label counterfeit|genuine, tactic (blatant, "
    "obfuscated, super_fake, quiet, hijacked), obfuscation, seller kind, ring_id, brand_id, "
    "product_id, "
    "image_sources (official, reencoded, cropped, mirrored, reseller, fake, generic)",
    "truth/sellers.jsonl": "every account: kind, counterfeiter, ring_id, hijacked_at, super-node "
    "identifiers it uses",
    "truth/rings.jsonl": "every ring: member seller ids, hijacked accounts it controls, the "
    "identifiers its members share, the brands it fakes, its tactics, its EU front company",
    "truth/declarations.jsonl": "every declaration: flow, counterfeit, other_fraud, brand_id, "
    "real consignor and importer entities and rings",
    "truth/parties.jsonl": "every declaration party as `declaration_id:role` (networks.jsonl "
    "convention) with its real entity, seller id and ring id",
    "truth/super_nodes.jsonl": "identifiers shared by many unrelated accounts (fulfilment "
    "centres, a registered-agent address, office IPs, an emulator device)",
    "verdicts.jsonl": "partial ground truth only; truth/listings.jsonl has every label",
}
