"""Read side of customs for the screens and the API: queues, declarations, inspection screen."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from guetteur.auth.actor import Actor
from guetteur.auth.permissions import CUSTOMS_READ
from guetteur.customs.models import Declaration, Inspection, Selection, TargetingRun
from guetteur.customs.workdays import member_state_of
from guetteur.errors import Forbidden, NotFound
from guetteur.registry.models import Brand, CustomsApplication

QUEUE_LIMIT = 200


@dataclass
class Queue:
    """One office's targeting queue from one run: selected first, then by queue position."""

    run: TargetingRun | None
    office: str | None
    offices: list[str]
    items: list[tuple[Selection, Declaration]] = field(default_factory=list)


@dataclass
class InspectionScreen:
    """What the officer sees at the inspection table."""

    declaration: Declaration
    selection: Selection | None
    inspections: list[Inspection]
    guides: list[tuple[Brand, CustomsApplication]]


def _require(actor: Actor) -> None:
    if not actor.can(CUSTOMS_READ):
        raise Forbidden("only customs see declarations")


def latest_run(session: Session, *, actor: Actor) -> TargetingRun | None:
    """The most recent targeting run."""
    _require(actor)
    return session.scalars(select(TargetingRun).order_by(TargetingRun.id.desc()).limit(1)).first()


def queue(
    session: Session, *, actor: Actor, office: str | None = None, run_id: int | None = None
) -> Queue:
    """An office's queue (the first office when none is named) from a run (the latest)."""
    _require(actor)
    run = (
        session.get(TargetingRun, run_id)
        if run_id is not None
        else latest_run(session, actor=actor)
    )
    if run is None:
        return Queue(None, office, [])
    offices = list(
        session.scalars(
            select(Selection.office)
            .where(Selection.run_id == run.id)
            .distinct()
            .order_by(Selection.office)
        )
    )
    office = office or (offices[0] if offices else None)
    query = (
        select(Selection, Declaration)
        .join(Declaration, Declaration.id == Selection.declaration_id)
        .where(Selection.run_id == run.id, Selection.office == office)
        .order_by(Selection.selected.desc(), Selection.day, Selection.rank)
        .limit(QUEUE_LIMIT)
    )
    items = [(row[0], row[1]) for row in session.execute(query).all()]
    return Queue(run, office, offices, items)


def inspection_screen(session: Session, *, actor: Actor, declaration_id: str) -> InspectionScreen:
    """The declaration, its latest selection with reasons, and the right holders' guides."""
    _require(actor)
    declaration = session.get(Declaration, declaration_id)
    if declaration is None:
        raise NotFound(f"declaration {declaration_id} not found")
    selection = session.scalars(
        select(Selection)
        .where(Selection.declaration_id == declaration_id)
        .order_by(Selection.id.desc())
        .limit(1)
    ).first()
    inspections = list(
        session.scalars(
            select(Inspection)
            .where(Inspection.declaration_id == declaration_id)
            .order_by(Inspection.inspected_at)
        )
    )
    return InspectionScreen(
        declaration, selection, inspections, _guides(session, declaration, inspections)
    )


def _guides(
    session: Session, declaration: Declaration, inspections: list[Inspection]
) -> list[tuple[Brand, CustomsApplication]]:
    """Granted applications whose brand is named in the goods description or found inside."""
    state = member_state_of(declaration.office)
    day = declaration.lodged_at.date()
    query = (
        select(Brand, CustomsApplication)
        .join(CustomsApplication, CustomsApplication.brand_id == Brand.id)
        .where(
            CustomsApplication.status == "granted",
            CustomsApplication.valid_from <= day,
            CustomsApplication.valid_until >= day,
        )
    )
    text = declaration.description.casefold()
    found = {i.brand_id for i in inspections if i.brand_id}
    guides = []
    for brand, application in session.execute(query).all():
        named = brand.name.casefold() in text or any(a.casefold() in text for a in brand.aliases)
        if state in application.member_states and (named or brand.id in found):
            guides.append((brand, application))
    return guides


def counts(session: Session, *, actor: Actor) -> dict[str, Any]:
    """Totals for the customs dashboard."""
    _require(actor)
    return {
        "declarations": session.scalar(select(func.count()).select_from(Declaration)) or 0,
        "inspections": session.scalar(select(func.count()).select_from(Inspection)) or 0,
        "runs": session.scalar(select(func.count()).select_from(TargetingRun)) or 0,
    }
