"""JSON routes of customs: selections, detentions (608/2013 steps), applications for action."""

from __future__ import annotations

from datetime import date
from typing import Any

from fastapi import APIRouter, Query
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy.orm import Session

from guetteur.auth import permissions as perms
from guetteur.auth.actor import Actor
from guetteur.customs import detention as proc
from guetteur.customs import service
from guetteur.customs.models import Detention
from guetteur.customs.schemas import DetainInput, DetentionRead, SelectionRead
from guetteur.errors import InvalidInput
from guetteur.registry import applications
from guetteur.web.deps import SessionDep, require

router = APIRouter(prefix="/api/customs", tags=["customs"])


class Step(BaseModel):
    """A step of the procedure, taken on a day."""

    model_config = ConfigDict(extra="forbid")

    on: date
    reason: str = Field(default="", max_length=500)
    court: str = Field(default="", max_length=200)
    infringing: bool | None = None
    application_id: int | None = None
    filed_on: date | None = None
    lot_id: int | None = None


class Decision(BaseModel):
    """Customs' decision on an application for action."""

    model_config = ConfigDict(extra="forbid")

    grant: bool
    valid_from: date | None = None
    valid_until: date | None = None
    note: str = Field(default="", max_length=2000)


class DetentionDetail(DetentionRead):
    """A detention with its timeline."""

    events: list[dict[str, Any]]

    @classmethod
    def of(cls, row: Detention) -> DetentionDetail:
        events = [
            {"on": e.on, "action": e.action, "from": e.from_status, "to": e.to_status,
             "by": e.actor_label, "detail": e.detail}
            for e in row.events
        ]  # fmt: skip
        return cls.model_validate(
            {**DetentionRead.model_validate(row).model_dump(), "events": events}
        )


@router.get("/selections", response_model=list[SelectionRead])
def selections(
    office: str | None = Query(None, max_length=40),
    run_id: int | None = Query(None, ge=1),
    session: Session = SessionDep,
    actor: Actor = require(perms.CUSTOMS_READ),
) -> list[SelectionRead]:
    """An office's targeting queue from a run (default: the latest run, the first office)."""
    found = service.queue(session, actor=actor, office=office, run_id=run_id)
    return [SelectionRead.model_validate(s) for s, _ in found.items]


@router.post("/detentions", response_model=DetentionDetail, status_code=201)
def detain(
    body: DetainInput, session: Session = SessionDep, actor: Actor = require(perms.CUSTOMS_ACT)
) -> DetentionDetail:
    """Detain goods suspected of infringing an IP right (under an application, or ex officio)."""
    row = proc.detain(
        session,
        actor=actor,
        office=body.office,
        on=body.on,
        units=body.units,
        brand_id=body.brand_id,
        declaration_id=body.declaration_id,
        perishable=body.perishable,
        small_consignment=body.small_consignment,
        description=body.description,
    )
    return DetentionDetail.of(row)


@router.get("/detentions/due", response_model=list[DetentionRead])
def due(
    today: date,
    office: str | None = Query(None, max_length=40),
    session: Session = SessionDep,
    actor: Actor = require(perms.CUSTOMS_READ),
) -> list[DetentionRead]:
    """Steps due on or before `today` (the overdue ones have `due_on` < today)."""
    return [
        DetentionRead.model_validate(d.detention)
        for d in proc.due(session, actor=actor, today=today, office=office)
    ]


@router.post("/detentions/deadlines", response_model=list[DetentionRead])
def deadlines(
    body: Step, session: Session = SessionDep, actor: Actor = require(perms.CUSTOMS_ACT)
) -> list[DetentionRead]:
    """Apply what the law deems for every period that ended before `on`."""
    moved = proc.apply_deadlines(session, actor=actor, today=body.on)
    return [DetentionRead.model_validate(row) for row in moved]


@router.get("/detentions/{detention_id}", response_model=DetentionDetail)
def detention(
    detention_id: int, session: Session = SessionDep, actor: Actor = require(perms.CUSTOMS_READ)
) -> DetentionDetail:
    """One detention and its timeline."""
    return DetentionDetail.of(proc.get_or_raise(session, actor=actor, detention_id=detention_id))


@router.post("/detentions/{detention_id}/{step}", response_model=DetentionDetail)
def take_step(
    detention_id: int,
    step: str,
    body: Step,
    session: Session = SessionDep,
    actor: Actor = require(perms.CUSTOMS_ACT),
) -> DetentionDetail:
    """notify, confirm, holder-agrees, holder-opposes, extend, start-proceedings, judgment,
    application-granted, destroy or release."""
    row = _step(session, actor, detention_id, step, body)
    return DetentionDetail.of(row)


def _step(session: Session, actor: Actor, detention_id: int, step: str, body: Step) -> Detention:
    args: dict[str, Any] = {"actor": actor, "detention_id": detention_id, "on": body.on}
    simple = {
        "notify": proc.notify,
        "confirm": proc.confirm,
        "holder-agrees": proc.holder_agrees,
        "holder-opposes": proc.holder_opposes,
        "extend": proc.extend,
    }
    if step in simple:
        return simple[step](session, **args)
    if step == "start-proceedings":
        return proc.start_proceedings(session, **args, court=body.court)
    if step == "judgment" and body.infringing is not None:
        return proc.judgment(session, **args, infringing=body.infringing)
    if step == "application-granted" and body.application_id is not None:
        return proc.application_granted(
            session, **args, application_id=body.application_id, filed_on=body.filed_on
        )
    if step == "destroy":
        return proc.destroy(session, **args, lot_id=body.lot_id)
    if step == "release":
        return proc.release(session, **args, reason=body.reason)
    raise InvalidInput(f"unknown step {step!r} or a missing field for it")


@router.post("/applications", status_code=201)
def submit_application(
    body: applications.ApplicationCreate,
    session: Session = SessionDep,
    actor: Actor = require(perms.APPLICATIONS_SUBMIT),
) -> dict[str, Any]:
    """A right holder files an application for action."""
    row = applications.submit(session, actor=actor, data=body)
    return {"id": row.id, "reference": row.reference, "status": row.status}


@router.post("/applications/{application_id}/decision")
def decide_application(
    application_id: int,
    body: Decision,
    session: Session = SessionDep,
    actor: Actor = require(perms.APPLICATIONS_DECIDE),
) -> dict[str, Any]:
    """Customs grant or reject an application."""
    row = applications.decide(
        session,
        actor=actor,
        application_id=application_id,
        grant=body.grant,
        valid_from=body.valid_from,
        valid_until=body.valid_until,
        note=body.note,
    )
    return {
        "id": row.id,
        "status": row.status,
        "valid_from": row.valid_from,
        "valid_until": row.valid_until,
    }
