"""Feature assembly: listings plus their context in, one Arrow record batch of features out.

The batch holds `listing_id`, `created_at`, `text` (what the text model reads) and one float64
column per feature of `FEATURES`, grouped in signal families (used for ablation and reasons).
Everything a feature reads is either the listing itself, the registry, or a point-in-time fact
from before the listing's `created_at`.
"""

from __future__ import annotations

import math
from collections.abc import Collection, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pyarrow as pa
from sqlalchemy.orm import Session

from guetteur.detection.brand_signals import BrandSignals, brand_signals
from guetteur.detection.catalogue import Catalogue, load_catalogue
from guetteur.detection.history import (
    History,
    ListingFacts,
    SellerFacts,
    load_history,
    load_sellers,
)
from guetteur.detection.images import MATCH_DISTANCE, ImageHasher, ImageMatch, ReferenceIndex
from guetteur.detection.images import best_match as best_image_match
from guetteur.detection.price import EUR_PER_UNIT, match_product, price_signals
from guetteur.detection.seller import NetworkRiskProvider, NoNetworkRisk, seller_features
from guetteur.detection.vocabulary import vocabulary_hits

FAMILIES: dict[str, tuple[str, ...]] = {
    "brand": (
        "brand_known", "claim_spelling", "title_spelling", "brand_disguised", "mentions_claimed",
        "descriptive_only", "other_brand_named", "disclaimer", "category_of_brand",
        "gtin_present", "gtin_valid", "gtin_in_catalogue",
    ),
    "vocabulary": ("vocab_strong", "vocab_soft", "vocab_genuine"),
    "price": ("price_ratio", "price_reference", "currency_known", "log_price_eur"),
    "images": (
        "image_count", "image_unreadable", "img_any_distance", "img_own_distance",
        "img_own_exact", "img_own_mirrored", "img_other_brand",
    ),
    "seller": (
        "seller_authorised", "seller_account_age_days", "seller_kyb_verified",
        "seller_identified", "seller_prior_listings", "seller_listings_last_7d",
        "seller_prior_counterfeit", "seller_prior_genuine", "seller_prior_notices",
        "seller_new_ships_from", "seller_new_brand", "ships_from_seller_country",
        "ships_from_made_in", "log_quantity",
    ),
    "network": ("network_risk", "network_known"),
}  # fmt: skip
FEATURES: tuple[str, ...] = tuple(name for names in FAMILIES.values() for name in names)
TEXT_CHARS = 400
VOCAB_CHARS = 1000


@dataclass
class FeatureContext:
    """Everything besides the listing that its features read."""

    catalogue: Catalogue
    history: History
    sellers: dict[str, SellerFacts]
    hasher: ImageHasher
    network: NetworkRiskProvider = field(default_factory=NoNetworkRisk)
    rates: dict[str, float] = field(default_factory=lambda: dict(EUR_PER_UNIT))
    index: ReferenceIndex = field(init=False)

    def __post_init__(self) -> None:
        self.index = ReferenceIndex(self.catalogue.references, self.hasher.variants)


def gtin_valid(gtin: str | None) -> bool:
    """Whether a GTIN-8/12/13/14 has the right length and check digit."""
    digits = (gtin or "").strip()
    if not digits.isdigit() or len(digits) not in (8, 12, 13, 14):
        return False
    body, check = digits[:-1][::-1], int(digits[-1])
    total = sum(int(d) * (3 if i % 2 == 0 else 1) for i, d in enumerate(body))
    return (10 - total % 10) % 10 == check


def listing_text(listing: ListingFacts) -> str:
    """What the text model reads: title, claimed brand and the start of the description."""
    return f"{listing.title} | {listing.brand_claim or ''} | {listing.description[:TEXT_CHARS]}"


def _brand_features(
    signals: BrandSignals, listing: ListingFacts, ctx: FeatureContext
) -> dict[str, float]:
    brand = ctx.catalogue.brands.get(signals.brand_id or "")
    product = ctx.catalogue.product_by_gtin(listing.gtin)
    return {
        "brand_known": float(brand is not None),
        "claim_spelling": float(signals.claim_spelling),
        "title_spelling": float(signals.title_spelling),
        "brand_disguised": float(signals.disguised),
        "mentions_claimed": float(signals.mentions_claimed),
        "descriptive_only": float(signals.descriptive_only),
        "other_brand_named": float(signals.other_brand_named),
        "disclaimer": float(signals.disclaimer),
        "category_of_brand": float(listing.category in brand.categories) if brand else math.nan,
        "gtin_present": float(bool(listing.gtin)),
        "gtin_valid": float(gtin_valid(listing.gtin)),
        "gtin_in_catalogue": float(product is not None and product.brand_id == signals.brand_id),
    }


def _image_matches(
    listing: ListingFacts, brand_id: str | None, ctx: FeatureContext
) -> tuple[ImageMatch, ImageMatch, int]:
    pairs, unreadable = [], 0
    for sha in listing.image_shas:
        key = ctx.hasher.key(sha) if sha else None
        unreadable += key is None
        pairs.append(ctx.index.nearest(sha, key, brand_id))
    nearest_any, nearest_own = best_image_match(pairs)
    return nearest_any, nearest_own, unreadable


def _image_features(
    listing: ListingFacts, any_: ImageMatch, own: ImageMatch, unreadable: int, brand_id: str | None
) -> dict[str, float]:
    other = any_.brand_id is not None and any_.brand_id != brand_id
    return {
        "image_count": float(len(listing.image_shas)),
        "image_unreadable": float(unreadable),
        "img_any_distance": any_.distance,
        "img_own_distance": own.distance,
        "img_own_exact": float(own.exact),
        "img_own_mirrored": float(own.mirrored and own.distance <= MATCH_DISTANCE),
        "img_other_brand": float(other and any_.distance <= MATCH_DISTANCE),
    }


def listing_features(listing: ListingFacts, ctx: FeatureContext) -> dict[str, float]:
    """Every feature of one listing, as of its `created_at`."""
    catalogue = ctx.catalogue
    signals = brand_signals(
        catalogue.matcher,
        claim=listing.brand_claim,
        resolved_brand_id=listing.brand_id,
        title=listing.title,
        description=listing.description,
    )
    brand_id = signals.brand_id
    nearest_any, nearest_own, unreadable = _image_matches(listing, brand_id, ctx)
    image_product = nearest_own.product_id if nearest_own.distance <= MATCH_DISTANCE else None
    product, how = match_product(
        catalogue, brand_id=brand_id, gtin=listing.gtin, image_product_id=image_product,
        title=listing.title,
    )  # fmt: skip
    price = price_signals(
        catalogue, brand_id=brand_id, category=listing.category, price=listing.price,
        currency=listing.currency, product=product, how=how, rates=ctx.rates,
    )  # fmt: skip
    words = vocabulary_hits(f"{listing.title} {listing.description[:VOCAB_CHARS]}")
    price_eur = listing.price * ctx.rates.get(listing.currency.upper(), math.nan)
    return {
        **_brand_features(signals, listing, ctx),
        "vocab_strong": float(len(words.strong)),
        "vocab_soft": float(len(words.soft)),
        "vocab_genuine": float(len(words.genuine)),
        "price_ratio": price.ratio,
        "price_reference": float(price.reference),
        "currency_known": float(price.currency_known),
        "log_price_eur": math.log1p(price_eur) if price_eur >= 0 else math.nan,
        **_image_features(listing, nearest_any, nearest_own, unreadable, brand_id),
        **seller_features(
            listing,
            seller=ctx.sellers.get(listing.seller_id),
            brand=catalogue.brands.get(brand_id or ""),
            history=ctx.history,
            network=ctx.network,
        ),
    }


SCHEMA = pa.schema(
    [
        ("listing_id", pa.string()),
        ("created_at", pa.timestamp("us", tz="UTC")),
        ("text", pa.string()),
        *[(name, pa.float64()) for name in FEATURES],
    ]
)


def build_batch(listings: Sequence[ListingFacts], ctx: FeatureContext) -> pa.RecordBatch:
    """The feature batch of these listings (in the order given)."""
    rows = [listing_features(listing, ctx) for listing in listings]
    columns: list[pa.Array] = [
        pa.array([x.id for x in listings], pa.string()),
        pa.array([x.created_at for x in listings], pa.timestamp("us", tz="UTC")),
        pa.array([listing_text(x) for x in listings], pa.string()),
    ]
    columns += [pa.array([row[name] for row in rows], pa.float64()) for name in FEATURES]
    ctx.hasher.save()
    return pa.RecordBatch.from_arrays(columns, schema=SCHEMA)


def load_context(
    session: Session,
    *,
    media_dir: Path,
    cache_file: Path | None = None,
    network: NetworkRiskProvider | None = None,
    seller_ids: Collection[str] | None = None,
) -> FeatureContext:
    """The registry, the fact store and the sellers (all, or only these) from the store."""
    return FeatureContext(
        catalogue=load_catalogue(session),
        history=load_history(session, seller_ids=seller_ids),
        sellers=load_sellers(session, ids=seller_ids),
        hasher=ImageHasher(media_dir, cache_file),
        network=network or NoNetworkRisk(),
    )
