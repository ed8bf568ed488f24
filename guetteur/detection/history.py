"""The point-in-time fact store: what was known about a seller at a given instant.

Every fact carries its timestamp (a listing its `created_at`, a verdict its `decided_at`, a notice
its `submitted_at`). Queries take an `as_of` instant and count only facts strictly before it, so a
listing's features never see a verdict, notice or listing from its own future. Verdicts follow
FORMATS.md: a later verdict on the same listing supersedes an earlier one.
"""

from __future__ import annotations

import bisect
from collections import defaultdict
from collections.abc import Collection, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from guetteur.clock import as_utc
from guetteur.marketplace.models import Listing, Notice, Seller, Verdict


def ts(value: datetime) -> float:
    """A datetime as UTC epoch seconds (naive values are taken to be UTC)."""
    return as_utc(value).timestamp()


@dataclass(frozen=True)
class ListingFacts:
    """A listing as detection reads it (images as the SHA-256s the media store holds)."""

    id: str
    seller_id: str
    created_at: datetime
    title: str
    description: str
    brand_claim: str | None
    brand_id: str | None
    category: str
    price: float
    currency: str
    image_shas: tuple[str | None, ...]
    ships_from: str
    quantity: int
    gtin: str | None


@dataclass(frozen=True)
class SellerFacts:
    """A seller account as detection reads it."""

    id: str
    country: str
    kyb_verified: bool
    created_at: datetime
    identified: int


@dataclass(frozen=True)
class SellerRecord:
    """What was known about a seller at one instant."""

    prior_listings: int = 0
    listings_last_7d: int = 0
    prior_counterfeit: int = 0
    prior_genuine: int = 0
    prior_notices: int = 0
    new_ships_from: bool = True
    new_brand: bool = True


@dataclass
class _Timeline:
    listings: list[float] = field(default_factory=list)
    verdict_times: list[float] = field(default_factory=list)
    verdict_counts: list[tuple[int, int]] = field(default_factory=list)
    notices: list[float] = field(default_factory=list)
    first_seen: dict[tuple[str, str], float] = field(default_factory=dict)


WEEK = 7 * 86400.0


class History:
    """Timestamped facts about sellers; every query is as of an instant."""

    def __init__(self) -> None:
        self._sellers: dict[str, _Timeline] = defaultdict(_Timeline)

    @classmethod
    def build(
        cls,
        *,
        listings: Iterable[tuple[str, str, datetime, str, str | None]],
        verdicts: Iterable[tuple[str, str, datetime]],
        notices: Iterable[tuple[str, datetime]],
    ) -> History:
        """From (listing, seller, created_at, ships_from, brand), (listing, verdict, decided_at),
        and (listing, submitted_at) rows."""
        history = cls()
        owner: dict[str, str] = {}
        for listing_id, seller_id, created, ships_from, brand_id in sorted(
            listings, key=lambda r: ts(r[2])
        ):
            owner[listing_id] = seller_id
            history._add_listing(seller_id, ts(created), ships_from, brand_id)
        history._add_verdicts(owner, verdicts)
        for listing_id, submitted in notices:
            if listing_id in owner:
                history._sellers[owner[listing_id]].notices.append(ts(submitted))
        for timeline in history._sellers.values():
            timeline.notices.sort()
        return history

    def _add_listing(self, seller_id: str, at: float, ships_from: str, brand: str | None) -> None:
        timeline = self._sellers[seller_id]
        timeline.listings.append(at)
        timeline.first_seen.setdefault(("ships_from", ships_from), at)
        if brand is not None:
            timeline.first_seen.setdefault(("brand", brand), at)

    def _add_verdicts(
        self, owner: dict[str, str], verdicts: Iterable[tuple[str, str, datetime]]
    ) -> None:
        by_seller: dict[str, list[tuple[float, str, str]]] = defaultdict(list)
        for listing_id, verdict, decided in verdicts:
            if listing_id in owner:
                by_seller[owner[listing_id]].append((ts(decided), listing_id, verdict))
        for seller_id, events in by_seller.items():
            timeline = self._sellers[seller_id]
            state: dict[str, str] = {}
            fakes = genuine = 0
            for at, listing_id, verdict in sorted(events):
                before = state.get(listing_id)
                fakes -= before == "counterfeit"
                genuine -= before == "genuine"
                state[listing_id] = verdict
                fakes += verdict == "counterfeit"
                genuine += verdict == "genuine"
                timeline.verdict_times.append(at)
                timeline.verdict_counts.append((fakes, genuine))

    def seller_record(
        self, seller_id: str, *, as_of: datetime, ships_from: str, brand_id: str | None
    ) -> SellerRecord:
        """What was known about the seller strictly before `as_of`."""
        timeline = self._sellers.get(seller_id)
        if timeline is None:
            return SellerRecord(new_brand=brand_id is not None)
        at = ts(as_of)
        n_listings = bisect.bisect_left(timeline.listings, at)
        n_verdicts = bisect.bisect_left(timeline.verdict_times, at)
        fakes, genuine = timeline.verdict_counts[n_verdicts - 1] if n_verdicts else (0, 0)
        seen_ships = timeline.first_seen.get(("ships_from", ships_from), at)
        seen_brand = timeline.first_seen.get(("brand", brand_id or ""), at)
        return SellerRecord(
            prior_listings=n_listings,
            listings_last_7d=n_listings - bisect.bisect_left(timeline.listings, at - WEEK),
            prior_counterfeit=fakes,
            prior_genuine=genuine,
            prior_notices=bisect.bisect_left(timeline.notices, at),
            new_ships_from=seen_ships >= at,
            new_brand=brand_id is not None and seen_brand >= at,
        )


def _shas(images: Any) -> tuple[str | None, ...]:
    return tuple(i.get("sha256") if isinstance(i, dict) else None for i in images or ())


def listing_facts(row: Listing) -> ListingFacts:
    """A stored listing as detection reads it."""
    return ListingFacts(
        id=row.id,
        seller_id=row.seller_id,
        created_at=as_utc(row.created_at),
        title=row.title or "",
        description=row.description or "",
        brand_claim=row.brand_claim,
        brand_id=row.brand_id,
        category=row.category or "",
        price=float(row.price),
        currency=row.currency or "",
        image_shas=_shas(row.images),
        ships_from=(row.ships_from or "").upper(),
        quantity=int(row.quantity or 0),
        gtin=row.gtin,
    )


def load_listings(
    session: Session, *, since: datetime | None = None, ids: Collection[str] | None = None
) -> list[ListingFacts]:
    """Stored listings (created at or after `since`, or with these ids) in `created_at` order."""
    query = select(Listing).order_by(Listing.created_at, Listing.id)
    if since is not None:
        query = query.where(Listing.created_at >= since)
    if ids is not None:
        query = query.where(Listing.id.in_(list(ids)))
    return [listing_facts(row) for row in session.scalars(query)]


def load_sellers(session: Session, *, ids: Collection[str] | None = None) -> dict[str, SellerFacts]:
    """Seller accounts by id."""
    query = select(Seller)
    if ids is not None:
        query = query.where(Seller.id.in_(list(ids)))
    return {
        s.id: SellerFacts(
            id=s.id,
            country=(s.country or "").upper(),
            kyb_verified=bool(s.kyb_verified),
            created_at=as_utc(s.created_at),
            identified=sum(bool(v) for v in (s.legal_name, s.registration_number, s.vat_number)),
        )
        for s in session.scalars(query)
    }


def load_history(session: Session, *, seller_ids: Collection[str] | None = None) -> History:
    """The fact store for every seller (or only these), from the marketplace tables."""
    listings = select(
        Listing.id, Listing.seller_id, Listing.created_at, Listing.ships_from, Listing.brand_id
    )
    verdicts = select(Verdict.listing_id, Verdict.verdict, Verdict.decided_at).join(
        Listing, Listing.id == Verdict.listing_id
    )
    notices = select(Notice.listing_id, Notice.submitted_at).join(
        Listing, Listing.id == Notice.listing_id
    )
    if seller_ids is not None:
        wanted = list(seller_ids)
        listings = listings.where(Listing.seller_id.in_(wanted))
        verdicts = verdicts.where(Listing.seller_id.in_(wanted))
        notices = notices.where(Listing.seller_id.in_(wanted))
    return History.build(
        listings=[
            (r[0], r[1], r[2], (r[3] or "").upper(), r[4]) for r in session.execute(listings)
        ],
        verdicts=[tuple(r) for r in session.execute(verdicts)],  # type: ignore[misc]
        notices=[tuple(r) for r in session.execute(notices)],  # type: ignore[misc]
    )
