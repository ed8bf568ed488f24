"""Tables of the brand registry: brands, their genuine catalogue, images and authorised sellers."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import Date, ForeignKey, Numeric, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from guetteur.clock import utcnow
from guetteur.db import Base


class Brand(Base):
    """A word mark as registered, with the spellings and categories the brand uses itself."""

    __tablename__ = "brands"

    id: Mapped[str] = mapped_column(String(100), primary_key=True)
    name: Mapped[str] = mapped_column(String(200), index=True)
    aliases: Mapped[list[Any]] = mapped_column(default=list)
    categories: Mapped[list[Any]] = mapped_column(default=list)
    countries_of_manufacture: Mapped[list[Any]] = mapped_column(default=list)
    owner_organisation_id: Mapped[int | None] = mapped_column(
        ForeignKey("organisations.id"), index=True, default=None
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    images: Mapped[list[BrandImage]] = relationship(
        back_populates="brand", cascade="all, delete-orphan", order_by="BrandImage.id"
    )
    authorised_sellers: Mapped[list[AuthorisedSeller]] = relationship(
        back_populates="brand", cascade="all, delete-orphan", order_by="AuthorisedSeller.seller_id"
    )


class BrandImage(Base):
    """One of the brand's own product or logo pictures, kept in the media store by SHA-256."""

    __tablename__ = "brand_images"

    id: Mapped[int] = mapped_column(primary_key=True)
    brand_id: Mapped[str] = mapped_column(ForeignKey("brands.id", ondelete="CASCADE"), index=True)
    sha256: Mapped[str] = mapped_column(String(64))
    source: Mapped[str] = mapped_column(String(500))

    brand: Mapped[Brand] = relationship(back_populates="images")


class AuthorisedSeller(Base):
    """A seller account the brand allows to sell its goods (a plain id: sellers may come later)."""

    __tablename__ = "authorised_sellers"

    brand_id: Mapped[str] = mapped_column(
        ForeignKey("brands.id", ondelete="CASCADE"), primary_key=True
    )
    seller_id: Mapped[str] = mapped_column(String(100), primary_key=True, index=True)

    brand: Mapped[Brand] = relationship(back_populates="authorised_sellers")


class Product(Base):
    """A genuine product in a brand's catalogue, with its recommended retail price."""

    __tablename__ = "products"

    id: Mapped[str] = mapped_column(String(100), primary_key=True)
    brand_id: Mapped[str] = mapped_column(ForeignKey("brands.id"), index=True)
    gtin: Mapped[str | None] = mapped_column(String(14), index=True, default=None)
    title: Mapped[str] = mapped_column(String(500))
    category: Mapped[str] = mapped_column(String(100), index=True)
    msrp: Mapped[Decimal] = mapped_column(Numeric(18, 4))
    currency: Mapped[str] = mapped_column(String(3))
    images: Mapped[list[Any]] = mapped_column(default=list)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class CustomsApplication(Base):
    """A right holder's application for customs action (Regulation (EU) No 608/2013, Art. 6).

    It lists the IP rights and products to protect, how an officer tells genuine from fake (text
    and reference pictures shown at inspection), contact points and the Member States where
    action is requested; customs grant or reject it, for a validity period of at most a year.
    """

    __tablename__ = "customs_applications"

    id: Mapped[int] = mapped_column(primary_key=True)
    reference: Mapped[str] = mapped_column(String(60), unique=True)
    brand_id: Mapped[str] = mapped_column(ForeignKey("brands.id"), index=True)
    applicant: Mapped[str] = mapped_column(String(300))
    applicant_organisation_id: Mapped[int | None] = mapped_column(
        ForeignKey("organisations.id"), index=True, default=None
    )
    kind: Mapped[str] = mapped_column(String(10), default="national")  # national | union
    member_states: Mapped[list[Any]] = mapped_column(default=list)
    ip_rights: Mapped[list[Any]] = mapped_column(default=list)
    product_ids: Mapped[list[Any]] = mapped_column(default=list)
    authentication_guide: Mapped[str] = mapped_column(Text, default="")
    reference_images: Mapped[list[Any]] = mapped_column(default=list)
    contacts: Mapped[list[Any]] = mapped_column(default=list)
    small_consignments: Mapped[bool] = mapped_column(default=False)
    status: Mapped[str] = mapped_column(String(20), default="submitted", index=True)
    submitted_at: Mapped[datetime] = mapped_column(default=utcnow)
    decided_at: Mapped[datetime | None] = mapped_column(default=None)
    decided_by: Mapped[str | None] = mapped_column(String(200), default=None)
    decision_note: Mapped[str | None] = mapped_column(Text, default=None)
    valid_from: Mapped[date | None] = mapped_column(Date, default=None)
    valid_until: Mapped[date | None] = mapped_column(Date, default=None)
