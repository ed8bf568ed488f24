"""Seller signals: authorisation, account age, verification, history, shipping, quantity, network.

History counts come from the point-in-time fact store (`history.History`), so only verdicts and
notices from strictly before the listing's `created_at` count. The seller's network risk comes
through `NetworkRiskProvider`, a seam the actor-network domain fills in later; until then the
default provider knows nothing and says so.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from guetteur.detection.catalogue import BrandInfo
from guetteur.detection.history import History, ListingFacts, SellerFacts


@dataclass(frozen=True)
class NetworkRisk:
    """How risky the seller's network looked at an instant (`known` False: no information)."""

    score: float = 0.0
    known: bool = False
    detail: str = ""


class NetworkRiskProvider(Protocol):
    """Risk of the network a seller belonged to as of an instant (facts before it only)."""

    def risk(self, seller_id: str, *, as_of: datetime) -> NetworkRisk: ...


class NoNetworkRisk:
    """The default: no network information (risk 0, unknown)."""

    def risk(self, seller_id: str, *, as_of: datetime) -> NetworkRisk:
        return NetworkRisk()


def seller_features(
    listing: ListingFacts,
    *,
    seller: SellerFacts | None,
    brand: BrandInfo | None,
    history: History,
    network: NetworkRiskProvider,
) -> dict[str, float]:
    """Seller-side features of one listing, as of its `created_at`."""
    record = history.seller_record(
        listing.seller_id,
        as_of=listing.created_at,
        ships_from=listing.ships_from,
        brand_id=brand.id if brand else None,
    )
    risk = network.risk(listing.seller_id, as_of=listing.created_at)
    age_days = math.nan
    if seller is not None:
        age_days = max((listing.created_at - seller.created_at).total_seconds() / 86400.0, 0.0)
    made_in = brand.countries_of_manufacture if brand else ()
    return {
        "seller_authorised": float(
            brand is not None and listing.seller_id in brand.authorised_sellers
        ),
        "seller_account_age_days": age_days,
        "seller_kyb_verified": float(seller.kyb_verified) if seller else math.nan,
        "seller_identified": float(seller.identified) if seller else math.nan,
        "seller_prior_listings": float(record.prior_listings),
        "seller_listings_last_7d": float(record.listings_last_7d),
        "seller_prior_counterfeit": float(record.prior_counterfeit),
        "seller_prior_genuine": float(record.prior_genuine),
        "seller_prior_notices": float(record.prior_notices),
        "seller_new_ships_from": float(record.new_ships_from and record.prior_listings > 0),
        "seller_new_brand": float(record.new_brand and record.prior_listings > 0),
        "ships_from_seller_country": float(
            seller is not None and listing.ships_from == seller.country
        ),
        "ships_from_made_in": float(listing.ships_from in made_in) if made_in else math.nan,
        "log_quantity": math.log1p(max(listing.quantity, 0)),
        "network_risk": risk.score,
        "network_known": float(risk.known),
    }
