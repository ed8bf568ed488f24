"""The unit ledger of one lot: a pure replay of custody events, refusing impossible ones.

Every unit of a line is in exactly one place: in store, with a destruction or recycling
contractor, sampled (sent to the right holder for analysis), released by a court, destroyed or
recycled. Events move units between these places, so for every line at every moment

    seized = destroyed + recycled + sampled + released + in store + with contractor

by construction; `Ledger.balance` checks it anyway. Once any unit of a lot was destroyed or
recycled, no unit of it can ever be released.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from guetteur.errors import Conflict, InvalidInput

PLACES = ("in_store", "with_contractor", "sampled", "released", "destroyed", "recycled")
# event kind -> (from place, to place); None: no units move
MOVES: dict[str, tuple[str, str] | None] = {
    "moved": None,
    "counted": None,
    "sampled": ("in_store", "sampled"),
    "handed_to_contractor": ("in_store", "with_contractor"),
    "destroyed": ("with_contractor", "destroyed"),
    "recycled": ("with_contractor", "recycled"),
    "released": ("in_store", "released"),
}


@dataclass
class LineCount:
    """Where the units of one line are."""

    seized: int
    in_store: int = 0
    with_contractor: int = 0
    sampled: int = 0
    released: int = 0
    destroyed: int = 0
    recycled: int = 0

    def __post_init__(self) -> None:
        if self.seized < 0:
            raise InvalidInput("units seized cannot be negative")

    @property
    def accounted(self) -> int:
        return sum(getattr(self, place) for place in PLACES)

    @property
    def in_custody(self) -> int:
        return self.in_store + self.with_contractor


@dataclass
class Ledger:
    """The counts of one lot's lines, keyed by line id."""

    lines: dict[str, LineCount]
    ever_destroyed: bool = False
    stock_differences: list[str] = field(default_factory=list)

    @classmethod
    def seized(cls, units: Mapping[str, int]) -> Ledger:
        """A new lot with `units` per line, all in store."""
        return cls({key: LineCount(seized=value, in_store=value) for key, value in units.items()})

    def apply(self, kind: str, units: Mapping[str, int]) -> None:
        """Apply one event; raise (and change nothing) when it is impossible."""
        self._check(kind, units)
        if kind == "counted":
            self._count(units)
            return
        move = MOVES[kind]
        if move is None:
            return
        if kind == "released" and self.ever_destroyed:
            raise Conflict("a lot of which units were destroyed or recycled cannot be released")
        source, target = move
        for key, value in units.items():
            if getattr(self.lines[key], source) < value:
                have = getattr(self.lines[key], source)
                raise Conflict(
                    f"line {key}: {value} units asked, {have} {source.replace('_', ' ')}"
                )
        for key, value in units.items():
            line = self.lines[key]
            setattr(line, source, getattr(line, source) - value)
            setattr(line, target, getattr(line, target) + value)
        if kind in {"destroyed", "recycled"} and any(units.values()):
            self.ever_destroyed = True

    def _check(self, kind: str, units: Mapping[str, int]) -> None:
        if kind not in MOVES:
            raise InvalidInput(f"unknown custody event {kind!r}")
        unknown = set(units) - set(self.lines)
        if unknown:
            raise InvalidInput(f"no line {sorted(unknown)[0]} in this lot")
        if any(value < 0 for value in units.values()):
            raise InvalidInput("units cannot be negative")

    def _count(self, units: Mapping[str, int]) -> None:
        for key, value in units.items():
            expected = self.lines[key].in_store
            if value != expected:
                self.stock_differences.append(
                    f"line {key}: {value} units counted in store, {expected} expected"
                )

    def balance(self) -> list[str]:
        """Lines whose units do not add up (empty when the lot reconciles)."""
        return [
            f"line {key}: {line.seized} seized but {line.accounted} accounted for"
            for key, line in self.lines.items()
            if line.accounted != line.seized
        ]

    def total(self, place: str) -> int:
        """Units of the whole lot in `place` (or `seized`)."""
        return sum(getattr(line, place) for line in self.lines.values())

    @property
    def status(self) -> str:
        """in_store | destroyed (nothing left in custody, some destroyed) | released | closed."""
        if self.total("in_store") + self.total("with_contractor"):
            return "in_store"
        if self.ever_destroyed:
            return "destroyed"
        return "released" if self.total("released") else "closed"
