"""Tables of custody: seized lots, their lines by product and brand, events and certificates."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import Date, ForeignKey, Numeric, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from guetteur.clock import utcnow
from guetteur.db import Base

EVENT_KINDS = (
    "seized",
    "moved",
    "sampled",
    "handed_to_contractor",
    "destroyed",
    "recycled",
    "released",
    "counted",
)


class Lot(Base):
    """Goods seized together and kept together, from seizure to certified destruction."""

    __tablename__ = "custody_lots"

    id: Mapped[int] = mapped_column(primary_key=True)
    reference: Mapped[str] = mapped_column(String(60), unique=True)
    detention_id: Mapped[int | None] = mapped_column(
        ForeignKey("customs_detentions.id"), index=True, default=None
    )
    office: Mapped[str] = mapped_column(String(40), index=True)
    storage_location: Mapped[str] = mapped_column(String(200))
    seized_on: Mapped[date] = mapped_column(Date, index=True)
    status: Mapped[str] = mapped_column(String(20), default="in_store", index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    lines: Mapped[list[LotLine]] = relationship(
        back_populates="lot", cascade="all, delete-orphan", order_by="LotLine.id"
    )
    events: Mapped[list[CustodyEvent]] = relationship(
        back_populates="lot", cascade="all, delete-orphan", order_by="CustodyEvent.id"
    )
    certificates: Mapped[list[DestructionCertificate]] = relationship(
        back_populates="lot", cascade="all, delete-orphan", order_by="DestructionCertificate.id"
    )


class LotLine(Base):
    """The units of one product (or brand, when the product is unknown) in a lot."""

    __tablename__ = "custody_lot_lines"

    id: Mapped[int] = mapped_column(primary_key=True)
    lot_id: Mapped[int] = mapped_column(ForeignKey("custody_lots.id", ondelete="CASCADE"))
    brand_id: Mapped[str | None] = mapped_column(String(100), index=True, default=None)
    product_id: Mapped[str | None] = mapped_column(String(100), default=None)
    description: Mapped[str] = mapped_column(String(500), default="")
    units_seized: Mapped[int]

    lot: Mapped[Lot] = relationship(back_populates="lines")


class CustodyEvent(Base):
    """One movement of units in the chain of custody; `units` per line in `lines`."""

    __tablename__ = "custody_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    lot_id: Mapped[int] = mapped_column(
        ForeignKey("custody_lots.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[str] = mapped_column(String(30))
    on: Mapped[date] = mapped_column(Date, index=True)
    at: Mapped[datetime] = mapped_column(default=utcnow)
    lines: Mapped[dict[str, Any]] = mapped_column(default=dict)  # str(line id) -> units
    location: Mapped[str | None] = mapped_column(String(200), default=None)
    contractor: Mapped[str | None] = mapped_column(String(200), default=None)
    certificate_id: Mapped[int | None] = mapped_column(default=None)
    note: Mapped[str] = mapped_column(Text, default="")
    actor_label: Mapped[str] = mapped_column(String(200))

    lot: Mapped[Lot] = relationship(back_populates="events")


class DestructionCertificate(Base):
    """The contractor's certificate that units were destroyed or recycled."""

    __tablename__ = "custody_certificates"

    id: Mapped[int] = mapped_column(primary_key=True)
    lot_id: Mapped[int] = mapped_column(
        ForeignKey("custody_lots.id", ondelete="CASCADE"), index=True
    )
    contractor: Mapped[str] = mapped_column(String(200))
    method: Mapped[str] = mapped_column(String(40))  # incineration, shredding, recycling...
    on: Mapped[date] = mapped_column(Date)
    units: Mapped[int]
    weight_kg: Mapped[Decimal] = mapped_column(Numeric(18, 4))
    document_sha256: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    lot: Mapped[Lot] = relationship(back_populates="certificates")
