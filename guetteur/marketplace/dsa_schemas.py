"""Pydantic shapes of the notice-and-action API (DSA Arts 16, 17, 20, 22, 23)."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field


class NoticeCreate(BaseModel):
    """A notice (Art. 16(2)): what is illegal and why, where, who says so, in good faith."""

    model_config = ConfigDict(extra="forbid")

    listing_id: str = Field(min_length=1, max_length=100)
    reason: str = Field(max_length=20, description="counterfeit, trademark, copyright or design")
    explanation: str = Field(max_length=5000, description="why the content is illegal")
    notifier_name: str = Field(max_length=200)
    notifier_email: str = Field(max_length=254)
    good_faith: bool = Field(description="the notifier's statement that it acts in good faith")
    location: str = Field("", max_length=2000, description="the listing's URL (optional)")
    right_infringed: str = Field("", max_length=300, description="e.g. 'EU trade mark 018...'")


class NoticeRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: str
    brand_id: str
    listing_id: str
    reason: str
    submitted_at: datetime
    details: str | None
    location: str | None
    notifier_name: str | None
    notifier_email: str | None
    right_infringed: str | None
    good_faith: bool | None
    trusted_flagger: bool
    listing_was_blocked: bool | None
    actioned_at: datetime | None
    decision: str | None
    decided_at: datetime | None


class NoticeFiled(NoticeRead):
    statement_id: str | None


class NoticePage(BaseModel):
    items: list[NoticeRead]
    total: int


class Decision(BaseModel):
    model_config = ConfigDict(extra="forbid")

    decision: str = Field(max_length=10, description="valid or invalid")
    note: str = Field("", max_length=2000)


class StatementRead(BaseModel):
    """A statement of reasons (Art. 17(3)); `id` is the reference the seller quotes."""

    model_config = ConfigDict(from_attributes=True)

    id: str
    kind: str
    seller_id: str
    listing_id: str | None
    notice_id: str | None
    removal_id: str | None
    issued_at: datetime
    restriction: str
    facts: str
    automated_detection: bool
    automated_decision: bool
    legal_ground: str
    contractual_ground: str
    redress: str
    status: str
    reversed_at: datetime | None


class AppealCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    grounds: str = Field(max_length=5000, description="the seller's reasons, as received")


class AppealDecision(BaseModel):
    model_config = ConfigDict(extra="forbid")

    outcome: str = Field(max_length=10, description="upheld or reversed")
    note: str = Field(max_length=2000)


class AppealRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: str
    statement_id: str
    filed_at: datetime
    grounds: str
    outcome: str | None
    decided_at: datetime | None
    decision_note: str | None


class StrikesRead(BaseModel):
    seller_id: str
    strikes: list[str]
    threshold: int
    window_days: int
    action: str
    statement_id: str | None
    statements: list[StatementRead] = []


class FlaggerCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    reference: str = Field(max_length=300, description="the coordinator's decision")


class FlaggerRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    organisation_id: int
    reference: str
    awarded_at: datetime
    revoked_at: datetime | None


class AccuracyRead(BaseModel):
    brand_id: str
    valid: int
    decided: int
    accuracy: float | None
    eligible: bool
    explanation: str


class RemovalCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    reason: str = Field(max_length=20)
    explanation: str = Field(max_length=5000)


class RemovalRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: str
    brand_id: str
    listing_id: str
    removed_at: datetime
    reason: str
    explanation: str
    accuracy: float
    previous_status: str
    restored_at: datetime | None
    restore_note: str | None


class RestoreRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    note: str = Field("", max_length=2000)


class NoticeFiguresRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    start: datetime
    end: datetime
    notices: int
    listings: int
    per_thousand_listings: float | None
    time_to_action_hours: float | None
