"""The line schemas: strict about what FORMATS.md says, lenient about what it leaves open."""

from __future__ import annotations

import json
from typing import Any

import pytest
from pydantic import ValidationError

from guetteur.interchange.codes import COUNTRIES, CURRENCIES, gtin_is_valid
from guetteur.interchange.schemas import (
    BrandRecord,
    ListingRecord,
    NoticeRecord,
    ProductRecord,
    SellerRecord,
    VerdictRecord,
)
from guetteur.interchange.validate import field_name, line_errors
from tests.interchange.conftest import BRANDS, LISTINGS, NOTICES, PRODUCTS, SELLERS, VERDICTS


def fields_in_error(model: Any, data: dict[str, Any]) -> list[str]:
    with pytest.raises(ValidationError) as caught:
        model.model_validate_json(json.dumps(data))
    return [field_name(tuple(e["loc"])) for e in caught.value.errors()]


@pytest.mark.parametrize(
    ("model", "rows"),
    [
        (BrandRecord, BRANDS),
        (ProductRecord, PRODUCTS),
        (SellerRecord, SELLERS),
        (ListingRecord, LISTINGS),
        (VerdictRecord, VERDICTS),
        (NoticeRecord, NOTICES),
    ],
)
def test_every_example_line_is_valid(model: Any, rows: list[dict[str, Any]]) -> None:
    for row in rows:
        model.model_validate_json(json.dumps(row))


def test_times_need_a_zone_and_are_kept_in_it() -> None:
    row = {**VERDICTS[0], "decided_at": "2025-03-05T10:00:00"}
    assert fields_in_error(VerdictRecord, row) == ["decided_at"]
    ok = VerdictRecord.model_validate_json(
        json.dumps({**VERDICTS[0], "decided_at": "2025-03-05T11:00:00+01:00"})
    )
    assert ok.decided_at.utcoffset() is not None
    assert fields_in_error(VerdictRecord, {**VERDICTS[0], "decided_at": 1741168800}) == [
        "decided_at"
    ]


def test_numbers_are_json_numbers_at_or_above_zero() -> None:
    assert fields_in_error(ListingRecord, {**LISTINGS[0], "price": "129.99"}) == ["price"]
    assert fields_in_error(ListingRecord, {**LISTINGS[0], "price": -1}) == ["price"]
    assert fields_in_error(ListingRecord, {**LISTINGS[0], "quantity": -3}) == ["quantity"]
    assert fields_in_error(ListingRecord, {**LISTINGS[0], "quantity": "3"}) == ["quantity"]


def test_codes_countries_currencies_and_enums() -> None:
    assert fields_in_error(ListingRecord, {**LISTINGS[0], "ships_from": "UK"}) == ["ships_from"]
    assert fields_in_error(ListingRecord, {**LISTINGS[0], "currency": "eur"}) == ["currency"]
    address = {**SELLERS[0]["address"], "country": "XX"}
    assert fields_in_error(SellerRecord, {**SELLERS[0], "address": address}) == ["address.country"]
    assert fields_in_error(VerdictRecord, {**VERDICTS[0], "source": "rumour"}) == ["source"]
    assert fields_in_error(NoticeRecord, {**NOTICES[0], "reason": "dislike"}) == ["reason"]
    assert len(COUNTRIES) == 249
    assert {"EUR", "USD", "CNY", "GBP", "JPY"} <= CURRENCIES


def test_product_gtin_is_checked_but_a_listing_gtin_is_free_text() -> None:
    assert gtin_is_valid("4006381333931") and not gtin_is_valid("4006381333932")
    assert fields_in_error(ProductRecord, {**PRODUCTS[0], "gtin": "4006381333932"}) == ["gtin"]
    for gtin in ("4006381333932", "n/a", 12345, "", None):
        ListingRecord.model_validate_json(json.dumps({**LISTINGS[0], "gtin": gtin}))


def test_optional_fields_may_be_null_or_absent_and_extras_are_ignored() -> None:
    seller = SellerRecord.model_validate_json(
        json.dumps({**SELLERS[1], "email": None, "address": None, "shoe_size": 44})
    )
    assert seller.email is None and seller.address is None and seller.devices == ["dev-1"]
    brand = BrandRecord.model_validate_json(json.dumps({"id": "b", "name": "B", "aliases": None}))
    assert brand.aliases == [] and brand.official_images == []


def test_required_fields_and_blank_ids_are_errors() -> None:
    row = {k: v for k, v in LISTINGS[0].items() if k != "seller_id"}
    assert fields_in_error(ListingRecord, {**row, "id": ""}) == ["id", "seller_id"]


def test_line_errors_name_the_line_and_the_field() -> None:
    with pytest.raises(ValidationError) as caught:
        ListingRecord.model_validate_json(json.dumps({**LISTINGS[1], "images": ["", "ok.png"]}))
    (error,) = line_errors(caught.value, file="listings.jsonl", line=7)
    assert str(error).startswith("listings.jsonl:7: images[0]: ")
    for raw, message in ((b"[1, 2]", "not a JSON object"), (b"{oops", "not valid JSON")):
        with pytest.raises(ValidationError) as caught:
            ListingRecord.model_validate_json(raw)
        (error,) = line_errors(caught.value, file="f", line=1)
        assert error.field == "(line)" and error.message.startswith(message)
