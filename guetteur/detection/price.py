"""Price signals: a listing's price against the brand's catalogue price, currency-aware.

The reference is, in order of preference, the catalogue product the listing names by GTIN, the
product its pictures show, the product whose title it matches best, the median catalogue price
of the brand in the listing's category, and the brand's median. Prices are compared in euros at
fixed reference rates (a parameter: pass today's rates where they matter); a currency without a
rate gives no price signal and says so.
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Mapping
from dataclasses import dataclass
from enum import IntEnum

from rapidfuzz import fuzz, process

from guetteur.detection.brand_signals import normalise
from guetteur.detection.catalogue import Catalogue, ProductInfo

EUR_PER_UNIT: Mapping[str, float] = {
    "EUR": 1.0, "USD": 0.92, "GBP": 1.17, "CHF": 1.04, "JPY": 0.0062, "CNY": 0.127,
    "HKD": 0.118, "CAD": 0.68, "AUD": 0.61, "SEK": 0.088, "NOK": 0.086, "DKK": 0.134,
    "PLN": 0.232, "CZK": 0.040, "HUF": 0.0025, "RON": 0.201, "TRY": 0.028, "INR": 0.011,
    "KRW": 0.00068, "SGD": 0.69, "AED": 0.25, "BRL": 0.17, "MXN": 0.05, "ZAR": 0.05,
}  # fmt: skip
TITLE_MATCH_CUTOFF = 60.0


class PriceReference(IntEnum):
    """What the listing's price was compared with."""

    NONE = 0
    BRAND_MEDIAN = 1
    CATEGORY_MEDIAN = 2
    PRODUCT_TITLE = 3
    PRODUCT_IMAGE = 4
    PRODUCT_GTIN = 5


@dataclass(frozen=True)
class PriceSignals:
    """The listing's price as a share of the reference retail price (NaN when unknown)."""

    ratio: float
    reference: PriceReference
    reference_eur: float
    currency_known: bool
    product_id: str | None


def to_eur(amount: float, currency: str, rates: Mapping[str, float] = EUR_PER_UNIT) -> float:
    """`amount` in euros, or NaN when the currency has no rate."""
    rate = rates.get(currency.upper()) if currency else None
    return amount * rate if rate is not None else math.nan


def _eur(product: ProductInfo, rates: Mapping[str, float]) -> float:
    return to_eur(product.msrp, product.currency, rates)


def _median(values: list[float]) -> float:
    values = [v for v in values if not math.isnan(v) and v > 0]
    return statistics.median(values) if values else math.nan


def match_product(
    catalogue: Catalogue,
    *,
    brand_id: str | None,
    gtin: str | None,
    image_product_id: str | None,
    title: str,
) -> tuple[ProductInfo | None, PriceReference]:
    """The catalogue product a listing most likely offers, and how it was recognised."""
    by_gtin = catalogue.product_by_gtin(gtin)
    if by_gtin is not None and (brand_id is None or by_gtin.brand_id == brand_id):
        return by_gtin, PriceReference.PRODUCT_GTIN
    by_image = catalogue.products.get(image_product_id or "")
    if by_image is not None and (brand_id is None or by_image.brand_id == brand_id):
        return by_image, PriceReference.PRODUCT_IMAGE
    candidates = catalogue.by_brand.get(brand_id or "", [])
    if candidates and title:
        titles = catalogue.titles[brand_id or ""]
        best = process.extractOne(
            normalise(title), titles, scorer=fuzz.token_set_ratio, score_cutoff=TITLE_MATCH_CUTOFF
        )
        if best is not None:
            return candidates[best[2]], PriceReference.PRODUCT_TITLE
    return None, PriceReference.NONE


def price_signals(
    catalogue: Catalogue,
    *,
    brand_id: str | None,
    category: str,
    price: float,
    currency: str,
    product: ProductInfo | None,
    how: PriceReference,
    rates: Mapping[str, float] = EUR_PER_UNIT,
) -> PriceSignals:
    """The listing's price against its product's retail price or the brand's typical price."""
    price_eur = to_eur(price, currency, rates)
    known = not math.isnan(price_eur)
    reference, kind = math.nan, PriceReference.NONE
    if product is not None:
        reference, kind = _eur(product, rates), how
    elif brand_id is not None:
        products = catalogue.by_brand.get(brand_id, [])
        same = [_eur(p, rates) for p in products if p.category == category]
        reference, kind = _median(same), PriceReference.CATEGORY_MEDIAN
        if math.isnan(reference):
            reference = _median([_eur(p, rates) for p in products])
            kind = PriceReference.BRAND_MEDIAN
    if math.isnan(reference) or reference <= 0:
        return PriceSignals(math.nan, PriceReference.NONE, math.nan, known, None)
    ratio = price_eur / reference if known and price_eur >= 0 else math.nan
    return PriceSignals(ratio, kind, reference, known, product.id if product else None)
