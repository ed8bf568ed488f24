"""Bulk upsert that compares values: insert new rows, update changed ones, leave the rest alone.

Used by the domains' `ingest` modules. Rows are plain dicts of column values; work is done in
chunks with one SELECT and at most one executemany INSERT and one executemany UPDATE per chunk,
so tens of thousands of rows per second go through on SQLite. A row whose values are all equal
to the stored ones is not written at all, which is what makes a re-import a no-op. Values are
compared as Python values: callers pass money as Decimal with 4 places (as Numeric(18, 4) gives
it back) and times timezone-aware (aware datetimes compare and hash by instant).
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Iterator, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, TypeVar, cast

from sqlalchemy import Table, bindparam, insert, select, update
from sqlalchemy.orm import Session

from guetteur.db import Base

CHUNK = 2000
FOUR_PLACES = Decimal("0.0001")
T = TypeVar("T")


@dataclass
class UpsertCounts:
    """How many rows were inserted, updated and found unchanged."""

    inserted: int = 0
    updated: int = 0
    unchanged: int = 0

    @property
    def changed(self) -> int:
        return self.inserted + self.updated

    def add(self, other: UpsertCounts) -> None:
        self.inserted += other.inserted
        self.updated += other.updated
        self.unchanged += other.unchanged


def chunks(items: Iterable[T], size: int = CHUNK) -> Iterator[list[T]]:
    """Successive lists of at most `size` items."""
    batch: list[T] = []
    for item in items:
        batch.append(item)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


def table_of(model: type[Base]) -> Table:
    """The Core table of a mapped class."""
    return cast(Table, model.__table__)


def existing_keys(
    session: Session, *, model: type[Base], column: str, keys: Collection[str]
) -> set[str]:
    """Which of `keys` are present in `model.column`."""
    found: set[str] = set()
    col = table_of(model).c[column]
    for batch in chunks(sorted(keys)):
        found.update(session.scalars(select(col).where(col.in_(batch))))
    return found


def upsert(
    session: Session,
    *,
    model: type[Base],
    rows: Sequence[dict[str, Any]],
    key: Sequence[str],
    compare: Sequence[str],
    also_changed: Collection[Any] = (),
) -> UpsertCounts:
    """Insert or update `rows` identified by the `key` columns, comparing the `compare` columns.

    The first key column is what the stored rows are looked up by; rows are updated by primary
    key. Rows whose first key value is in `also_changed` count as updated even when their own
    columns are equal (a brand whose images changed, say), so their `updated_at` moves.
    """
    table = table_of(model)
    counts = UpsertCounts()
    for batch in chunks(rows):
        counts.add(_upsert_chunk(session, table, batch, key, compare, also_changed))
    return counts


def _upsert_chunk(
    session: Session,
    table: Table,
    rows: list[dict[str, Any]],
    key: Sequence[str],
    compare: Sequence[str],
    also_changed: Collection[Any],
) -> UpsertCounts:
    stored = _stored(session, table, rows, key, compare)
    inserts: list[dict[str, Any]] = []
    updates: list[dict[str, Any]] = []
    for row in rows:
        row_key = _key_of(row, key)
        found = stored.get(row_key)
        if found is None:
            inserts.append(row)
            continue
        pk, values = found
        wanted = tuple(row[c] for c in compare)
        if wanted != values or row[key[0]] in also_changed:
            updates.append({"_pk": pk, **{f"v_{c}": row[c] for c in compare}})
    if inserts:
        session.execute(insert(table), inserts)
    if updates:
        pk_col = next(iter(table.primary_key.columns))
        stmt = (
            update(table)
            .where(pk_col == bindparam("_pk"))
            .values({c: bindparam(f"v_{c}") for c in compare})
        )
        session.execute(stmt, updates)
    return UpsertCounts(len(inserts), len(updates), len(rows) - len(inserts) - len(updates))


def _key_of(row: dict[str, Any], key: Sequence[str]) -> tuple[Any, ...]:
    return tuple(row[c] for c in key)


def _stored(
    session: Session,
    table: Table,
    rows: list[dict[str, Any]],
    key: Sequence[str],
    compare: Sequence[str],
) -> dict[tuple[Any, ...], tuple[Any, tuple[Any, ...]]]:
    pk_col = next(iter(table.primary_key.columns))
    lookup = table.c[key[0]]
    wanted = {row[key[0]] for row in rows}
    columns = [pk_col, *(table.c[c] for c in key), *(table.c[c] for c in compare)]
    result: dict[tuple[Any, ...], tuple[Any, tuple[Any, ...]]] = {}
    split = 1 + len(key)
    for record in session.execute(select(*columns).where(lookup.in_(wanted))):
        result[tuple(record[1:split])] = (record[0], tuple(record[split:]))
    return result
