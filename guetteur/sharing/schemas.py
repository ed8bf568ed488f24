"""Inputs and outputs of sharing: agreement terms (the same file on both nodes), node cards."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

Policy = Literal["clear", "token", "withheld"]
Kind = Literal[
    "seller", "network", "listing", "declaration", "detention", "seizure", "test_purchase"
]


class Party(BaseModel):
    """One side of an agreement: a node and the organisation on it."""

    model_config = ConfigDict(extra="forbid")

    node: str = Field(min_length=1, max_length=100)
    organisation: str = Field(min_length=1, max_length=64)
    name: str = Field(default="", max_length=200)
    kind: Literal["marketplace", "customs", "brand"]
    url: str | None = Field(default=None, max_length=500, description="its TAXII API root")


class Flow(BaseModel):
    """What one party sends the other: kinds of objects, and how each field travels."""

    model_config = ConfigDict(extra="forbid")

    sender: str = Field(min_length=1, max_length=100, description="node name of the sender")
    kinds: list[Kind]
    fields: dict[str, Policy] = Field(default_factory=dict)
    fuzzy: bool = False
    push: bool = False


class Terms(BaseModel):
    """A written agreement: both nodes load the same terms file."""

    model_config = ConfigDict(extra="forbid")

    id: str = Field(pattern=r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")
    title: str = Field(min_length=1, max_length=300)
    purpose: str = Field(min_length=1, max_length=5000)
    legal_basis: str = Field(min_length=1, max_length=5000)
    tlp: Literal["clear", "green", "amber", "amber+strict", "red"] = "amber"
    retention_days: int = Field(default=180, ge=1, le=3650)
    parties: list[Party] = Field(min_length=2, max_length=2)
    flows: list[Flow] = Field(max_length=2)

    @model_validator(mode="after")
    def _flows_between_parties(self) -> Terms:
        nodes = [p.node for p in self.parties]
        if nodes[0] == nodes[1]:
            raise ValueError("the two parties must be on different nodes")
        senders = [f.sender for f in self.flows]
        if len(set(senders)) != len(senders) or not set(senders) <= set(nodes):
            raise ValueError("each flow's sender must be a party, at most one flow each")
        return self


class NodeCard(BaseModel):
    """A node's public keys, exchanged between administrators with the terms."""

    model_config = ConfigDict(extra="forbid")

    node: str
    signing_key: str
    agreement_key: str


class AgreementRead(BaseModel):
    """An agreement as administrators see it (no keys, no credentials)."""

    model_config = ConfigDict(from_attributes=True)

    id: str
    title: str
    purpose: str
    legal_basis: str
    tlp: str
    retention_days: int
    local_node: str
    partner_node: str
    local_organisation_id: int
    partner_organisation_id: int
    outbound: dict[str, object]
    inbound: dict[str, object]
    terms_hash: str
    partner_url: str | None
    push: bool
    status: str
    created_at: datetime


class DisclosureRead(BaseModel):
    """One object version disclosed under an agreement."""

    model_config = ConfigDict(from_attributes=True)

    id: int
    agreement_id: str
    stix_id: str
    stix_type: str
    modified: str
    local_ref: str
    fields: dict[str, object]
    disclosed_at: datetime


class AlertRead(BaseModel):
    """A match between received intelligence and our own data."""

    model_config = ConfigDict(from_attributes=True)

    id: int
    agreement_id: str
    stix_id: str
    local_kind: str
    local_ref: str
    fields: list[object]
    score: float
    detail: str
    status: str
    created_at: datetime
