"""Tables of the actors domain: linking runs, networks and members, and the blocking index."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from guetteur.clock import utcnow
from guetteur.db import Base

NETWORK_STATUSES = ("active", "dissolved")


class LinkageRun(Base):
    """One full linking run: what it read, the model it used, what it found, how long it took."""

    __tablename__ = "linkage_runs"

    id: Mapped[int] = mapped_column(primary_key=True)
    started_at: Mapped[datetime] = mapped_column(default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column(default=None)
    engine: Mapped[str] = mapped_column(String(20), default="duckdb")
    model_version: Mapped[int | None] = mapped_column(default=None)
    records: Mapped[int] = mapped_column(default=0)
    pairs: Mapped[int] = mapped_column(default=0)
    networks: Mapped[int] = mapped_column(default=0)
    members: Mapped[int] = mapped_column(default=0)
    options: Mapped[dict[str, Any]] = mapped_column(default=dict)
    timings: Mapped[dict[str, Any]] = mapped_column(default=dict)
    tf_totals: Mapped[dict[str, Any]] = mapped_column(default=dict)
    actor_label: Mapped[str] = mapped_column(String(200), default="system")


class Network(Base):
    """A group of seller accounts and declaration parties run by the same people."""

    __tablename__ = "networks"

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    status: Mapped[str] = mapped_column(String(20), default="active", index=True)
    size: Mapped[int] = mapped_column(default=0)
    anchor_member_id: Mapped[str] = mapped_column(String(220))
    first_run_id: Mapped[int | None] = mapped_column(ForeignKey("linkage_runs.id"), default=None)
    last_run_id: Mapped[int | None] = mapped_column(ForeignKey("linkage_runs.id"), default=None)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class NetworkMember(Base):
    """A member of a network (a seller id, or `declaration_id:role`), with its evidence."""

    __tablename__ = "network_members"

    member_id: Mapped[str] = mapped_column(String(220), primary_key=True)
    network_id: Mapped[str] = mapped_column(ForeignKey("networks.id"), index=True)
    kind: Mapped[str] = mapped_column(String(20))
    evidence: Mapped[list[Any]] = mapped_column(default=list)
    run_id: Mapped[int | None] = mapped_column(ForeignKey("linkage_runs.id"), default=None)
    added_at: Mapped[datetime] = mapped_column(default=utcnow)


class LinkRecordRow(Base):
    """A normalised linkage record, kept for linking new accounts against the existing set."""

    __tablename__ = "actor_link_records"

    member_id: Mapped[str] = mapped_column(String(220), primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))
    created_at: Mapped[str] = mapped_column(String(40), default="")
    record: Mapped[dict[str, Any]] = mapped_column(default=dict)


class BlockingKey(Base):
    """The blocking index: one row per (key kind, value, member); also counts term frequencies."""

    __tablename__ = "actor_blocking_keys"
    __table_args__ = (Index("ix_actor_blocking_keys_kind_value", "key_kind", "key_value"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    key_kind: Mapped[str] = mapped_column(String(20))
    key_value: Mapped[str] = mapped_column(String(500))
    member_id: Mapped[str] = mapped_column(String(220), index=True)


class SuperNodeValue(Base):
    """An identifier value the last run found shared by too many accounts; never links anyone."""

    __tablename__ = "actor_super_nodes"

    id: Mapped[int] = mapped_column(primary_key=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("linkage_runs.id"), index=True)
    kind: Mapped[str] = mapped_column(String(20))
    value: Mapped[str] = mapped_column(String(500))
    degree: Mapped[int]


LINK_LABELS = ("confirm", "cut")


class LinkLabel(Base):
    """An analyst's word on a link between two members: confirmed, or cut (latest one counts).

    `left_id` < `right_id`; the next full run keeps a confirmed pair linked and drops a cut one.
    """

    __tablename__ = "actor_link_labels"
    __table_args__ = (Index("ix_actor_link_labels_pair", "left_id", "right_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    left_id: Mapped[str] = mapped_column(String(220), index=True)
    right_id: Mapped[str] = mapped_column(String(220), index=True)
    label: Mapped[str] = mapped_column(String(10))
    network_id: Mapped[str | None] = mapped_column(String(40), default=None)
    note: Mapped[str] = mapped_column(String(2000), default="")
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), default=None)
    actor_label: Mapped[str] = mapped_column(String(200), default="system")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
