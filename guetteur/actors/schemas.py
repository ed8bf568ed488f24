"""Pydantic shapes of the networks API."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, Literal

from pydantic import BaseModel, Field

from guetteur.actors.browse import NetworkSummary
from guetteur.actors.detail import IdentifierView, LinkView, MemberView, NetworkDetail
from guetteur.actors.enforce import NetworkAction
from guetteur.actors.models import LinkLabel


class RiskRead(BaseModel):
    members: int
    counterfeit: int
    genuine: int
    notices: int
    score: float


class MemberRef(BaseModel):
    member_id: str
    name: str


class NetworkSummaryRead(BaseModel):
    network_id: str
    status: str
    size: int
    risk: RiskRead
    members: list[MemberRef]
    updated_at: datetime

    @classmethod
    def of(cls, item: NetworkSummary) -> NetworkSummaryRead:
        return cls.model_validate(item.as_dict())


class NetworkPage(BaseModel):
    items: list[NetworkSummaryRead]
    total: int
    limit: int
    offset: int


class EvidenceRead(BaseModel):
    identifier_kind: str
    detail: str
    weight: float


class MemberRead(BaseModel):
    member_id: str
    kind: str
    name: str
    status: str | None
    listings: dict[str, int]
    evidence: list[EvidenceRead]

    @classmethod
    def of(cls, item: MemberView) -> MemberRead:
        return cls(
            member_id=item.member_id,
            kind=item.kind,
            name=item.name,
            status=item.status,
            listings=item.listings,
            evidence=[EvidenceRead.model_validate(e) for e in item.evidence],
        )


class IdentifierRead(BaseModel):
    kind: str
    value: str = Field(description="masked for display")
    members: list[str]
    weight: float
    excluded: bool
    degree: int | None

    @classmethod
    def of(cls, item: IdentifierView) -> IdentifierRead:
        return cls(
            kind=item.kind,
            value=item.shown,
            members=item.members,
            weight=item.weight,
            excluded=item.excluded,
            degree=item.degree,
        )


class LinkLabelRead(BaseModel):
    id: int
    left_id: str
    right_id: str
    label: str
    network_id: str | None
    note: str
    actor_label: str
    created_at: datetime

    @classmethod
    def of(cls, row: LinkLabel) -> LinkLabelRead:
        return cls(
            id=row.id,
            left_id=row.left_id,
            right_id=row.right_id,
            label=row.label,
            network_id=row.network_id,
            note=row.note,
            actor_label=row.actor_label,
            created_at=row.created_at,
        )


class LinkRead(BaseModel):
    left_id: str
    right_id: str
    weight: float
    evidence: list[EvidenceRead]
    label: LinkLabelRead | None

    @classmethod
    def of(cls, item: LinkView) -> LinkRead:
        return cls(
            left_id=item.left,
            right_id=item.right,
            weight=item.weight,
            evidence=[EvidenceRead.model_validate(e) for e in item.evidence],
            label=LinkLabelRead.of(item.label) if item.label else None,
        )


class ListingRow(BaseModel):
    id: str
    seller_id: str
    title: str
    status: str
    created_at: datetime


class VerdictRow(BaseModel):
    listing_id: str
    verdict: str
    source: str
    decided_at: datetime


class NoticeRow(BaseModel):
    id: str
    listing_id: str
    brand_id: str
    reason: str
    submitted_at: datetime


class DetentionRow(BaseModel):
    id: int
    declaration_id: str | None
    status: str
    units: int
    detained_on: date


class InspectionRow(BaseModel):
    declaration_id: str
    outcome: str
    units: int | None
    inspected_at: datetime


class NetworkRead(BaseModel):
    network_id: str
    status: str
    size: int
    risk: RiskRead
    members: list[MemberRead]
    links: list[LinkRead]
    identifiers: list[IdentifierRead]
    excluded_identifiers: list[IdentifierRead]
    listings: list[ListingRow]
    verdicts: list[VerdictRow]
    notices: list[NoticeRow]
    customs_visible: bool
    detentions: list[DetentionRow]
    inspections: list[InspectionRow]

    @classmethod
    def of(cls, item: NetworkDetail) -> NetworkRead:
        def rows(model: type[BaseModel], objects: list[Any]) -> list[Any]:
            return [model.model_validate(o, from_attributes=True) for o in objects]

        return cls(
            network_id=item.network.id,
            status=item.network.status,
            size=item.network.size,
            risk=RiskRead.model_validate(item.risk.as_dict()),
            members=[MemberRead.of(m) for m in item.members],
            links=[LinkRead.of(x) for x in item.links],
            identifiers=[IdentifierRead.of(x) for x in item.identifiers],
            excluded_identifiers=[IdentifierRead.of(x) for x in item.excluded],
            listings=rows(ListingRow, item.listings),
            verdicts=[
                VerdictRow(listing_id=v[0], verdict=v[1], source=v[2], decided_at=v[3])
                for v in item.verdicts
            ],
            notices=rows(NoticeRow, item.notices),
            customs_visible=item.customs_visible,
            detentions=rows(DetentionRow, item.detentions),
            inspections=rows(InspectionRow, item.inspections),
        )


class LinkLabelCreate(BaseModel):
    left_id: str = Field(min_length=1, max_length=220)
    right_id: str = Field(min_length=1, max_length=220)
    label: Literal["confirm", "cut"]
    note: str = Field("", max_length=2000)


class NetworkActionCreate(BaseModel):
    hold_listings: bool = True
    suspend: bool = True
    reason: str = Field("", max_length=1000)


class NetworkActionRead(BaseModel):
    network_id: str
    sellers: list[str]
    listings_held: list[str]
    sellers_suspended: list[str]
    audit_seq: int

    @classmethod
    def of(cls, item: NetworkAction) -> NetworkActionRead:
        return cls.model_validate(item.as_dict())
