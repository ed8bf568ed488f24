"""Reason codes: features grouped into what an analyst can act on, with words for each.

The model's per-listing contributions (SHAP values from LightGBM's `pred_contrib`) are summed
per reason code; the codes that pushed the score up most are the listing's reasons, each with a
detail sentence written from the listing's own feature values.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping

Row = Mapping[str, float]

REASON_OF: dict[str, str] = {
    "claim_spelling": "BRAND_DISGUISED", "title_spelling": "BRAND_DISGUISED",
    "brand_disguised": "BRAND_DISGUISED",
    "brand_known": "BRAND_CLAIM", "mentions_claimed": "BRAND_CLAIM",
    "descriptive_only": "BRAND_CLAIM", "other_brand_named": "BRAND_CLAIM",
    "disclaimer": "BRAND_CLAIM", "category_of_brand": "BRAND_CLAIM",
    "gtin_present": "GTIN", "gtin_valid": "GTIN", "gtin_in_catalogue": "GTIN",
    "vocab_strong": "COUNTERFEIT_VOCABULARY", "vocab_soft": "COUNTERFEIT_VOCABULARY",
    "vocab_genuine": "COUNTERFEIT_VOCABULARY",
    "price_ratio": "PRICE_VS_RETAIL", "price_reference": "PRICE_VS_RETAIL",
    "currency_known": "PRICE_VS_RETAIL", "log_price_eur": "PRICE_VS_RETAIL",
    "image_count": "IMAGES", "image_unreadable": "IMAGES", "img_any_distance": "IMAGES",
    "img_own_distance": "IMAGES", "img_own_exact": "IMAGES", "img_own_mirrored": "IMAGES",
    "img_other_brand": "IMAGES",
    "seller_authorised": "SELLER_NOT_AUTHORISED",
    "seller_account_age_days": "SELLER_ACCOUNT", "seller_kyb_verified": "SELLER_ACCOUNT",
    "seller_identified": "SELLER_ACCOUNT",
    "seller_prior_listings": "SELLER_HISTORY", "seller_listings_last_7d": "SELLER_HISTORY",
    "seller_prior_counterfeit": "SELLER_HISTORY", "seller_prior_genuine": "SELLER_HISTORY",
    "seller_prior_notices": "SELLER_HISTORY",
    "seller_new_ships_from": "SELLER_BEHAVIOUR", "seller_new_brand": "SELLER_BEHAVIOUR",
    "ships_from_seller_country": "SHIPPING_ORIGIN", "ships_from_made_in": "SHIPPING_ORIGIN",
    "log_quantity": "QUANTITY",
    "network_risk": "NETWORK_RISK", "network_known": "NETWORK_RISK",
    "text_score": "TEXT_MODEL",
}  # fmt: skip


def _num(row: Row, name: str) -> float:
    value = row.get(name, math.nan)
    return math.nan if value is None else float(value)


def _known(value: float) -> bool:
    return not math.isnan(value)


def _brand(row: Row) -> str:
    if _num(row, "descriptive_only") == 1:
        return "brand named only descriptively ('compatible with', 'for')"
    if _num(row, "brand_known") != 1:
        return "no registry brand claimed or named"
    parts = ["claims a registry brand"]
    if _num(row, "other_brand_named") == 1:
        parts.append("also names another registry brand")
    if _num(row, "category_of_brand") == 0:
        parts.append("in a category the brand does not sell in")
    return ", ".join(parts)


def _price(row: Row) -> str:
    ratio = _num(row, "price_ratio")
    if _num(row, "currency_known") == 0:
        return "currency without a reference rate: price not compared"
    if not _known(ratio):
        return "no catalogue price to compare with"
    return f"price is {ratio:.0%} of the brand's reference retail price"


def _images(row: Row) -> str:
    own = _num(row, "img_own_distance")
    if _num(row, "img_own_exact") == 1:
        return "uses the brand's own picture unchanged"
    if _known(own) and own <= 10:
        flipped = " (mirrored)" if _num(row, "img_own_mirrored") == 1 else ""
        return f"picture matches the brand's reference picture{flipped}, distance {own:.0f}/64"
    if _num(row, "img_other_brand") == 1:
        return "picture matches another brand's reference picture"
    if _num(row, "image_unreadable") > 0:
        return f"{_num(row, 'image_unreadable'):.0f} picture(s) missing or unreadable"
    return "pictures match no reference picture of the brand"


def _account(row: Row) -> str:
    age = _num(row, "seller_account_age_days")
    kyb = "identity verified" if _num(row, "seller_kyb_verified") == 1 else "identity not verified"
    return f"account {age:.0f} days old, {kyb}" if _known(age) else f"account of unknown age, {kyb}"


def _history(row: Row) -> str:
    return (
        f"before this listing: {_num(row, 'seller_prior_counterfeit'):.0f} confirmed counterfeit, "
        f"{_num(row, 'seller_prior_genuine'):.0f} confirmed genuine, "
        f"{_num(row, 'seller_prior_notices'):.0f} notice(s), "
        f"{_num(row, 'seller_listings_last_7d'):.0f} listing(s) in the last 7 days"
    )


def _behaviour(row: Row) -> str:
    parts = []
    if _num(row, "seller_new_ships_from") == 1:
        parts.append("ships from a country new for this seller")
    if _num(row, "seller_new_brand") == 1:
        parts.append("first listing of this brand by this seller")
    return "; ".join(parts) or "seller's usual shipping country and brands"


def _origin(row: Row) -> str:
    made_in = _num(row, "ships_from_made_in")
    if made_in == 0:
        return "ships from a country where the brand does not manufacture"
    if _num(row, "ships_from_seller_country") == 0:
        return "ships from outside the seller's country"
    return "ships from the seller's country"


DETAILS: dict[str, Callable[[Row], str]] = {
    "BRAND_DISGUISED": lambda r: "brand name disguised (look-alike letters, leetspeak, spacing "
    "or misspelling)"
    if _num(r, "brand_disguised") == 1
    else "brand name written plainly",
    "BRAND_CLAIM": _brand,
    "GTIN": lambda r: "GTIN of the brand's catalogue"
    if _num(r, "gtin_in_catalogue") == 1
    else ("invalid GTIN" if _num(r, "gtin_present") == 1 and _num(r, "gtin_valid") == 0 else
          "GTIN missing or not in the brand's catalogue"),
    "COUNTERFEIT_VOCABULARY": lambda r: f"{_num(r, 'vocab_strong'):.0f} strong and "
    f"{_num(r, 'vocab_soft'):.0f} soft counterfeit term(s) in title or description",
    "PRICE_VS_RETAIL": _price,
    "IMAGES": _images,
    "SELLER_NOT_AUTHORISED": lambda r: "seller is an authorised seller of the brand"
    if _num(r, "seller_authorised") == 1
    else "seller is not an authorised seller of the brand",
    "SELLER_ACCOUNT": _account,
    "SELLER_HISTORY": _history,
    "SELLER_BEHAVIOUR": _behaviour,
    "SHIPPING_ORIGIN": _origin,
    "QUANTITY": lambda r: f"{math.expm1(_num(r, 'log_quantity')):.0f} unit(s) offered",
    "NETWORK_RISK": lambda r: f"seller's network risk {_num(r, 'network_risk'):.2f}",
    "TEXT_MODEL": lambda r: f"wording resembles confirmed counterfeits (text score "
    f"{_num(r, 'text_score'):.2f})",
}  # fmt: skip


def detail(code: str, row: Row) -> str:
    """The sentence explaining reason `code` for the listing whose feature values are `row`."""
    describe = DETAILS.get(code)
    return describe(row) if describe else code.lower().replace("_", " ")
