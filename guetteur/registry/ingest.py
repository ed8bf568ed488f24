"""Bulk upserts of the brand registry, called by the import (`guetteur import`).

The import validates files; this module owns how registry rows are written: brands with their
images and authorised sellers, and the genuine catalogue. Values are compared, so re-importing an
unchanged file writes nothing.
"""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from collections.abc import Collection, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import delete, insert, select
from sqlalchemy.orm import Session

from guetteur.interchange.bulk import UpsertCounts, chunks, existing_keys, table_of, upsert
from guetteur.registry.models import AuthorisedSeller, Brand, BrandImage, Product

BRAND_COLUMNS = ("name", "aliases", "categories", "countries_of_manufacture")
PRODUCT_COLUMNS = ("brand_id", "gtin", "title", "category", "msrp", "currency", "images")
_SPACES = re.compile(r"\s+")


@dataclass
class BrandIngest:
    """One brand to upsert: its columns, its images (sha256, source) and authorised seller ids."""

    values: dict[str, Any]
    images: list[tuple[str, str]] = field(default_factory=list)
    seller_ids: list[str] = field(default_factory=list)


def normalise_name(text: str) -> str:
    """A brand name or claim for exact matching: NFKC, casefolded, whitespace collapsed."""
    return _SPACES.sub(" ", unicodedata.normalize("NFKC", text).casefold()).strip()


def existing_brand_ids(session: Session, *, ids: Collection[str]) -> set[str]:
    """Which of `ids` are brands in the registry."""
    return existing_keys(session, model=Brand, column="id", keys=ids)


def brand_claim_index(session: Session) -> dict[str, str]:
    """Normalised brand names and aliases -> brand id; a name beats an alias, ambiguity drops."""
    by_name: dict[str, set[str]] = defaultdict(set)
    by_alias: dict[str, set[str]] = defaultdict(set)
    for brand_id, name, aliases in session.execute(select(Brand.id, Brand.name, Brand.aliases)):
        by_name[normalise_name(name)].add(brand_id)
        for alias in aliases or []:
            by_alias[normalise_name(alias)].add(brand_id)
    index = {text: next(iter(ids)) for text, ids in by_alias.items() if len(ids) == 1}
    for text, ids in by_name.items():
        if len(ids) == 1:
            index[text] = next(iter(ids))
        else:
            index.pop(text, None)
    return index


def upsert_brands(session: Session, *, brands: Sequence[BrandIngest]) -> UpsertCounts:
    """Insert or update brands; a brand whose images or sellers changed counts as updated."""
    counts = UpsertCounts()
    for batch in chunks(brands, 500):
        ids = [b.values["id"] for b in batch]
        images, sellers = _stored_children(session, ids)
        stale = {
            b.values["id"]
            for b in batch
            if images.get(b.values["id"], []) != b.images
            or sellers.get(b.values["id"], set()) != set(b.seller_ids)
        }
        rows = [b.values for b in batch]
        counts.add(
            upsert(
                session,
                model=Brand,
                rows=rows,
                key=("id",),
                compare=BRAND_COLUMNS,
                also_changed=stale,
            )
        )
        _replace_children(session, [b for b in batch if b.values["id"] in stale])
    session.flush()
    return counts


def upsert_products(session: Session, *, rows: Sequence[dict[str, Any]]) -> UpsertCounts:
    """Insert or update catalogue products (rows of Product columns)."""
    counts = upsert(session, model=Product, rows=rows, key=("id",), compare=PRODUCT_COLUMNS)
    session.flush()
    return counts


def _stored_children(
    session: Session, ids: list[str]
) -> tuple[dict[str, list[tuple[str, str]]], dict[str, set[str]]]:
    images: dict[str, list[tuple[str, str]]] = defaultdict(list)
    query = (
        select(BrandImage.brand_id, BrandImage.sha256, BrandImage.source)
        .where(BrandImage.brand_id.in_(ids))
        .order_by(BrandImage.id)
    )
    for brand_id, sha256, source in session.execute(query):
        images[brand_id].append((sha256, source))
    sellers: dict[str, set[str]] = defaultdict(set)
    query2 = select(AuthorisedSeller.brand_id, AuthorisedSeller.seller_id).where(
        AuthorisedSeller.brand_id.in_(ids)
    )
    for brand_id, seller_id in session.execute(query2):
        sellers[brand_id].add(seller_id)
    return images, sellers


def _replace_children(session: Session, brands: list[BrandIngest]) -> None:
    if not brands:
        return
    ids = [b.values["id"] for b in brands]
    session.execute(delete(BrandImage).where(BrandImage.brand_id.in_(ids)))
    session.execute(delete(AuthorisedSeller).where(AuthorisedSeller.brand_id.in_(ids)))
    image_rows = [
        {"brand_id": b.values["id"], "sha256": sha256, "source": source}
        for b in brands
        for sha256, source in b.images
    ]
    seller_rows = [
        {"brand_id": b.values["id"], "seller_id": seller_id}
        for b in brands
        for seller_id in dict.fromkeys(b.seller_ids)
    ]
    if image_rows:
        session.execute(insert(table_of(BrandImage)), image_rows)
    if seller_rows:
        session.execute(insert(table_of(AuthorisedSeller)), seller_rows)
