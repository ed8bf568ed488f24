"""Genuine catalogue items: read from ../shared/data/catalog at run time, or an invented vocabulary.

The real files are never copied into the repository; a fresh clone without them still gets a
world from the fallback vocabulary below (invented brand names, common product types).
"""

from __future__ import annotations

import csv
import html
import io
import random
import re
from dataclasses import dataclass
from pathlib import Path

WALMART = "walmart_amazon__walmart_tableA.csv"
AMAZON = "amazon_google__amazon_tableA.csv"


@dataclass(frozen=True)
class CatalogItem:
    """One genuine product as a catalogue lists it."""

    brand: str
    title: str
    category: str
    price: float
    description: str


def default_catalog_dir() -> Path:
    """The shared catalogue folder next to the repository (absent in a fresh clone)."""
    return Path(__file__).resolve().parents[3].parent / "shared" / "data" / "catalog"


def snake(text: str) -> str:
    """`stationery &amp; office machinery` -> `stationery_office_machinery`."""
    words = re.findall(r"[a-z0-9]+", html.unescape(text).lower())
    return "_".join(w for w in words if w not in {"and", "amp"}) or "general"


def _price(text: str) -> float:
    try:
        return float(text)
    except ValueError:
        return 0.0


def _walmart(path: Path) -> list[CatalogItem]:
    items: list[CatalogItem] = []
    with path.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            price = _price(row.get("price") or "")
            brand = (row.get("brand") or "").strip()
            if price <= 0 or not brand or not row.get("title"):
                continue
            items.append(
                CatalogItem(
                    brand=brand,
                    title=html.unescape(row["title"]).strip(),
                    category=snake(row.get("category") or "electronics"),
                    price=price,
                    description=html.unescape(row.get("proddescrlong") or "")[:400].strip(),
                )
            )
    return items


def _amazon_software(path: Path) -> list[CatalogItem]:
    raw = path.read_bytes().decode("latin-1").replace("\r\n", "\n").replace("\r", "\n")
    items: list[CatalogItem] = []
    for row in csv.DictReader(io.StringIO(raw)):
        price = _price(row.get("price") or "")
        brand = (row.get("manufacturer") or "").strip()
        if price <= 0 or not brand or not row.get("title"):
            continue
        items.append(
            CatalogItem(
                brand=brand,
                title=row["title"].strip(),
                category="software",
                price=price,
                description=(row.get("description") or "")[:400].strip(),
            )
        )
    return items


def load_real(catalog_dir: Path) -> list[CatalogItem]:
    """Items of the real catalogues present in `catalog_dir` (empty list when none are)."""
    items: list[CatalogItem] = []
    if (catalog_dir / WALMART).is_file():
        items.extend(_walmart(catalog_dir / WALMART))
    if (catalog_dir / AMAZON).is_file():
        items.extend(_amazon_software(catalog_dir / AMAZON))
    return items


# --- fallback vocabulary: invented brands, ordinary product types ---------------------------

_SYLLABLES = (
    "vel", "ora", "kor", "vane", "lu", "mio", "zen", "tari", "bel", "quo", "nix", "sol", "ari",
    "dan", "mer", "ko", "ve", "lis", "tor", "ena", "pra", "do", "ryn", "sa",
)  # fmt: skip

_TYPES: dict[str, list[tuple[str, float]]] = {
    "sneakers": [("running shoes", 120), ("high-top sneakers", 150), ("trail runners", 140)],
    "handbags": [("leather tote bag", 890), ("crossbody bag", 650), ("wallet", 320)],
    "watches": [("automatic watch", 2400), ("chronograph watch", 1800), ("dive watch", 3100)],
    "cosmetics": [("eau de parfum 100 ml", 115), ("lipstick", 38), ("face serum 30 ml", 72)],
    "headphones": [("wireless earbuds", 179), ("noise-cancelling headphones", 349)],
    "phone_accessories": [("fast charger 30W", 29), ("wireless charging pad", 49)],
    "sunglasses": [("aviator sunglasses", 169), ("polarised sunglasses", 199)],
    "apparel": [("hooded sweatshirt", 89), ("polo shirt", 75), ("down jacket", 420)],
    "toys": [("building set 500 pieces", 59), ("collector figure", 35)],
    "electronics_general": [("portable speaker", 129), ("smart watch", 299), ("power bank", 45)],
}

_ADJECTIVES = ("classic", "pro", "ultra", "essential", "signature", "urban", "air", "max", "lite")


def _brand_name(rng: random.Random) -> str:
    return "".join(rng.choice(_SYLLABLES) for _ in range(rng.choice((2, 2, 3)))).capitalize()


def fallback(rng: random.Random, n_brands: int = 60) -> list[CatalogItem]:
    """An invented catalogue: brand names made of syllables, each in one or two categories."""
    names: list[str] = []
    while len(names) < n_brands:
        name = _brand_name(rng)
        if name not in names and len(name) >= 4:
            names.append(name)
    categories = sorted(_TYPES)
    items: list[CatalogItem] = []
    for name in names:
        for category in rng.sample(categories, rng.choice((1, 1, 2))):
            for _ in range(rng.randint(4, 12)):
                kind, price = rng.choice(_TYPES[category])
                model = f"{rng.choice(_ADJECTIVES)} {rng.randint(1, 9)}{rng.choice('0257')}"
                items.append(
                    CatalogItem(
                        brand=name.lower(),
                        title=f"{name.lower()} {model} {kind}",
                        category=category,
                        price=round(price * rng.uniform(0.7, 1.4), 2),
                        description=f"Genuine {name} {kind}, model {model}. "
                        f"Manufacturer's warranty, original packaging.",
                    )
                )
    return items
