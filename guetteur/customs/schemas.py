"""Pydantic models of customs: the two interchange lines (FORMATS.md) and API inputs/outputs."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from guetteur.interchange.schemas import (
    Address,
    Amount,
    Blank64,
    Blank100,
    Blank254,
    Country,
    Currency,
    Id,
    Quantity,
    Record,
    Text300,
    Time,
)

HsCode = Annotated[str, StringConstraints(pattern=r"^[0-9]{6,10}$")]
Description = Annotated[str, StringConstraints(min_length=0, max_length=2000)]
TransportMode = Literal["postal", "express", "air", "sea", "road", "rail"]
Outcome = Literal["clear", "ipr_suspected", "other_fraud"]


class Party(Record):
    """An importer or consignor: name, address, country, and optional EORI, phone, e-mail."""

    name: Text300
    address: Address | None = None
    country: Country | None = None
    eori: Blank100 | None = None
    phone: Blank64 | None = None
    email: Blank254 | None = None


class DeclarationRecord(Record):
    """One line of declarations.jsonl."""

    id: Id
    lodged_at: Time
    office: Annotated[str, StringConstraints(min_length=1, max_length=40)]
    declarant_id: Id
    importer: Party
    consignor: Party
    hs_code: HsCode
    description: Description
    origin_country: Country
    quantity: Quantity
    gross_weight_kg: Amount
    declared_value: Amount
    currency: Currency
    transport_mode: TransportMode
    seller_ref: Id | None = None


class InspectionRecord(Record):
    """One line of inspections.jsonl, identified by (declaration_id, inspected_at)."""

    declaration_id: Id
    inspected_at: Time
    outcome: Outcome
    brand_id: Id | None = None
    units: Quantity | None = None
    revenue: Amount | None = None


class Reason(BaseModel):
    """Why a declaration scored as it did: a code, a signed weight and words for the officer."""

    code: str
    weight: float
    detail: str


class SelectionRead(BaseModel):
    """One line of selections.jsonl (FORMATS.md) as the API returns it."""

    model_config = ConfigDict(from_attributes=True)

    declaration_id: str
    office: str
    day: date
    score: float
    rank: int
    selected: bool
    exploration: bool
    propensity: float
    reasons: list[dict[str, Any]]
    model_version: str


class DetainInput(BaseModel):
    """What an officer enters to detain goods."""

    model_config = ConfigDict(extra="forbid")

    declaration_id: str | None = None
    office: str = Field(min_length=2, max_length=40)
    brand_id: str | None = None
    units: int = Field(ge=0, le=2**31 - 1)
    description: str = Field(default="", max_length=2000)
    perishable: bool = False
    small_consignment: bool = False
    on: date


class StepInput(BaseModel):
    """A step of the procedure taken on a day (with an optional note)."""

    model_config = ConfigDict(extra="forbid")

    on: date
    note: str = Field(default="", max_length=2000)


class DetentionRead(BaseModel):
    """A detention with its due step."""

    model_config = ConfigDict(from_attributes=True)

    id: int
    declaration_id: str | None
    office: str
    member_state: str
    brand_id: str | None
    application_id: int | None
    procedure: str
    status: str
    perishable: bool
    units: int
    detained_on: date
    notified_on: date | None
    due_on: date | None
    due_step: str | None
    extended: bool
    outcome: str | None
    created_at: datetime
