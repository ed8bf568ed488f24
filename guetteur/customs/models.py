"""Tables of customs: declarations, inspections, targeting runs and selections, detentions."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import Date, ForeignKey, Numeric, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from guetteur.clock import utcnow
from guetteur.db import Base

TRANSPORT_MODES = ("postal", "express", "air", "sea", "road", "rail")
OUTCOMES = ("clear", "ipr_suspected", "other_fraud")


class Declaration(Base):
    """An import declaration or low-value parcel as lodged; parties are kept as JSON objects."""

    __tablename__ = "customs_declarations"

    id: Mapped[str] = mapped_column(String(100), primary_key=True)
    lodged_at: Mapped[datetime] = mapped_column(index=True)
    office: Mapped[str] = mapped_column(String(40), index=True)
    declarant_id: Mapped[str] = mapped_column(String(100), index=True)
    importer: Mapped[dict[str, Any]] = mapped_column(default=dict)
    consignor: Mapped[dict[str, Any]] = mapped_column(default=dict)
    hs_code: Mapped[str] = mapped_column(String(10), index=True)
    description: Mapped[str] = mapped_column(Text, default="")
    origin_country: Mapped[str] = mapped_column(String(2))
    quantity: Mapped[int]
    gross_weight_kg: Mapped[Decimal] = mapped_column(Numeric(18, 4))
    declared_value: Mapped[Decimal] = mapped_column(Numeric(18, 4))
    currency: Mapped[str] = mapped_column(String(3))
    transport_mode: Mapped[str] = mapped_column(String(10))
    seller_ref: Mapped[str | None] = mapped_column(String(100), index=True, default=None)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class Inspection(Base):
    """What an inspection of a declaration found; identified by (declaration, inspected_at)."""

    __tablename__ = "customs_inspections"
    __table_args__ = (UniqueConstraint("declaration_id", "inspected_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    declaration_id: Mapped[str] = mapped_column(ForeignKey("customs_declarations.id"), index=True)
    inspected_at: Mapped[datetime] = mapped_column(index=True)
    outcome: Mapped[str] = mapped_column(String(20))
    brand_id: Mapped[str | None] = mapped_column(String(100), index=True, default=None)
    units: Mapped[int | None] = mapped_column(default=None)
    revenue: Mapped[Decimal | None] = mapped_column(Numeric(18, 4), default=None)


class TargetingRun(Base):
    """One ranking of declarations: the model used, the cut-off, the capacity, the counts."""

    __tablename__ = "customs_targeting_runs"

    id: Mapped[int] = mapped_column(primary_key=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    since: Mapped[datetime]
    capacity: Mapped[float]
    exploration: Mapped[float]
    model_version: Mapped[str] = mapped_column(String(80))
    declarations: Mapped[int] = mapped_column(default=0)
    selected: Mapped[int] = mapped_column(default=0)
    training: Mapped[dict[str, Any]] = mapped_column(default=dict)
    actor_label: Mapped[str] = mapped_column(String(200), default="system")


class Selection(Base):
    """A declaration's score, rank and selection in one run, with its reasons and propensity.

    `propensity` is the probability that the selection policy picked it (1 for the top of the
    queue, the exploration rate for a random pick), logged so that retraining can correct for
    the fact that only selected declarations get labelled.
    """

    __tablename__ = "customs_selections"
    __table_args__ = (UniqueConstraint("run_id", "declaration_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("customs_targeting_runs.id"), index=True)
    declaration_id: Mapped[str] = mapped_column(ForeignKey("customs_declarations.id"), index=True)
    office: Mapped[str] = mapped_column(String(40), index=True)
    day: Mapped[date] = mapped_column(Date, index=True)
    score: Mapped[float]
    rank: Mapped[int]
    selected: Mapped[bool] = mapped_column(default=False, index=True)
    exploration: Mapped[bool] = mapped_column(default=False)
    propensity: Mapped[float] = mapped_column(default=0.0)
    reasons: Mapped[list[Any]] = mapped_column(default=list)
    model_version: Mapped[str] = mapped_column(String(80))


DETENTION_STATUSES = (
    "detained_ex_officio",
    "detained",
    "notified",
    "destruction_agreed",
    "proceedings",
    "sc_notified",
    "sc_opposed",
    "destroyed",
    "released",
)


class Detention(Base):
    """Goods suspected of infringing an IP right, under Regulation (EU) No 608/2013.

    Dates are calendar dates in the Member State where the goods are; deadlines are computed in
    that State's working days (see `customs.workdays`).
    """

    __tablename__ = "customs_detentions"

    id: Mapped[int] = mapped_column(primary_key=True)
    declaration_id: Mapped[str | None] = mapped_column(
        ForeignKey("customs_declarations.id"), index=True, default=None
    )
    office: Mapped[str] = mapped_column(String(40), index=True)
    member_state: Mapped[str] = mapped_column(String(2))
    brand_id: Mapped[str | None] = mapped_column(String(100), index=True, default=None)
    application_id: Mapped[int | None] = mapped_column(
        ForeignKey("customs_applications.id"), index=True, default=None
    )
    procedure: Mapped[str] = mapped_column(String(30))  # standard | small_consignments | ex_officio
    status: Mapped[str] = mapped_column(String(30), index=True)
    perishable: Mapped[bool] = mapped_column(default=False)
    units: Mapped[int] = mapped_column(default=0)
    description: Mapped[str] = mapped_column(Text, default="")
    detained_on: Mapped[date] = mapped_column(Date)
    notified_on: Mapped[date | None] = mapped_column(Date, default=None)
    due_on: Mapped[date | None] = mapped_column(Date, index=True, default=None)
    due_step: Mapped[str | None] = mapped_column(String(40), default=None)
    extended: Mapped[bool] = mapped_column(default=False)
    right_holder_confirmed: Mapped[bool] = mapped_column(default=False)
    holder_position: Mapped[str | None] = mapped_column(String(20), default=None)
    outcome: Mapped[str | None] = mapped_column(String(40), default=None)
    lot_id: Mapped[int | None] = mapped_column(default=None)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    events: Mapped[list[DetentionEvent]] = relationship(
        back_populates="detention", cascade="all, delete-orphan", order_by="DetentionEvent.id"
    )


class DetentionEvent(Base):
    """One step of a detention's timeline: what happened, on which day, who did it."""

    __tablename__ = "customs_detention_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    detention_id: Mapped[int] = mapped_column(
        ForeignKey("customs_detentions.id", ondelete="CASCADE"), index=True
    )
    on: Mapped[date] = mapped_column(Date)
    at: Mapped[datetime] = mapped_column(default=utcnow)
    action: Mapped[str] = mapped_column(String(40))
    from_status: Mapped[str | None] = mapped_column(String(30), default=None)
    to_status: Mapped[str] = mapped_column(String(30))
    actor_label: Mapped[str] = mapped_column(String(200))
    detail: Mapped[dict[str, Any]] = mapped_column(default=dict)

    detention: Mapped[Detention] = relationship(back_populates="events")
