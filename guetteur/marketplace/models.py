"""Tables of the marketplace: seller accounts, listings, verdicts and brand notices."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import ForeignKey, Numeric, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from guetteur.clock import utcnow
from guetteur.db import Base

LISTING_STATUSES = ("live", "held", "blocked", "removed")
VERDICTS = ("counterfeit", "genuine")
VERDICT_SOURCES = ("review", "notice", "test_buy", "seizure")
NOTICE_REASONS = ("counterfeit", "trademark", "copyright", "design")


class Seller(Base):
    """A seller account, with the identifiers the marketplace knows about it (personal data)."""

    __tablename__ = "sellers"

    id: Mapped[str] = mapped_column(String(100), primary_key=True)
    display_name: Mapped[str] = mapped_column(String(300))
    legal_name: Mapped[str | None] = mapped_column(String(300), default=None)
    registration_number: Mapped[str | None] = mapped_column(String(100), default=None)
    vat_number: Mapped[str | None] = mapped_column(String(100), default=None)
    country: Mapped[str] = mapped_column(String(2))
    email: Mapped[str | None] = mapped_column(String(254), default=None)
    phone: Mapped[str | None] = mapped_column(String(64), default=None)
    address: Mapped[dict[str, Any] | None] = mapped_column(default=None)
    bank_account: Mapped[str | None] = mapped_column(String(64), default=None)
    devices: Mapped[list[Any]] = mapped_column(default=list)
    ips: Mapped[list[Any]] = mapped_column(default=list)
    kyb_verified: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime]
    status: Mapped[str] = mapped_column(String(20), default="active")
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class Listing(Base):
    """An offer put up by a seller; `brand_id` is the registry brand its claim resolves to."""

    __tablename__ = "listings"

    id: Mapped[str] = mapped_column(String(100), primary_key=True)
    seller_id: Mapped[str] = mapped_column(ForeignKey("sellers.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(index=True)
    title: Mapped[str] = mapped_column(String(1000))
    description: Mapped[str] = mapped_column(Text, default="")
    brand_claim: Mapped[str | None] = mapped_column(String(300), default=None)
    brand_id: Mapped[str | None] = mapped_column(ForeignKey("brands.id"), index=True, default=None)
    category: Mapped[str] = mapped_column(String(100), index=True)
    price: Mapped[Decimal] = mapped_column(Numeric(18, 4))
    currency: Mapped[str] = mapped_column(String(3))
    images: Mapped[list[Any]] = mapped_column(default=list)
    ships_from: Mapped[str] = mapped_column(String(2))
    quantity: Mapped[int]
    gtin: Mapped[str | None] = mapped_column(String(64), default=None)
    status: Mapped[str] = mapped_column(String(20), default="live", index=True)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    seller: Mapped[Seller] = relationship()


class Verdict(Base):
    """Ground truth on a listing; a later verdict on the same listing supersedes an earlier one."""

    __tablename__ = "verdicts"
    __table_args__ = (UniqueConstraint("listing_id", "source", "decided_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    listing_id: Mapped[str] = mapped_column(ForeignKey("listings.id"), index=True)
    verdict: Mapped[str] = mapped_column(String(20))
    source: Mapped[str] = mapped_column(String(20))
    decided_at: Mapped[datetime] = mapped_column(index=True)
    decided_by_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), default=None)


class Notice(Base):
    """A rights holder's report of a listing."""

    __tablename__ = "notices"

    id: Mapped[str] = mapped_column(String(100), primary_key=True)
    brand_id: Mapped[str] = mapped_column(ForeignKey("brands.id"), index=True)
    listing_id: Mapped[str] = mapped_column(ForeignKey("listings.id"), index=True)
    reason: Mapped[str] = mapped_column(String(20))
    submitted_at: Mapped[datetime] = mapped_column(index=True)
    details: Mapped[str | None] = mapped_column(Text, default=None)
    listing_was_blocked: Mapped[bool | None] = mapped_column(default=None)
