"""The registry as detection sees it: brands, their names, catalogue prices and own pictures.

Loaded once per run (read-only) from the registry tables into plain frozen structures, so the
feature code stays pure and the same catalogue can be reused for many listings.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from guetteur.detection.brand_signals import BrandMatcher, BrandName, normalise
from guetteur.detection.images import Reference
from guetteur.registry.models import AuthorisedSeller, Brand, BrandImage, Product


@dataclass(frozen=True)
class BrandInfo:
    """One registry brand with what detection needs to know about it."""

    id: str
    name: str
    aliases: tuple[str, ...] = ()
    categories: tuple[str, ...] = ()
    countries_of_manufacture: tuple[str, ...] = ()
    authorised_sellers: frozenset[str] = frozenset()


@dataclass(frozen=True)
class ProductInfo:
    """One genuine product of a brand's catalogue."""

    id: str
    brand_id: str
    title: str
    category: str
    msrp: float
    currency: str
    gtin: str | None = None
    image_shas: tuple[str, ...] = ()


@dataclass
class Catalogue:
    """Brands, products and reference pictures, indexed for lookups by detection."""

    brands: dict[str, BrandInfo]
    products: dict[str, ProductInfo]
    references: list[Reference]
    matcher: BrandMatcher = field(init=False)
    by_gtin: dict[str, ProductInfo] = field(init=False)
    by_brand: dict[str, list[ProductInfo]] = field(init=False)
    titles: dict[str, list[str]] = field(init=False)

    def __post_init__(self) -> None:
        names = [BrandName(b.id, n) for b in self.brands.values() for n in (b.name, *b.aliases)]
        self.matcher = BrandMatcher(names)
        self.by_gtin = {p.gtin.lstrip("0"): p for p in self.products.values() if p.gtin}
        grouped: dict[str, list[ProductInfo]] = defaultdict(list)
        for product in self.products.values():
            grouped[product.brand_id].append(product)
        self.by_brand = dict(grouped)
        self.titles = {b: [normalise(p.title) for p in ps] for b, ps in grouped.items()}

    def product_by_gtin(self, gtin: str | None) -> ProductInfo | None:
        """The catalogue product with this GTIN (leading zeros ignored), if any."""
        if not gtin:
            return None
        return self.by_gtin.get(gtin.strip().lstrip("0"))


def _shas(images: Iterable[Any]) -> tuple[str, ...]:
    shas = []
    for image in images or ():
        sha = image.get("sha256") if isinstance(image, dict) else None
        if sha:
            shas.append(str(sha))
    return tuple(shas)


def load_catalogue(session: Session) -> Catalogue:
    """The registry as it is now (brands carry no validity period to replay)."""
    sellers: dict[str, set[str]] = defaultdict(set)
    for brand_id, seller_id in session.execute(
        select(AuthorisedSeller.brand_id, AuthorisedSeller.seller_id)
    ):
        sellers[brand_id].add(seller_id)
    brands = {
        b.id: BrandInfo(
            id=b.id,
            name=b.name,
            aliases=tuple(b.aliases or ()),
            categories=tuple(b.categories or ()),
            countries_of_manufacture=tuple(c.upper() for c in b.countries_of_manufacture or ()),
            authorised_sellers=frozenset(sellers.get(b.id, ())),
        )
        for b in session.scalars(select(Brand))
    }
    products = {
        p.id: ProductInfo(
            id=p.id,
            brand_id=p.brand_id,
            title=p.title,
            category=p.category,
            msrp=float(p.msrp),
            currency=p.currency,
            gtin=p.gtin,
            image_shas=_shas(p.images),
        )
        for p in session.scalars(select(Product))
    }
    references = [
        Reference(sha, brand_id)
        for brand_id, sha in session.execute(select(BrandImage.brand_id, BrandImage.sha256))
        if sha
    ]
    references += [Reference(s, p.brand_id, p.id) for p in products.values() for s in p.image_shas]
    return Catalogue(brands, products, references)
