"""Bookkeeping of imports: which file was applied, when, by whom, with what effect."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from guetteur.clock import utcnow
from guetteur.db import Base


class ImportRun(Base):
    """One applied file: its kind, SHA-256 and how many rows were inserted, updated, unchanged."""

    __tablename__ = "import_runs"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(40))
    file_name: Mapped[str] = mapped_column(String(500))
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    rows: Mapped[int] = mapped_column(default=0)
    inserted: Mapped[int] = mapped_column(default=0)
    updated: Mapped[int] = mapped_column(default=0)
    unchanged: Mapped[int] = mapped_column(default=0)
    actor_label: Mapped[str] = mapped_column(String(200), default="cli")
    applied_at: Mapped[datetime] = mapped_column(default=utcnow)
