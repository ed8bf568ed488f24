"""Score one record against candidates with the exported Splink weights, in plain Python.

This is what links a new account in milliseconds: a blocking index finds the candidates that
share a blocking key with it, and `Scorer` applies the very weights (levels, term-frequency
adjustments, prior) that Splink applied in the full run, so both give the same match weight.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, Protocol

from rapidfuzz.distance import JaroWinkler

from guetteur.actors.records import LinkRecord


class TermFrequencies(Protocol):
    """Share of the records holding a value in a column (None when nobody holds it)."""

    def tf(self, column: str, value: str) -> float | None: ...


@dataclass(frozen=True)
class Part:
    """One comparison's contribution to a pair's match weight."""

    column: str
    label: str
    level: str
    weight: float


@dataclass(frozen=True)
class Match:
    """A scored pair: the candidate, the total match weight and probability, and why."""

    other_id: str
    match_weight: float
    match_probability: float
    parts: tuple[Part, ...]

    def reasons(self) -> str:
        """The comparisons that argue for the match, strongest first, in words."""
        good = sorted((p for p in self.parts if p.weight >= 0.05), key=lambda p: -p.weight)
        return ", ".join(f"{p.label} {p.level} ({p.weight:+.1f})" for p in good)


def probability(match_weight: float) -> float:
    """Match probability of a match weight: 2^w / (1 + 2^w)."""
    if match_weight > 60:
        return 1.0
    odds = 2.0**match_weight
    return odds / (1.0 + odds)


def _level_applies(kind: str, left: str, right: str) -> bool:
    if kind == "exact":
        return left == right
    if kind.startswith("jw:"):
        return JaroWinkler.similarity(left, right) >= float(kind[3:])
    return True  # else


def _level_text(kind: str) -> str:
    if kind == "exact":
        return "identical"
    if kind.startswith("jw:"):
        return f"similar (≥{kind[3:]})"
    return "different"


class Scorer:
    """Applies an exported model (`linkage.export_weights`) to record pairs."""

    def __init__(self, weights: dict[str, Any]) -> None:
        self.prior = float(weights["prior"])
        self.comparisons = weights["comparisons"]

    def compare(self, left: LinkRecord, right: LinkRecord, tfs: TermFrequencies) -> Match:
        """The match weight of a pair, comparison by comparison, as Splink computes it."""
        total = self.prior
        parts = []
        for comparison in self.comparisons:
            column = comparison["column"]
            a, b = getattr(left, column), getattr(right, column)
            if a is None or b is None:
                continue
            for level in comparison["levels"]:
                if _level_applies(level["kind"], a, b):
                    weight = level["weight"] + _tf_adjustment(level, column, a, b, tfs)
                    parts.append(
                        Part(column, comparison["label"], _level_text(level["kind"]), weight)
                    )
                    total += weight
                    break
        return Match(right.unique_id, total, probability(total), tuple(parts))


def _tf_adjustment(
    level: dict[str, Any], column: str, a: str, b: str, tfs: TermFrequencies
) -> float:
    if "tf_weight" not in level:
        return 0.0
    tf_a, tf_b = tfs.tf(column, a), tfs.tf(column, b)
    if tf_a is None and tf_b is None:
        return 0.0
    tf_a, tf_b = (tf_a if tf_a is not None else tf_b), (tf_b if tf_b is not None else tf_a)
    value = max(tf_a or 0.0, tf_b or 0.0, float(level["tf_min_u"]))
    return float(level["tf_weight"]) * (float(level["tf_log2_u"]) - math.log2(value))


class MemoryIndex:
    """A blocking index and term-frequency counts held in memory (full runs, benchmarks)."""

    def __init__(
        self,
        records: Iterable[LinkRecord],
        blocking_keys: tuple[str, ...],
        tf_columns: tuple[str, ...],
    ) -> None:
        self.blocking_keys = blocking_keys
        self.tf_columns = tf_columns
        self.records: dict[str, LinkRecord] = {}
        self.keys: dict[tuple[str, str], list[str]] = defaultdict(list)
        self.counts: dict[str, Counter[str]] = {c: Counter() for c in tf_columns}
        self.totals: Counter[str] = Counter()
        self.pending: dict[tuple[str, str], int] = {}
        for record in records:
            self.add(record)

    def add(self, record: LinkRecord) -> None:
        """Index one record (its blocking keys and term-frequency values)."""
        self.records[record.unique_id] = record
        for key in self.blocking_keys:
            value = getattr(record, key)
            if value:
                self.keys[(key, value)].append(record.unique_id)
        for column in self.tf_columns:
            value = getattr(record, column)
            if value:
                self.counts[column][value] += 1
                self.totals[column] += 1

    def candidates(self, record: LinkRecord) -> list[LinkRecord]:
        """Indexed records sharing at least one blocking key with the record."""
        found: dict[str, None] = {}
        for key in self.blocking_keys:
            value = getattr(record, key)
            if value:
                for other in self.keys.get((key, value), ()):
                    if other != record.unique_id:
                        found[other] = None
        return [self.records[i] for i in found]

    def tf(self, column: str, value: str) -> float | None:
        count = self.counts[column].get(value, 0) + self.pending.get((column, value), 0)
        total = self.totals[column] + self.pending.get((column, ""), 0)
        return count / total if count and total else None

    def forget(self) -> None:
        """Stop counting the record passed to `including`."""
        self.pending = {}

    def including(self, record: LinkRecord) -> MemoryIndex:
        """Count the record's values in the term frequencies (as a full run including it would)."""
        self.pending = {}
        if record.unique_id in self.records:
            return self
        for column in self.tf_columns:
            value = getattr(record, column)
            if value:
                self.pending[(column, value)] = 1
                self.pending[(column, "")] = 1
        return self


class CandidateIndex(TermFrequencies, Protocol):
    """Where `link_one` finds candidates and term frequencies (in memory or in the store)."""

    def candidates(self, record: LinkRecord) -> list[LinkRecord]: ...

    def including(self, record: LinkRecord) -> TermFrequencies: ...

    def forget(self) -> None: ...


def link_one(
    scorer: Scorer, index: CandidateIndex, record: LinkRecord, *, threshold: float
) -> list[Match]:
    """The indexed records that match a record at or above a probability, best first."""
    tfs = index.including(record)
    try:
        matches = [scorer.compare(record, other, tfs) for other in index.candidates(record)]
    finally:
        index.forget()
    kept = [m for m in matches if m.match_probability >= threshold]
    return sorted(kept, key=lambda m: (-m.match_weight, m.other_id))
