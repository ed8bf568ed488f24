"""Brands and their genuine catalogues, picked from the catalogue items."""

from __future__ import annotations

import random
from collections import defaultdict

from guetteur.demo.world.catalogue import CatalogItem
from guetteur.demo.world.model import Brand, Product

MANUFACTURING = ("CN", "JP", "US", "DE", "VN", "TW", "KR", "MY", "MX", "IT", "FR", "TH", "IN")
_SHORT_UPPER = 3


def gtin_check_digit(body: str) -> str:
    """The GS1 check digit of the digits in `body` (any GTIN length)."""
    total = sum(int(d) * (3 if i % 2 == 0 else 1) for i, d in enumerate(reversed(body)))
    return str((10 - total % 10) % 10)


def make_gtin13(prefix: str, item: int) -> str:
    """A GTIN-13 from a 7-digit company prefix and an item reference."""
    body = f"{prefix}{item % 100000:05d}"
    return body + gtin_check_digit(body)


def display_name(raw: str) -> str:
    """`hp` -> `HP`, `da-lite` -> `Da-Lite`, `startech` -> `Startech`."""
    if len(raw) <= _SHORT_UPPER:
        return raw.upper()
    return " ".join("-".join(p.capitalize() for p in word.split("-")) for word in raw.split())


def aliases_for(name: str) -> list[str]:
    """Other spellings a brand uses itself."""
    found = {name.upper(), name.replace("-", " "), name.replace("-", "")} - {name}
    return sorted(a for a in found if a.strip())


def _group(items: list[CatalogItem]) -> dict[str, list[CatalogItem]]:
    groups: dict[str, list[CatalogItem]] = defaultdict(list)
    for item in items:
        groups[item.brand.lower()].append(item)
    return groups


def pick_brands(
    rng: random.Random, items: list[CatalogItem], n_brands: int, per_brand: int
) -> list[Brand]:
    """The `n_brands` brands of the world, each with up to `per_brand` products."""
    groups = _group(items)
    eligible = sorted(b for b, rows in groups.items() if len(rows) >= 3)
    chosen = sorted(rng.sample(eligible, min(n_brands, len(eligible))))
    prefixes = rng.sample(range(4_000_000, 4_999_999), len(chosen))
    brands: list[Brand] = []
    product_index = 0
    for index, raw in enumerate(chosen):
        name = display_name(raw)
        rows = rng.sample(groups[raw], min(per_brand, len(groups[raw])))
        brand = Brand(
            index=index,
            id=f"brand-{index + 1:03d}",
            name=name,
            aliases=aliases_for(name),
            categories=sorted({row.category for row in rows}),
            countries=sorted(rng.sample(MANUFACTURING, rng.randint(1, 3))),
            gs1_prefix=f"{prefixes[index]:07d}",
        )
        for item_ref, row in enumerate(rows):
            brand.products.append(_product(brand, row, product_index, item_ref))
            product_index += 1
        brands.append(brand)
    return brands


def _product(brand: Brand, row: CatalogItem, index: int, item_ref: int) -> Product:
    title = row.title
    if brand.name.lower() not in title.lower():
        title = f"{brand.name} {title}"
    return Product(
        index=index,
        id=f"prod-{index + 1:05d}",
        brand_index=brand.index,
        title=title[:200],
        category=row.category,
        msrp=round(row.price, 2),
        gtin=make_gtin13(brand.gs1_prefix, item_ref + 1),
        description=row.description,
    )
