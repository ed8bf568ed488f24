"""JSON routes of custody: lots, events, destruction certificates, reconciliation."""

from __future__ import annotations

from dataclasses import asdict
from datetime import date
from typing import Any

from fastapi import APIRouter
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy.orm import Session

from guetteur.auth import permissions as perms
from guetteur.auth.actor import Actor
from guetteur.custody import service
from guetteur.web.deps import SessionDep, require

router = APIRouter(prefix="/api/custody", tags=["custody"])


class LotCreate(BaseModel):
    """Seized goods taken into custody."""

    model_config = ConfigDict(extra="forbid")

    office: str = Field(min_length=2, max_length=40)
    storage_location: str = Field(min_length=1, max_length=200)
    seized_on: date
    detention_id: int | None = None
    lines: list[service.LineCreate] = Field(min_length=1, max_length=500)


class EventCreate(BaseModel):
    """A move, sample, hand-over, court release or stock count."""

    model_config = ConfigDict(extra="forbid")

    kind: str
    on: date
    units: dict[str, int] = Field(default_factory=dict)
    location: str | None = Field(default=None, max_length=200)
    contractor: str | None = Field(default=None, max_length=200)
    note: str = Field(default="", max_length=2000)


class CertificateIn(BaseModel):
    """A destruction or recycling certificate and the units per line it covers."""

    model_config = ConfigDict(extra="forbid")

    units: dict[str, int]
    certificate: service.CertificateCreate
    recycled: bool = False


def _lot(lot: Any) -> dict[str, Any]:
    return {
        "id": lot.id,
        "reference": lot.reference,
        "status": lot.status,
        "office": lot.office,
        "storage_location": lot.storage_location,
        "seized_on": lot.seized_on,
        "lines": [
            {"id": line.id, "brand_id": line.brand_id, "product_id": line.product_id,
             "units_seized": line.units_seized}
            for line in lot.lines
        ],
    }  # fmt: skip


@router.post("/lots", status_code=201)
def create_lot(
    body: LotCreate, session: Session = SessionDep, actor: Actor = require(perms.CUSTOMS_ACT)
) -> dict[str, Any]:
    """Take seized goods into custody."""
    lot = service.create_lot(
        session, actor=actor, **body.model_dump(exclude={"lines"}), lines=body.lines
    )
    return _lot(lot)


@router.post("/lots/{lot_id}/events", status_code=201)
def record_event(
    lot_id: int,
    body: EventCreate,
    session: Session = SessionDep,
    actor: Actor = require(perms.CUSTOMS_ACT),
) -> dict[str, Any]:
    """Record an event; refused (409) when units are not where the event takes them from."""
    event = service.record(session, actor=actor, lot_id=lot_id, **body.model_dump())
    return {"id": event.id, "kind": event.kind, "on": event.on, "units": event.lines}


@router.post("/lots/{lot_id}/certificates", status_code=201)
def certify(
    lot_id: int,
    body: CertificateIn,
    session: Session = SessionDep,
    actor: Actor = require(perms.CUSTOMS_ACT),
) -> dict[str, Any]:
    """Record destruction (or recycling) with the contractor's certificate."""
    row = service.certify_destruction(
        session, actor=actor, lot_id=lot_id, units=body.units,
        certificate=body.certificate, recycled=body.recycled,
    )  # fmt: skip
    return {"id": row.id, "units": row.units, "document_sha256": row.document_sha256}


@router.get("/lots/{lot_id}/reconciliation")
def reconciliation(
    lot_id: int, session: Session = SessionDep, actor: Actor = require(perms.CUSTOMS_READ)
) -> dict[str, Any]:
    """Units by place and line, and every count that does not add up."""
    result = service.reconcile(session, actor=actor, lot_id=lot_id)
    return {**asdict(result), "ok": result.ok}


@router.get("/reconciliation")
def period_reconciliation(
    start: date,
    end: date,
    office: str | None = None,
    session: Session = SessionDep,
    actor: Actor = require(perms.CUSTOMS_READ),
) -> dict[str, Any]:
    """In custody at the start + seized = out by way + in custody at the end."""
    result = service.reconcile_period(session, actor=actor, start=start, end=end, office=office)
    return {**asdict(result), "ok": result.ok}
