"""Tables of detection: the decisions taken on listings and the registry of trained models."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Float, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from guetteur.clock import utcnow
from guetteur.db import Base

MODEL_STATUSES = ("candidate", "current", "retired")


class DetectionDecision(Base):
    """A decision on a listing: score, allow/hold/block, reasons, and the model that took it."""

    __tablename__ = "detection_decisions"

    id: Mapped[int] = mapped_column(primary_key=True)
    listing_id: Mapped[str] = mapped_column(ForeignKey("listings.id"), index=True)
    score: Mapped[float] = mapped_column(Float)
    decision: Mapped[str] = mapped_column(String(10), index=True)
    reasons: Mapped[list[Any]] = mapped_column(default=list)
    model_version: Mapped[str] = mapped_column(String(100))
    decided_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)


class DetectionModel(Base):
    """A trained detector: where its artefact lives, its metrics, and whether it is in use."""

    __tablename__ = "detection_models"

    version: Mapped[str] = mapped_column(String(100), primary_key=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    cutoff: Mapped[datetime]
    path: Mapped[str] = mapped_column(String(1000))
    status: Mapped[str] = mapped_column(String(20), default="candidate", index=True)
    metrics: Mapped[dict[str, Any]] = mapped_column(default=dict)
    promoted_at: Mapped[datetime | None] = mapped_column(default=None)
