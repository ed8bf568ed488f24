"""Bulk upserts of declarations and inspections, called by the import (`guetteur import`).

Values are compared, so re-importing an unchanged file writes nothing. A declaration's parties
are kept as JSON objects (the shape of FORMATS.md's `party`).
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from decimal import Decimal
from typing import Any

from sqlalchemy.orm import Session

from guetteur.customs.models import Declaration, Inspection
from guetteur.customs.schemas import DeclarationRecord, InspectionRecord
from guetteur.interchange.bulk import FOUR_PLACES, UpsertCounts, existing_keys, upsert

DECLARATION_COLUMNS = (
    "lodged_at",
    "office",
    "declarant_id",
    "importer",
    "consignor",
    "hs_code",
    "description",
    "origin_country",
    "quantity",
    "gross_weight_kg",
    "declared_value",
    "currency",
    "transport_mode",
    "seller_ref",
)
INSPECTION_COLUMNS = ("outcome", "brand_id", "units", "revenue")


def _money(value: float | None) -> Decimal | None:
    return None if value is None else Decimal(repr(value)).quantize(FOUR_PLACES)


def declaration_row(record: DeclarationRecord, _images: object = None) -> dict[str, Any]:
    """The Declaration columns of one validated line."""
    row = record.model_dump(exclude={"gross_weight_kg", "declared_value"})
    row["gross_weight_kg"] = _money(record.gross_weight_kg)
    row["declared_value"] = _money(record.declared_value)
    return row


def inspection_row(record: InspectionRecord, _images: object = None) -> dict[str, Any]:
    """The Inspection columns of one validated line."""
    row = record.model_dump(exclude={"revenue"})
    row["revenue"] = _money(record.revenue)
    return row


def existing_declaration_ids(session: Session, *, ids: Collection[str]) -> set[str]:
    """Which of `ids` are declarations in the store."""
    return existing_keys(session, model=Declaration, column="id", keys=ids)


def upsert_declarations(session: Session, *, rows: Sequence[dict[str, Any]]) -> UpsertCounts:
    """Insert or update declarations."""
    counts = upsert(session, model=Declaration, rows=rows, key=("id",), compare=DECLARATION_COLUMNS)
    session.flush()
    return counts


def upsert_inspections(session: Session, *, rows: Sequence[dict[str, Any]]) -> UpsertCounts:
    """Insert inspections, or update the findings of one with the same identity."""
    counts = upsert(
        session,
        model=Inspection,
        rows=rows,
        key=("declaration_id", "inspected_at"),
        compare=INSPECTION_COLUMNS,
    )
    session.flush()
    return counts
