"""The file kinds the import handles: schema, identity, references, images and writer of each.

Writing goes through the owning domain's `ingest` module; this module only turns validated
records into the rows those functions take.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Hashable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sqlalchemy.orm import Session

from guetteur.customs import ingest as customs
from guetteur.customs.schemas import DeclarationRecord, InspectionRecord
from guetteur.interchange.bulk import FOUR_PLACES, UpsertCounts
from guetteur.interchange.media import ImageRef
from guetteur.interchange.schemas import (
    BrandRecord,
    ListingRecord,
    NoticeRecord,
    ProductRecord,
    Record,
    SellerRecord,
    VerdictRecord,
)
from guetteur.marketplace import ingest as marketplace
from guetteur.registry import ingest as registry

Checker = Callable[..., set[str]]
Apply = Callable[[Session, list[Any], dict[str, Any]], UpsertCounts]


@dataclass(frozen=True)
class Kind:
    """How one kind of file is identified, checked and written."""

    name: str
    schema: type[Record]
    identity: tuple[str, ...]
    references: tuple[tuple[str, Checker], ...]
    image_field: str | None
    images_must_load: bool
    to_row: Callable[[Any, list[ImageRef]], Any]
    apply: Apply

    def key(self, record: Record) -> Hashable:
        return tuple(getattr(record, name) for name in self.identity)

    @property
    def identity_label(self) -> str:
        return self.identity[0] if len(self.identity) == 1 else f"({', '.join(self.identity)})"


def money(value: float) -> Decimal:
    """A JSON number as the decimal the store keeps (4 places)."""
    return Decimal(repr(value)).quantize(FOUR_PLACES)


def _brand_row(record: BrandRecord, images: list[ImageRef]) -> registry.BrandIngest:
    values = record.model_dump(
        include={"id", "name", "aliases", "categories", "countries_of_manufacture"}
    )
    return registry.BrandIngest(
        values=values,
        images=[(ref.sha256 or "", ref.source) for ref in images],
        seller_ids=list(record.authorized_sellers),
    )


def _product_row(record: ProductRecord, images: list[ImageRef]) -> dict[str, Any]:
    row = record.model_dump(exclude={"images", "msrp"})
    return {**row, "msrp": money(record.msrp), "images": [ref.as_json() for ref in images]}


def _seller_row(record: SellerRecord, _images: list[ImageRef]) -> dict[str, Any]:
    return record.model_dump()


def _listing_row(record: ListingRecord, images: list[ImageRef]) -> dict[str, Any]:
    row = record.model_dump(exclude={"images", "price", "brand"})
    row.update(
        brand_claim=record.brand,
        price=money(record.price),
        images=[ref.as_json() for ref in images],
    )
    return row


def _plain_row(record: Record, _images: list[ImageRef]) -> dict[str, Any]:
    return record.model_dump()


def _apply_brands(session: Session, rows: list[Any], _cache: dict[str, Any]) -> UpsertCounts:
    return registry.upsert_brands(session, brands=rows)


def _apply_products(session: Session, rows: list[Any], _cache: dict[str, Any]) -> UpsertCounts:
    return registry.upsert_products(session, rows=rows)


def _apply_sellers(session: Session, rows: list[Any], _cache: dict[str, Any]) -> UpsertCounts:
    return marketplace.upsert_sellers(session, rows=rows)


def _apply_listings(session: Session, rows: list[Any], cache: dict[str, Any]) -> UpsertCounts:
    if "brand_index" not in cache:
        cache["brand_index"] = registry.brand_claim_index(session)
    return marketplace.upsert_listings(session, rows=rows, brand_index=cache["brand_index"])


def _apply_verdicts(session: Session, rows: list[Any], _cache: dict[str, Any]) -> UpsertCounts:
    return marketplace.upsert_verdicts(session, rows=rows)


def _apply_notices(session: Session, rows: list[Any], _cache: dict[str, Any]) -> UpsertCounts:
    return marketplace.upsert_notices(session, rows=rows)


def _brands(session: Session, ids: Collection[str]) -> set[str]:
    return registry.existing_brand_ids(session, ids=ids)


def _sellers(session: Session, ids: Collection[str]) -> set[str]:
    return marketplace.existing_seller_ids(session, ids=ids)


def _listings(session: Session, ids: Collection[str]) -> set[str]:
    return marketplace.existing_listing_ids(session, ids=ids)


def _apply_declarations(session: Session, rows: list[Any], _cache: dict[str, Any]) -> UpsertCounts:
    return customs.upsert_declarations(session, rows=rows)


def _apply_inspections(session: Session, rows: list[Any], _cache: dict[str, Any]) -> UpsertCounts:
    return customs.upsert_inspections(session, rows=rows)


def _declarations(session: Session, ids: Collection[str]) -> set[str]:
    return customs.existing_declaration_ids(session, ids=ids)


KINDS: dict[str, Kind] = {
    kind.name: kind
    for kind in (
        Kind(
            "brands", BrandRecord, ("id",), (), "official_images", True, _brand_row, _apply_brands
        ),
        Kind(
            "products",
            ProductRecord,
            ("id",),
            (("brand_id", _brands),),
            "images",
            True,
            _product_row,
            _apply_products,
        ),
        Kind("sellers", SellerRecord, ("id",), (), None, False, _seller_row, _apply_sellers),
        Kind(
            "listings",
            ListingRecord,
            ("id",),
            (("seller_id", _sellers),),
            "images",
            False,
            _listing_row,
            _apply_listings,
        ),
        Kind(
            "verdicts",
            VerdictRecord,
            ("listing_id", "source", "decided_at"),
            (("listing_id", _listings),),
            None,
            False,
            _plain_row,
            _apply_verdicts,
        ),
        Kind(
            "notices",
            NoticeRecord,
            ("id",),
            (("brand_id", _brands), ("listing_id", _listings)),
            None,
            False,
            _plain_row,
            _apply_notices,
        ),
        Kind(
            "declarations",
            DeclarationRecord,
            ("id",),
            (),
            None,
            False,
            customs.declaration_row,
            _apply_declarations,
        ),
        Kind(
            "inspections",
            InspectionRecord,
            ("declaration_id", "inspected_at"),
            (("declaration_id", _declarations),),
            None,
            False,
            customs.inspection_row,
            _apply_inspections,
        ),
    )
}
ORDER = tuple(KINDS)
