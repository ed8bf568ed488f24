"""Tables of cases: investigations, what they are about, who works them, evidence, tasks, notes."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import Date, ForeignKey, LargeBinary, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, deferred, mapped_column, relationship

from guetteur.clock import utcnow
from guetteur.db import Base

CASE_STATUSES = ("open", "closed")
ORIGIN_KINDS = ("network", "seller", "listing", "detention", "lot", "declaration", "alert")
SUBJECT_KINDS = ("network", "seller", "listing", "detention", "lot", "declaration")
EVIDENCE_KINDS = (
    "listing_snapshot",
    "test_purchase",
    "photo",
    "finding",
    "seizure",
    "document",
)
PARTICIPANT_ACCESS = ("full", "restricted")
OUTCOME_KINDS = ("accounts_closed", "funds_withheld", "referral", "conviction", "no_further_action")


class Case(Base):
    """An investigation worked jointly by several organisations."""

    __tablename__ = "cases"

    id: Mapped[int] = mapped_column(primary_key=True)
    reference: Mapped[str] = mapped_column(String(40), unique=True)
    title: Mapped[str] = mapped_column(String(300))
    summary: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(20), default="open", index=True)
    origin_kind: Mapped[str] = mapped_column(String(20))
    origin_ref: Mapped[str] = mapped_column(String(220))
    lead_organisation_id: Mapped[int | None] = mapped_column(
        ForeignKey("organisations.id"), default=None
    )
    opened_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    opened_by: Mapped[str] = mapped_column(String(200))
    closed_at: Mapped[datetime | None] = mapped_column(default=None)
    closed_by: Mapped[str | None] = mapped_column(String(200), default=None)
    outcome: Mapped[dict[str, Any]] = mapped_column(default=dict)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    subjects: Mapped[list[CaseSubject]] = relationship(
        back_populates="case", cascade="all, delete-orphan", order_by="CaseSubject.id"
    )
    participants: Mapped[list[CaseParticipant]] = relationship(
        back_populates="case", cascade="all, delete-orphan", order_by="CaseParticipant.id"
    )


class CaseSubject(Base):
    """Something the case is about: a network, seller, listing, declaration, detention or lot."""

    __tablename__ = "case_subjects"
    __table_args__ = (UniqueConstraint("case_id", "kind", "ref"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(20))
    ref: Mapped[str] = mapped_column(String(220), index=True)
    added_at: Mapped[datetime] = mapped_column(default=utcnow)
    added_by: Mapped[str] = mapped_column(String(200))

    case: Mapped[Case] = relationship(back_populates="subjects")


class CaseParticipant(Base):
    """An organisation working the case, and what the agreement lets it see.

    `access` is `full` (sellers' identifiers, audited when the organisation is not the
    marketplace) or `restricted` (shop names only). Brand organisations are always restricted.
    """

    __tablename__ = "case_participants"
    __table_args__ = (UniqueConstraint("case_id", "organisation_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    access: Mapped[str] = mapped_column(String(20), default="restricted")
    agreement: Mapped[str] = mapped_column(String(200), default="")
    added_at: Mapped[datetime] = mapped_column(default=utcnow)
    added_by: Mapped[str] = mapped_column(String(200))

    case: Mapped[Case] = relationship(back_populates="participants")


class EvidenceItem(Base):
    """A piece of evidence, stored with the SHA-256 of its content, who added it and when."""

    __tablename__ = "case_evidence"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(30))
    title: Mapped[str] = mapped_column(String(300))
    description: Mapped[str] = mapped_column(Text, default="")
    subject_kind: Mapped[str | None] = mapped_column(String(20), default=None)
    subject_ref: Mapped[str | None] = mapped_column(String(220), default=None)
    order_reference: Mapped[str | None] = mapped_column(String(100), default=None)
    filename: Mapped[str | None] = mapped_column(String(300), default=None)
    media_type: Mapped[str] = mapped_column(String(100), default="application/octet-stream")
    size: Mapped[int] = mapped_column(default=0)
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    content: Mapped[bytes] = deferred(mapped_column(LargeBinary))
    added_at: Mapped[datetime] = mapped_column(default=utcnow)
    added_by: Mapped[str] = mapped_column(String(200))
    added_by_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), default=None)
    organisation_id: Mapped[int | None] = mapped_column(
        ForeignKey("organisations.id"), default=None
    )


class CaseTask(Base):
    """Something to do for the case, with an owner and a due date."""

    __tablename__ = "case_tasks"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(String(300))
    owner: Mapped[str] = mapped_column(String(200))
    due_on: Mapped[date | None] = mapped_column(Date, default=None)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_by: Mapped[str] = mapped_column(String(200))
    done_at: Mapped[datetime | None] = mapped_column(default=None)
    done_by: Mapped[str | None] = mapped_column(String(200), default=None)


class CaseNote(Base):
    """A note on the case."""

    __tablename__ = "case_notes"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    body: Mapped[str] = mapped_column(Text)
    author: Mapped[str] = mapped_column(String(200))
    organisation_id: Mapped[int | None] = mapped_column(
        ForeignKey("organisations.id"), default=None
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
