"""Bulk upserts of the marketplace, called by the import (`guetteur import`).

Sellers, listings (whose brand claim is resolved to a registry brand by exact normalised match;
fuzzy matching belongs to detection), verdicts identified by (listing, source, decided_at), and
brand notices. Values are compared, so re-importing an unchanged file writes nothing.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from guetteur.interchange.bulk import UpsertCounts, chunks, existing_keys, upsert
from guetteur.marketplace.models import Listing, Notice, Seller, Verdict
from guetteur.registry import ingest as registry

SELLER_COLUMNS = (
    "display_name",
    "legal_name",
    "registration_number",
    "vat_number",
    "country",
    "email",
    "phone",
    "address",
    "bank_account",
    "devices",
    "ips",
    "kyb_verified",
    "created_at",
)
LISTING_COLUMNS = (
    "seller_id",
    "created_at",
    "title",
    "description",
    "brand_claim",
    "brand_id",
    "category",
    "price",
    "currency",
    "images",
    "ships_from",
    "quantity",
    "gtin",
)
NOTICE_COLUMNS = ("brand_id", "listing_id", "reason", "submitted_at", "details")


def existing_seller_ids(session: Session, *, ids: Collection[str]) -> set[str]:
    """Which of `ids` are seller accounts."""
    return existing_keys(session, model=Seller, column="id", keys=ids)


def existing_listing_ids(session: Session, *, ids: Collection[str]) -> set[str]:
    """Which of `ids` are listings."""
    return existing_keys(session, model=Listing, column="id", keys=ids)


def resolve_brand(claim: str | None, index: Mapping[str, str]) -> str | None:
    """The registry brand a listing's brand claim names exactly (after normalisation), if any."""
    if not claim:
        return None
    return index.get(registry.normalise_name(claim))


def upsert_sellers(session: Session, *, rows: Sequence[dict[str, Any]]) -> UpsertCounts:
    """Insert or update seller accounts (rows of Seller columns; status is left alone)."""
    counts = upsert(session, model=Seller, rows=rows, key=("id",), compare=SELLER_COLUMNS)
    session.flush()
    return counts


def upsert_listings(
    session: Session,
    *,
    rows: Sequence[dict[str, Any]],
    brand_index: Mapping[str, str] | None = None,
) -> UpsertCounts:
    """Insert or update listings, setting `brand_id` from `brand_claim`; status is left alone."""
    index = registry.brand_claim_index(session) if brand_index is None else brand_index
    resolved = [{**row, "brand_id": resolve_brand(row["brand_claim"], index)} for row in rows]
    counts = upsert(session, model=Listing, rows=resolved, key=("id",), compare=LISTING_COLUMNS)
    session.flush()
    return counts


def upsert_verdicts(session: Session, *, rows: Sequence[dict[str, Any]]) -> UpsertCounts:
    """Insert verdicts, or update the verdict value of one with the same identity."""
    counts = upsert(
        session,
        model=Verdict,
        rows=rows,
        key=("listing_id", "source", "decided_at"),
        compare=("verdict",),
    )
    session.flush()
    return counts


def upsert_notices(session: Session, *, rows: Sequence[dict[str, Any]]) -> UpsertCounts:
    """Insert or update notices; a new one records whether its listing was blocked already."""
    counts = UpsertCounts()
    for batch in chunks(rows):
        blocked = _blocked_listings(session, {row["listing_id"] for row in batch})
        stamped = [{**row, "listing_was_blocked": row["listing_id"] in blocked} for row in batch]
        counts.add(upsert(session, model=Notice, rows=stamped, key=("id",), compare=NOTICE_COLUMNS))
    session.flush()
    return counts


def _blocked_listings(session: Session, ids: set[str]) -> set[str]:
    query = select(Listing.id).where(Listing.id.in_(ids), Listing.status == "blocked")
    return set(session.scalars(query))
