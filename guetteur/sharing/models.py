"""Tables of sharing: node keys, agreements, what we published, disclosed and received, alerts."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from guetteur.clock import utcnow
from guetteur.db import Base

FIELD_POLICIES = ("clear", "token", "withheld")
TLP_LEVELS = ("clear", "green", "amber", "amber+strict", "red")


class NodeKey(Base):
    """This node's Ed25519 signing key and X25519 key-agreement key (private halves encrypted)."""

    __tablename__ = "sharing_node_keys"

    id: Mapped[int] = mapped_column(primary_key=True)
    signing_private: Mapped[str] = mapped_column(Text)
    agreement_private: Mapped[str] = mapped_column(Text)
    signing_public: Mapped[str] = mapped_column(String(64))
    agreement_public: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Agreement(Base):
    """A written sharing agreement between one of our organisations and a partner node.

    `outbound` and `inbound` hold, per direction, the object kinds covered and the policy of each
    field (clear | token | withheld). The token key is derived from both nodes' key-agreement
    keys, stored encrypted, and never exported.
    """

    __tablename__ = "sharing_agreements"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    title: Mapped[str] = mapped_column(String(300))
    purpose: Mapped[str] = mapped_column(Text)
    legal_basis: Mapped[str] = mapped_column(Text)
    tlp: Mapped[str] = mapped_column(String(20))
    retention_days: Mapped[int]
    local_node: Mapped[str] = mapped_column(String(100))
    partner_node: Mapped[str] = mapped_column(String(100))
    local_organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    partner_organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    outbound: Mapped[dict[str, Any]] = mapped_column(default=dict)
    inbound: Mapped[dict[str, Any]] = mapped_column(default=dict)
    terms_hash: Mapped[str] = mapped_column(String(64))
    partner_url: Mapped[str | None] = mapped_column(String(500), default=None)
    partner_credential: Mapped[str | None] = mapped_column(Text, default=None)
    partner_signing_key: Mapped[str] = mapped_column(String(64))
    partner_agreement_key: Mapped[str] = mapped_column(String(64))
    token_key: Mapped[str] = mapped_column(Text)
    push: Mapped[bool] = mapped_column(default=False)
    status: Mapped[str] = mapped_column(String(20), default="active")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class PublishedObject(Base):
    """One version of a STIX object in one of our TAXII collections (what partners read)."""

    __tablename__ = "sharing_published"
    __table_args__ = (
        UniqueConstraint("collection_id", "stix_id", "modified"),
        Index("ix_sharing_published_collection_added", "collection_id", "date_added"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    collection_id: Mapped[str] = mapped_column(String(36))
    stix_id: Mapped[str] = mapped_column(String(120), index=True)
    stix_type: Mapped[str] = mapped_column(String(60))
    modified: Mapped[str] = mapped_column(String(40))
    date_added: Mapped[datetime]
    body: Mapped[str] = mapped_column(Text)


class Disclosure(Base):
    """What we sent a partner, when, and under which agreement (one row per object version)."""

    __tablename__ = "sharing_disclosures"

    id: Mapped[int] = mapped_column(primary_key=True)
    agreement_id: Mapped[str] = mapped_column(ForeignKey("sharing_agreements.id"), index=True)
    stix_id: Mapped[str] = mapped_column(String(120), index=True)
    stix_type: Mapped[str] = mapped_column(String(60))
    modified: Mapped[str] = mapped_column(String(40))
    local_ref: Mapped[str] = mapped_column(String(220))
    fields: Mapped[dict[str, Any]] = mapped_column(default=dict)
    disclosed_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)


class ReceivedObject(Base):
    """One version of an object a partner sent us, kept until it expires."""

    __tablename__ = "sharing_received"
    __table_args__ = (UniqueConstraint("stix_id", "modified"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    agreement_id: Mapped[str] = mapped_column(ForeignKey("sharing_agreements.id"), index=True)
    stix_id: Mapped[str] = mapped_column(String(120), index=True)
    stix_type: Mapped[str] = mapped_column(String(60), index=True)
    modified: Mapped[str] = mapped_column(String(40))
    created_by_ref: Mapped[str] = mapped_column(String(120))
    body: Mapped[dict[str, Any]] = mapped_column(default=dict)
    received_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(index=True)
    correlated: Mapped[bool] = mapped_column(default=False, index=True)


class SyncCursor(Base):
    """How far a pull (or push) of one collection has been acknowledged."""

    __tablename__ = "sharing_cursors"

    agreement_id: Mapped[str] = mapped_column(ForeignKey("sharing_agreements.id"), primary_key=True)
    direction: Mapped[str] = mapped_column(String(10), primary_key=True)  # pull | push
    position: Mapped[str] = mapped_column(String(60), default="")
    objects: Mapped[int] = mapped_column(default=0)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)


class PostStatus(Base):
    """A TAXII status resource: the outcome of one Add Objects request."""

    __tablename__ = "sharing_post_status"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    collection_id: Mapped[str] = mapped_column(String(36))
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"))
    requested_at: Mapped[datetime] = mapped_column(default=utcnow)
    successes: Mapped[list[Any]] = mapped_column(default=list)
    failures: Mapped[list[Any]] = mapped_column(default=list)


class Alert(Base):
    """A received token or indicator that matched our own data: for an analyst to act on."""

    __tablename__ = "sharing_alerts"
    __table_args__ = (UniqueConstraint("stix_id", "local_kind", "local_ref"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    agreement_id: Mapped[str] = mapped_column(ForeignKey("sharing_agreements.id"), index=True)
    stix_id: Mapped[str] = mapped_column(String(120))
    local_kind: Mapped[str] = mapped_column(String(20))  # seller | importer | consignor
    local_ref: Mapped[str] = mapped_column(String(220), index=True)
    fields: Mapped[list[Any]] = mapped_column(default=list)
    score: Mapped[float]
    detail: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(20), default="open", index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
