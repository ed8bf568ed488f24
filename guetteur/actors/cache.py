"""Process-level caches that make linking one new account fast through the store.

What never changes between two full runs is read once per process: the model's exported
weights (per artefact file), the super-node values of the run, and a copy in memory of the
store's blocking index with its term-frequency counts. The copy is rebuilt when the last run id
changes, and caught up (a single indexed query) when any process added records since: blocking
key ids only grow between runs. Term frequencies follow `index.StoreIndex` exactly (counts of the
indexed values, totals of the run), so the scorer applies the same weights as the full run.
"""

from __future__ import annotations

import threading
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from guetteur.actors import linkage
from guetteur.actors.graph import SuperNode, excluded_values
from guetteur.actors.index import MAX_KEY, TF_COLUMNS, keys_of
from guetteur.actors.models import BlockingKey, LinkageRun, LinkRecordRow, SuperNodeValue
from guetteur.actors.records import LinkRecord
from guetteur.actors.scorer import Scorer

_BLOCKING = frozenset(linkage.BLOCKING_KEYS)
_TF = frozenset(TF_COLUMNS)


class MemoryStoreIndex:
    """The store's blocking index held in memory: candidates, shared identifiers, term counts."""

    def __init__(self, totals: dict[str, int]) -> None:
        self.totals = dict(totals)
        self.records: dict[str, LinkRecord] = {}
        self.keys: dict[tuple[str, str], set[str]] = defaultdict(set)
        self.pending: set[tuple[str, str]] = set()

    def put(self, record: LinkRecord) -> None:
        """Index one record, replacing what was indexed under its id."""
        self.drop(record.unique_id)
        self.records[record.unique_id] = record
        for key in keys_of(record):
            self.keys[key].add(record.unique_id)

    def drop(self, member_id: str) -> None:
        old = self.records.pop(member_id, None)
        if old is None:
            return
        for key in keys_of(old):
            holders = self.keys.get(key)
            if holders is not None:
                holders.discard(member_id)
                if not holders:
                    del self.keys[key]

    def candidates(self, record: LinkRecord) -> list[LinkRecord]:
        """Indexed records sharing a Splink blocking key with the record (in id order)."""
        found: set[str] = set()
        for kind, value in keys_of(record):
            if kind in _BLOCKING:
                found.update(self.keys.get((kind, value), ()))
        found.discard(record.unique_id)
        return [self.records[i] for i in sorted(found)]

    def sharing(
        self, record: LinkRecord, kinds: tuple[str, ...]
    ) -> dict[tuple[str, str], list[str]]:
        """Indexed members holding each of the record's identifiers of these kinds."""
        held = {}
        for kind, value in keys_of(record):
            if kind in kinds:
                others = sorted(self.keys.get((kind, value), set()) - {record.unique_id})
                if others:
                    held[(kind, value)] = others
        return held

    def tf(self, column: str, value: str) -> float | None:
        count = len(self.keys.get((column, value[:MAX_KEY]), ())) if column in _TF else 0
        count += 1 if (column, value) in self.pending else 0
        total = self.totals.get(column, 0) + (1 if any(c == column for c, _ in self.pending) else 0)
        return count / total if count and total else None

    def forget(self) -> None:
        """Stop counting the record passed to `including`."""
        self.pending = set()

    def including(self, record: LinkRecord) -> MemoryStoreIndex:
        """Count the new record's values in the term frequencies, as a full run would."""
        self.pending = {(c, getattr(record, c)) for c in TF_COLUMNS if getattr(record, c)}
        return self


@dataclass
class RunCache:
    """What one process keeps of one run of one store."""

    run_id: int
    excluded: dict[str, frozenset[str]]
    index: MemoryStoreIndex
    last_key_id: int
    lock: threading.Lock = field(default_factory=threading.Lock)


@dataclass
class _Scorers:
    by_file: dict[tuple[Path, int], tuple[linkage.Artefact, Scorer]] = field(default_factory=dict)


_runs: dict[str, RunCache] = {}
_scorers = _Scorers()
_guard = threading.Lock()


def _store_key(session: Session) -> str:
    return session.get_bind().engine.url.render_as_string(hide_password=True)


def _max_key_id(session: Session) -> int:
    return int(session.scalar(select(func.max(BlockingKey.id))) or 0)


def _records(session: Session, member_ids: Iterable[str] | None = None) -> Iterable[LinkRecord]:
    query = select(LinkRecordRow.record)
    if member_ids is not None:
        query = query.where(LinkRecordRow.member_id.in_(sorted(set(member_ids))))
    for row in session.scalars(query.execution_options(yield_per=5000)):
        yield LinkRecord.from_dict(row)


def _load(session: Session, run: LinkageRun) -> RunCache:
    supers = session.scalars(select(SuperNodeValue).where(SuperNodeValue.run_id == run.id))
    excluded = excluded_values(SuperNode(s.kind, s.value, s.degree) for s in supers)
    last = _max_key_id(session)
    index = MemoryStoreIndex(run.tf_totals)
    for record in _records(session):
        index.put(record)
    return RunCache(run.id, excluded, index, last)


def _catch_up(session: Session, cache: RunCache) -> None:
    """Take in the records other processes (or this one) indexed since the cache was read."""
    last = _max_key_id(session)
    if last == cache.last_key_id:
        return
    # no DISTINCT: SQLite would walk the member_id index instead of the primary key range
    changed = set(
        session.scalars(select(BlockingKey.member_id).where(BlockingKey.id > cache.last_key_id))
    )
    for record in _records(session, changed):
        cache.index.put(record)
    cache.last_key_id = last


def run_cache(session: Session, run: LinkageRun) -> RunCache:
    """The process's cache of this run's index, loaded on first use or after a new run."""
    key = _store_key(session)
    with _guard:
        cache = _runs.get(key)
        if cache is None or cache.run_id != run.id:
            cache = _load(session, run)
            _runs[key] = cache
    with cache.lock:
        _catch_up(session, cache)
    return cache


def indexed(cache: RunCache, record: LinkRecord) -> None:
    """Note a record this process just added to the store's index.

    The next catch-up reads it again from the store (its keys have new ids), which also undoes
    it if the transaction that added it was rolled back.
    """
    cache.index.put(record)


def scorer(models_dir: Path) -> tuple[linkage.Artefact, Scorer] | None:
    """The latest linkage artefact and its scorer, read again only when the file changes."""
    path = linkage.latest_file(models_dir)
    if path is None:
        return None
    stamp = (path, path.stat().st_mtime_ns)
    found = _scorers.by_file.get(stamp)
    if found is None:
        loaded = linkage.load(models_dir)
        if loaded is None:
            return None
        found = (loaded, Scorer(loaded.weights))
        _scorers.by_file[stamp] = found
    return found


def clear() -> None:
    """Forget everything (tests, or after restoring a store)."""
    with _guard:
        _runs.clear()
        _scorers.by_file.clear()
