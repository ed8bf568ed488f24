"""One pydantic model per interchange file (../shared/FORMATS.md), strict about what it says.

Each line of a file is validated from its raw JSON text in strict mode: a number is a JSON number
(not a string), a boolean is `true`/`false`, a time is an ISO 8601 string WITH a zone. Unknown
extra fields are accepted and ignored; optional fields may be `null` or absent. Lengths are capped
at the width of the column the value is stored in, so the database never has to refuse a value.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    AwareDatetime,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StringConstraints,
)

from guetteur.interchange.codes import COUNTRIES, CURRENCIES, gtin_is_valid

MAX_AMOUNT = 10**13  # Numeric(18, 4) holds 14 integer digits


def _country(value: str) -> str:
    if value not in COUNTRIES:
        raise ValueError(f"{value!r} is not an ISO 3166-1 alpha-2 country code (e.g. 'FR')")
    return value


def _currency(value: str) -> str:
    if value not in CURRENCIES:
        raise ValueError(f"{value!r} is not an ISO 4217 currency code (e.g. 'EUR')")
    return value


def _gtin(value: str) -> str:
    if not gtin_is_valid(value):
        raise ValueError(f"{value!r} is not a GTIN-8/12/13/14 with a valid check digit")
    return value


def _none_as_empty(value: Any) -> Any:
    return [] if value is None else value


def _none_as_blank(value: Any) -> Any:
    return "" if value is None else value


def _free_text_gtin(value: Any) -> str | None:
    """A listing's GTIN as the seller typed it: never an error, at most 64 characters kept."""
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, int | float | str):
        return str(value)[:64] or None
    return None


Id = Annotated[str, StringConstraints(min_length=1, max_length=100)]
Country = Annotated[str, AfterValidator(_country)]
Currency = Annotated[str, AfterValidator(_currency)]
Gtin = Annotated[str, AfterValidator(_gtin)]
Amount = Annotated[float, Field(ge=0, le=MAX_AMOUNT, allow_inf_nan=False)]
Quantity = Annotated[int, Field(ge=0, le=2**31 - 1)]
Time = AwareDatetime
Blank100 = Annotated[str, StringConstraints(min_length=0, max_length=100)]
Blank100000 = Annotated[str, StringConstraints(min_length=0, max_length=100_000)]
Blank200 = Annotated[str, StringConstraints(min_length=0, max_length=200)]
Blank254 = Annotated[str, StringConstraints(min_length=0, max_length=254)]
Blank300 = Annotated[str, StringConstraints(min_length=0, max_length=300)]
Blank40 = Annotated[str, StringConstraints(min_length=0, max_length=40)]
Blank64 = Annotated[str, StringConstraints(min_length=0, max_length=64)]
Text100 = Annotated[str, StringConstraints(min_length=1, max_length=100)]
Text1000 = Annotated[str, StringConstraints(min_length=1, max_length=1000)]
Text200 = Annotated[str, StringConstraints(min_length=1, max_length=200)]
Text300 = Annotated[str, StringConstraints(min_length=1, max_length=300)]
Text500 = Annotated[str, StringConstraints(min_length=1, max_length=500)]
ImagePath = Annotated[str, StringConstraints(min_length=1, max_length=500)]
Word = Annotated[str, StringConstraints(min_length=1, max_length=200)]
Identifier = Annotated[str, StringConstraints(min_length=1, max_length=200)]


class Record(BaseModel):
    """Base of every line model: strict JSON types, unknown extra fields ignored."""

    model_config = ConfigDict(strict=True, extra="ignore", frozen=True)


class BrandRecord(Record):
    """One line of brands.jsonl."""

    id: Id
    name: Text200
    aliases: Annotated[list[Word], BeforeValidator(_none_as_empty)] = []
    categories: Annotated[list[Word], BeforeValidator(_none_as_empty)] = []
    authorized_sellers: Annotated[list[Id], BeforeValidator(_none_as_empty)] = []
    official_images: Annotated[list[ImagePath], BeforeValidator(_none_as_empty)] = []
    countries_of_manufacture: Annotated[list[Country], BeforeValidator(_none_as_empty)] = []


class ProductRecord(Record):
    """One line of products.jsonl (the brand's genuine catalogue)."""

    id: Id
    brand_id: Id
    gtin: Gtin | None = None
    title: Text500
    category: Text100
    msrp: Amount
    currency: Currency
    images: Annotated[list[ImagePath], BeforeValidator(_none_as_empty)] = []


class Address(Record):
    """A postal address; every part optional, its country may differ from the seller's."""

    line1: Blank300 | None = None
    line2: Blank300 | None = None
    city: Blank200 | None = None
    postcode: Blank40 | None = None
    country: Country | None = None


class SellerRecord(Record):
    """One line of sellers.jsonl."""

    id: Id
    display_name: Text300
    legal_name: Blank300 | None = None
    registration_number: Blank100 | None = None
    vat_number: Blank100 | None = None
    country: Country
    email: Blank254 | None = None
    phone: Blank64 | None = None
    address: Address | None = None
    bank_account: Blank64 | None = None
    devices: Annotated[list[Identifier], BeforeValidator(_none_as_empty)] = []
    ips: Annotated[list[Identifier], BeforeValidator(_none_as_empty)] = []
    kyb_verified: bool
    created_at: Time


class ListingRecord(Record):
    """One line of listings.jsonl; `gtin` is free text (a bad one is a signal, not an error)."""

    id: Id
    seller_id: Id
    created_at: Time
    title: Text1000
    description: Annotated[Blank100000, BeforeValidator(_none_as_blank)] = ""
    brand: Blank300 | None = None
    category: Text100
    price: Amount
    currency: Currency
    images: Annotated[list[ImagePath], BeforeValidator(_none_as_empty)] = []
    ships_from: Country
    quantity: Quantity
    gtin: Annotated[str | None, BeforeValidator(_free_text_gtin)] = None


class VerdictRecord(Record):
    """One line of verdicts.jsonl, identified by (listing_id, source, decided_at)."""

    listing_id: Id
    verdict: Literal["counterfeit", "genuine"]
    source: Literal["review", "notice", "test_buy", "seizure"]
    decided_at: Time


class NoticeRecord(Record):
    """One line of notices.jsonl: a rights holder reports a listing."""

    id: Id
    brand_id: Id
    listing_id: Id
    reason: Literal["counterfeit", "trademark", "copyright", "design"]
    submitted_at: Time
    details: Blank100000 | None = None


SCHEMAS: dict[str, type[Record]] = {
    "brands": BrandRecord,
    "products": ProductRecord,
    "sellers": SellerRecord,
    "listings": ListingRecord,
    "verdicts": VerdictRecord,
    "notices": NoticeRecord,
}
