"""The demo world's objects: brands, products, sellers, rings, and the summary of a run."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

START = datetime(2025, 1, 1, tzinfo=UTC)
MONTHS = 12
END = datetime(2026, 1, 1, tzinfo=UTC)

COUNTERFEIT_KINDS = frozenset({"ring", "lone"})
HONEST_KINDS = (
    "official",
    "authorised",
    "reseller",
    "grey",
    "clearance",
    "accessory",
    "generic",
    "new_honest",
)


def iso(moment: datetime) -> str:
    """ISO 8601 in UTC with a `Z` zone, to the second."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def month_start(index: int) -> datetime:
    """The first instant of month `index` (0 = START's month)."""
    year, month = divmod(START.month - 1 + index, 12)
    return datetime(START.year + year, month + 1, 1, tzinfo=UTC)


def rand_between(rng: random.Random, low: datetime, high: datetime) -> datetime:
    """A uniform instant in [low, high), to the second."""
    span = max(1, int((high - low).total_seconds()))
    return low + timedelta(seconds=rng.randrange(span))


def sub_rng(seed: int, topic: str) -> random.Random:
    """A generator of its own for one part of the world, so parts do not disturb each other."""
    return random.Random(f"guetteur-demo:{seed}:{topic}")


@dataclass
class Product:
    """One genuine product of a brand's catalogue."""

    index: int
    id: str
    brand_index: int
    title: str
    category: str
    msrp: float
    gtin: str
    description: str
    image: str = ""


@dataclass
class Brand:
    """A brand (rights holder) with its catalogue."""

    index: int
    id: str
    name: str
    aliases: list[str]
    categories: list[str]
    countries: list[str]
    gs1_prefix: str
    products: list[Product] = field(default_factory=list)
    logo: str = ""
    authorised: list[int] = field(default_factory=list)


@dataclass
class Identity:
    """The identifiers of one account or party, as they are written down."""

    display_name: str
    legal_name: str | None
    registration_number: str | None
    vat_number: str | None
    country: str
    email: str | None
    phone: str | None
    address: dict[str, str | None] | None
    bank_account: str | None
    devices: list[str]
    ips: list[str]


@dataclass
class Seller:
    """A marketplace seller account and what it really is."""

    key: int
    kind: str
    identity: Identity
    kyb_verified: bool
    created_at: datetime
    active_from: datetime
    active_to: datetime
    weight: float
    brands: list[int]
    ships_from: list[str]
    currency: str = "EUR"
    id: str = ""
    ring_id: str | None = None
    hijacked_at: datetime | None = None
    tactics: list[str] = field(default_factory=list)
    super_nodes: list[str] = field(default_factory=list)

    def is_counterfeit_at(self, moment: datetime) -> bool:
        """Whether a listing of this account at `moment` is a fake."""
        if self.kind in COUNTERFEIT_KINDS:
            return True
        return self.hijacked_at is not None and moment >= self.hijacked_at


@dataclass
class Ring:
    """A counterfeit ring: several accounts and customs parties run by the same people."""

    id: str
    base_name: str
    country: str
    brands: list[int]
    tactics: list[str]
    phones: list[Any]
    banks: list[str]
    devices: list[str]
    ips: list[str]
    addresses: list[dict[str, str | None]]
    emails: list[str]
    registration_number: str | None
    members: list[Seller] = field(default_factory=list)
    front: Identity | None = None


@dataclass
class WorldSummary:
    """What `generate` wrote and how long it took."""

    out_dir: Path
    seed: int
    scale: float
    catalog_source: str
    counts: dict[str, int]
    seconds: float

    def as_dict(self) -> dict[str, Any]:
        """The summary as JSON-ready data."""
        return {
            "out_dir": str(self.out_dir),
            "seed": self.seed,
            "scale": self.scale,
            "catalog_source": self.catalog_source,
            "counts": dict(self.counts),
            "seconds": round(self.seconds, 2),
        }
