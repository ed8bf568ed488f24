"""Tables of the marketplace: seller accounts, listings, verdicts, brand notices, and the Digital
Services Act records (trusted flaggers, statements of reasons, appeals, direct removals)."""

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
    # DSA Art. 16 fields (None on notices imported from files, which predate the intake form)
    notifier_name: Mapped[str | None] = mapped_column(String(200), default=None)
    notifier_email: Mapped[str | None] = mapped_column(String(254), default=None)
    location: Mapped[str | None] = mapped_column(String(2000), default=None)
    right_infringed: Mapped[str | None] = mapped_column(String(300), default=None)
    good_faith: Mapped[bool | None] = mapped_column(default=None)
    organisation_id: Mapped[int | None] = mapped_column(
        ForeignKey("organisations.id"), default=None
    )
    submitted_by_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), default=None)
    trusted_flagger: Mapped[bool] = mapped_column(default=False)
    """Whether the notifier was a trusted flagger (Art. 22) when the notice was filed."""
    actioned_at: Mapped[datetime | None] = mapped_column(default=None)
    """When the listing was taken down because of this notice (None: it was not live)."""
    listing_status_before: Mapped[str | None] = mapped_column(String(20), default=None)
    decision: Mapped[str | None] = mapped_column(String(10), default=None, index=True)
    """`valid` or `invalid` once the marketplace decided; None while the notice is open."""
    decided_at: Mapped[datetime | None] = mapped_column(default=None)
    decided_by_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), default=None)


NOTICE_DECISIONS = ("valid", "invalid")
STATEMENT_KINDS = ("listing_removal", "account_suspension", "warning")
APPEAL_OUTCOMES = ("upheld", "reversed")


class TrustedFlagger(Base):
    """A brand organisation whose notices are processed first (DSA Art. 22)."""

    __tablename__ = "trusted_flaggers"

    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), primary_key=True)
    reference: Mapped[str] = mapped_column(String(300))
    """The Digital Services Coordinator's decision awarding the status."""
    awarded_at: Mapped[datetime]
    awarded_by_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), default=None)
    revoked_at: Mapped[datetime | None] = mapped_column(default=None)


class StatementOfReasons(Base):
    """What the marketplace sends a seller when it restricts them (DSA Art. 17), or warns them.

    `id` is the stable public reference the seller quotes in an appeal.
    """

    __tablename__ = "statements_of_reasons"

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))
    seller_id: Mapped[str] = mapped_column(ForeignKey("sellers.id"), index=True)
    listing_id: Mapped[str | None] = mapped_column(
        ForeignKey("listings.id"), index=True, default=None
    )
    notice_id: Mapped[str | None] = mapped_column(ForeignKey("notices.id"), default=None)
    removal_id: Mapped[str | None] = mapped_column(ForeignKey("direct_removals.id"), default=None)
    issued_at: Mapped[datetime] = mapped_column(index=True)
    restriction: Mapped[str] = mapped_column(Text)
    facts: Mapped[str] = mapped_column(Text)
    automated_detection: Mapped[bool] = mapped_column(default=False)
    automated_decision: Mapped[bool] = mapped_column(default=False)
    legal_ground: Mapped[str] = mapped_column(Text)
    contractual_ground: Mapped[str] = mapped_column(Text)
    redress: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(20), default="in_force")
    reversed_at: Mapped[datetime | None] = mapped_column(default=None)


class Appeal(Base):
    """A seller's complaint against a statement of reasons (DSA Art. 20)."""

    __tablename__ = "appeals"

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    statement_id: Mapped[str] = mapped_column(ForeignKey("statements_of_reasons.id"), index=True)
    filed_at: Mapped[datetime] = mapped_column(index=True)
    grounds: Mapped[str] = mapped_column(Text)
    recorded_by_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), default=None)
    outcome: Mapped[str | None] = mapped_column(String(10), default=None)
    decided_at: Mapped[datetime | None] = mapped_column(default=None)
    decided_by_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), default=None)
    decision_note: Mapped[str | None] = mapped_column(Text, default=None)


class DirectRemoval(Base):
    """A listing a brand with accurate notices removed itself; reversible by the marketplace."""

    __tablename__ = "direct_removals"

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    brand_id: Mapped[str] = mapped_column(ForeignKey("brands.id"), index=True)
    listing_id: Mapped[str] = mapped_column(ForeignKey("listings.id"), index=True)
    organisation_id: Mapped[int | None] = mapped_column(
        ForeignKey("organisations.id"), default=None
    )
    removed_by_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), default=None)
    removed_at: Mapped[datetime] = mapped_column(index=True)
    reason: Mapped[str] = mapped_column(String(20))
    explanation: Mapped[str] = mapped_column(Text)
    accuracy: Mapped[float]
    """The brand's notice accuracy that entitled it to remove directly, at that moment."""
    previous_status: Mapped[str] = mapped_column(String(20))
    restored_at: Mapped[datetime | None] = mapped_column(default=None)
    restored_by_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), default=None)
    restore_note: Mapped[str | None] = mapped_column(Text, default=None)
