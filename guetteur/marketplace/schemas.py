"""Pydantic shapes of the marketplace API (read side)."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from pydantic import BaseModel, ConfigDict

from guetteur.marketplace.models import Listing


class ListingRead(BaseModel):
    """A listing; of its seller only the id and the public shop name."""

    id: str
    seller_id: str
    seller_display_name: str
    created_at: datetime
    title: str
    description: str
    brand_claim: str | None
    brand_id: str | None
    category: str
    price: Decimal
    currency: str
    images: list[str]
    ships_from: str
    quantity: int
    gtin: str | None
    status: str

    @classmethod
    def of(cls, listing: Listing) -> ListingRead:
        return cls(
            id=listing.id,
            seller_id=listing.seller_id,
            seller_display_name=listing.seller.display_name,
            created_at=listing.created_at,
            title=listing.title,
            description=listing.description,
            brand_claim=listing.brand_claim,
            brand_id=listing.brand_id,
            category=listing.category,
            price=listing.price,
            currency=listing.currency,
            images=[str(i) for i in listing.images or []],
            ships_from=listing.ships_from,
            quantity=listing.quantity,
            gtin=listing.gtin,
            status=listing.status,
        )


class ListingPage(BaseModel):
    items: list[ListingRead]
    total: int
    limit: int
    offset: int


class SellerSummary(BaseModel):
    """A seller as listed: no identifiers."""

    model_config = ConfigDict(from_attributes=True)

    id: str
    display_name: str
    country: str
    kyb_verified: bool
    status: str
    created_at: datetime


class SellerRead(SellerSummary):
    """A seller with the identifiers the marketplace holds (personal data: reads are audited)."""

    legal_name: str | None
    registration_number: str | None
    vat_number: str | None
    email: str | None
    phone: str | None
    address: dict[str, Any] | None
    bank_account: str | None
    devices: list[Any]
    ips: list[Any]


class SellerPage(BaseModel):
    items: list[SellerSummary]
    total: int
    limit: int
    offset: int
