"""Pydantic shapes of listing submission and seller sign-up (FORMATS.md fields, checked strictly).

Bad input is refused with the field it concerns: an empty title, an absurd price or quantity, a
currency the detector cannot convert, an unknown country. A brand claim is free text: a claim
the registry does not know is scored, not refused.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from pydantic import (
    AfterValidator,
    AwareDatetime,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StringConstraints,
)

from guetteur.detection.price import EUR_PER_UNIT
from guetteur.interchange.schemas import (
    Address,
    Blank64,
    Blank100,
    Blank254,
    Blank300,
    Country,
    Id,
    Identifier,
    Text100,
    Text300,
)
from guetteur.marketplace.schemas import ListingRead, SellerRead

MAX_PRICE = 1_000_000.0
"""Above this (in the listing's currency unit) a price is refused as absurd."""
MAX_QUANTITY = 1_000_000
MAX_IMAGES = 10
MAX_BASE64_CHARS = 8 * 1024 * 1024
SUPPORTED_CURRENCIES = tuple(sorted(EUR_PER_UNIT))


def _supported_currency(value: str) -> str:
    if value not in EUR_PER_UNIT:
        supported = ", ".join(SUPPORTED_CURRENCIES)
        raise ValueError(f"{value!r} is not a supported currency (supported: {supported})")
    return value


def _free_text_gtin(value: Any) -> str | None:
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, int | str):
        return str(value)[:64] or None
    raise ValueError("expected the GTIN as text")


Title = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=1000)]
Description = Annotated[str, StringConstraints(max_length=100_000)]
Currency = Annotated[str, AfterValidator(_supported_currency)]
Price = Annotated[float, Field(gt=0, le=MAX_PRICE, allow_inf_nan=False)]
Quantity = Annotated[int, Field(ge=1, le=MAX_QUANTITY)]
Gtin = Annotated[str | None, BeforeValidator(_free_text_gtin)]


class ImageData(BaseModel):
    """A picture sent inline: its file name and its bytes in base64."""

    model_config = ConfigDict(extra="forbid")

    filename: Annotated[str, StringConstraints(min_length=1, max_length=200)] = "image"
    data: Annotated[str, StringConstraints(min_length=1, max_length=MAX_BASE64_CHARS)]


class ListingCreate(BaseModel):
    """A new listing (listings.jsonl fields; `created_at` defaults to the time of submission)."""

    model_config = ConfigDict(strict=True, extra="ignore", frozen=True)

    id: Id
    seller_id: Id
    created_at: AwareDatetime | None = None
    title: Title
    description: Description = ""
    brand: Blank300 | None = None
    category: Text100
    price: Price
    currency: Currency
    images: Annotated[list[ImageData], Field(max_length=MAX_IMAGES)] = []
    ships_from: Country
    quantity: Quantity
    gtin: Gtin = None


class ListingUpdate(BaseModel):
    """An edit: the fields given replace the listing's (absent ones are kept; `images` given
    replaces every picture)."""

    model_config = ConfigDict(strict=True, extra="ignore", frozen=True)

    title: Title | None = None
    description: Description | None = None
    brand: Blank300 | None = None
    category: Text100 | None = None
    price: Price | None = None
    currency: Currency | None = None
    images: Annotated[list[ImageData], Field(max_length=MAX_IMAGES)] | None = None
    ships_from: Country | None = None
    quantity: Quantity | None = None
    gtin: Gtin = None


class DecisionRead(BaseModel):
    """The decision taken on a listing at submission or edit."""

    score: float
    decision: str
    reasons: list[dict[str, Any]]
    model_version: str
    decided_at: datetime


class SubmissionRead(BaseModel):
    """A submitted (or edited) listing, its status after the decision, and the decision."""

    listing: ListingRead
    status: str
    decision: DecisionRead


class SellerCreate(BaseModel):
    """A new seller account (sellers.jsonl fields; `created_at` defaults to now)."""

    model_config = ConfigDict(extra="ignore", frozen=True)

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
    devices: Annotated[list[Identifier], Field(max_length=100)] = []
    ips: Annotated[list[Identifier], Field(max_length=100)] = []
    kyb_verified: bool = False
    created_at: AwareDatetime | None = None


class SellerCreated(BaseModel):
    """The new account, and the network incremental linking placed it in (if any)."""

    seller: SellerRead
    linked: bool
    network_id: str | None
    note: str
