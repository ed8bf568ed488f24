"""The blocking index kept in the store, for linking one new account against the existing set.

Each record contributes one `BlockingKey` row per key it holds: the Splink blocking keys (to find
candidates), the term-frequency columns (to count how common a value is), and the exact
identifiers that make graph edges (device, VAT number).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from sqlalchemy import and_, delete, func, insert, or_, select
from sqlalchemy.orm import Session

from guetteur.actors import linkage
from guetteur.actors.graph import EDGE_IDENTIFIERS
from guetteur.actors.models import BlockingKey, LinkRecordRow
from guetteur.actors.records import LinkRecord

TF_COLUMNS = tuple(c.column for c in linkage.SPEC if c.term_frequency)
SCALAR_KINDS = tuple(
    dict.fromkeys(
        (*linkage.BLOCKING_KEYS, *TF_COLUMNS, *(k for k in EDGE_IDENTIFIERS if k != "device"))
    )
)
BATCH = 5000
MAX_KEY = 500  # the width of BlockingKey.key_value; longer values are cut the same way


def keys_of(record: LinkRecord) -> Iterator[tuple[str, str]]:
    """Every (key kind, value) of a record that the index keeps."""
    for kind in SCALAR_KINDS:
        value = getattr(record, kind)
        if value:
            yield kind, value[:MAX_KEY]
    for device in record.devices:
        yield "device", device[:MAX_KEY]


def tf_totals(records: Iterable[LinkRecord]) -> dict[str, int]:
    """How many records hold a value in each term-frequency column."""
    totals = dict.fromkeys(TF_COLUMNS, 0)
    for record in records:
        for column in TF_COLUMNS:
            if getattr(record, column):
                totals[column] += 1
    return totals


def rebuild(session: Session, records: Iterable[LinkRecord]) -> None:
    """Replace the whole index with these (super-node-free) records."""
    session.execute(delete(BlockingKey))
    session.execute(delete(LinkRecordRow))
    rows: list[dict[str, Any]] = []
    keys: list[dict[str, Any]] = []
    for record in records:
        rows.append(_row(record))
        keys.extend(
            {"key_kind": k, "key_value": v, "member_id": record.unique_id}
            for k, v in keys_of(record)
        )
        if len(keys) >= BATCH:
            _flush(session, rows, keys)
    _flush(session, rows, keys)


def add(session: Session, record: LinkRecord) -> None:
    """Add (or replace) one record in the index."""
    session.execute(delete(BlockingKey).where(BlockingKey.member_id == record.unique_id))
    session.execute(delete(LinkRecordRow).where(LinkRecordRow.member_id == record.unique_id))
    keys = [
        {"key_kind": k, "key_value": v, "member_id": record.unique_id} for k, v in keys_of(record)
    ]
    _flush(session, [_row(record)], keys)


def _row(record: LinkRecord) -> dict[str, Any]:
    return {
        "member_id": record.unique_id,
        "kind": record.kind,
        "created_at": record.created_at,
        "record": record.as_dict(),
    }


def _flush(session: Session, rows: list[dict[str, Any]], keys: list[dict[str, Any]]) -> None:
    if rows:
        session.execute(insert(LinkRecordRow), rows)
        rows.clear()
    if keys:
        session.execute(insert(BlockingKey), keys)
        keys.clear()


class StoreIndex:
    """Candidates and term frequencies read from the store's blocking index."""

    def __init__(self, session: Session, totals: dict[str, int]) -> None:
        self.session = session
        self.totals = dict(totals)
        self.pending: set[tuple[str, str]] = set()

    def candidates(self, record: LinkRecord) -> list[LinkRecord]:
        """Indexed records sharing a Splink blocking key with the record."""
        pairs = [(k, v) for k, v in keys_of(record) if k in linkage.BLOCKING_KEYS]
        return self._records(pairs, exclude=record.unique_id)

    def sharing(
        self, record: LinkRecord, kinds: tuple[str, ...]
    ) -> dict[tuple[str, str], list[str]]:
        """Indexed members holding each of the record's identifiers of these kinds."""
        wanted = [(k, v) for k, v in keys_of(record) if k in kinds]
        if not wanted:
            return {}
        query = select(BlockingKey.key_kind, BlockingKey.key_value, BlockingKey.member_id).where(
            or_(*(and_(BlockingKey.key_kind == k, BlockingKey.key_value == v) for k, v in wanted)),
            BlockingKey.member_id != record.unique_id,
        )
        held: dict[tuple[str, str], list[str]] = {}
        for kind, value, member in self.session.execute(query):
            held.setdefault((kind, value), []).append(member)
        return held

    def _records(self, pairs: list[tuple[str, str]], *, exclude: str) -> list[LinkRecord]:
        if not pairs:
            return []
        ids = select(BlockingKey.member_id).where(
            or_(*(and_(BlockingKey.key_kind == k, BlockingKey.key_value == v) for k, v in pairs)),
            BlockingKey.member_id != exclude,
        )
        rows = self.session.scalars(
            select(LinkRecordRow.record).where(LinkRecordRow.member_id.in_(ids))
        )
        return sorted((LinkRecord.from_dict(r) for r in rows), key=lambda r: r.unique_id)

    def tf(self, column: str, value: str) -> float | None:
        count = self.session.scalar(
            select(func.count()).where(
                BlockingKey.key_kind == column, BlockingKey.key_value == value[:MAX_KEY]
            )
        )
        count = int(count or 0) + (1 if (column, value) in self.pending else 0)
        total = self.totals.get(column, 0) + (1 if any(c == column for c, _ in self.pending) else 0)
        return count / total if count and total else None

    def forget(self) -> None:
        """Stop counting the record passed to `including`."""
        self.pending = set()

    def including(self, record: LinkRecord) -> StoreIndex:
        """Count the new record's values in the term frequencies, as a full run would."""
        self.pending = {(c, getattr(record, c)) for c in TF_COLUMNS if getattr(record, c)}
        return self
