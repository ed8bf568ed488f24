"""Read side of customs for the screens and the API: queues, declarations, inspection screen."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import ColumnElement, func, or_, select
from sqlalchemy.orm import Session

from guetteur.auth.actor import Actor
from guetteur.auth.permissions import CUSTOMS_READ
from guetteur.customs.detention import FINAL
from guetteur.customs.models import (
    Declaration,
    Detention,
    Inspection,
    Selection,
    TargetingRun,
)
from guetteur.customs.workdays import member_state_of
from guetteur.errors import Forbidden, NotFound
from guetteur.registry.models import Brand, CustomsApplication
from guetteur.registry.service import contains_pattern

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
    session: Session,
    *,
    actor: Actor,
    office: str | None = None,
    run_id: int | None = None,
    q: str | None = None,
    selected: bool | None = None,
    limit: int = QUEUE_LIMIT,
    offset: int = 0,
) -> Queue:
    """An office's queue (the first office when none is named) from a run (the latest).

    `q` searches the declaration id, the importer's and consignor's names and the HS code;
    `selected` keeps only the declarations picked for inspection (True) or the others (False).
    """
    run, office, offices = _queue_scope(session, actor, office, run_id)
    if run is None:
        return Queue(None, office, offices)
    query = _queue_rows(select(Selection, Declaration), run, office, q, selected)
    query = query.order_by(Selection.selected.desc(), Selection.day, Selection.rank, Selection.id)
    rows = session.execute(query.limit(limit).offset(offset)).all()
    return Queue(run, office, offices, [(row[0], row[1]) for row in rows])


def count_queue(
    session: Session,
    *,
    actor: Actor,
    office: str | None = None,
    run_id: int | None = None,
    q: str | None = None,
    selected: bool | None = None,
) -> int:
    """How many rows of the office's queue match the filters (as `queue` takes them)."""
    run, office, _offices = _queue_scope(session, actor, office, run_id)
    if run is None:
        return 0
    query = _queue_rows(select(func.count(Selection.id)), run, office, q, selected)
    return int(session.scalar(query) or 0)


def _queue_scope(
    session: Session, actor: Actor, office: str | None, run_id: int | None
) -> tuple[TargetingRun | None, str | None, list[str]]:
    """The run (the latest when none is named), the office (the first) and the run's offices."""
    _require(actor)
    run = (
        session.get(TargetingRun, run_id)
        if run_id is not None
        else latest_run(session, actor=actor)
    )
    if run is None:
        return None, office, []
    offices = list(
        session.scalars(
            select(Selection.office)
            .where(Selection.run_id == run.id)
            .distinct()
            .order_by(Selection.office)
        )
    )
    return run, office or (offices[0] if offices else None), offices


def _queue_rows(
    query: Any, run: TargetingRun, office: str | None, q: str | None, selected: bool | None
) -> Any:
    query = query.join(Declaration, Declaration.id == Selection.declaration_id).where(
        Selection.run_id == run.id, Selection.office == office
    )
    if q:
        pattern = contains_pattern(q)
        query = query.where(
            or_(
                func.lower(Declaration.id).like(pattern, escape="\\"),
                func.lower(Declaration.hs_code).like(pattern, escape="\\"),
                func.lower(Declaration.importer["name"].as_string()).like(pattern, escape="\\"),
                func.lower(Declaration.consignor["name"].as_string()).like(pattern, escape="\\"),
            )
        )
    if selected is not None:
        query = query.where(Selection.selected.is_(selected))
    return query


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


def counts(session: Session, *, actor: Actor, today: date | None = None) -> dict[str, Any]:
    """Totals for the customs dashboard: flow, the latest targeting run, detentions by urgency."""
    _require(actor)
    run = latest_run(session, actor=actor)
    selected = 0
    if run is not None:
        query = select(func.count(Selection.id)).where(
            Selection.run_id == run.id, Selection.selected.is_(True)
        )
        selected = int(session.scalar(query) or 0)
    totals: dict[str, Any] = {
        "declarations": session.scalar(select(func.count()).select_from(Declaration)) or 0,
        "inspections": session.scalar(select(func.count()).select_from(Inspection)) or 0,
        "runs": session.scalar(select(func.count()).select_from(TargetingRun)) or 0,
        "selected_in_latest_run": selected,
        "open_detentions": session.scalar(
            select(func.count(Detention.id)).where(Detention.status.not_in(sorted(FINAL)))
        )
        or 0,
    }
    if today is not None:
        for due in DUE_FILTERS:
            totals[f"detentions_{due}"] = count_detentions(
                session, actor=actor, today=today, due=due
            )
    return totals


DUE_FILTERS = ("today", "overdue")


def list_detentions(
    session: Session,
    *,
    actor: Actor,
    today: date,
    q: str | None = None,
    status: str | None = None,
    due: str | None = None,
    limit: int = 50,
    offset: int = 0,
) -> list[Detention]:
    """Detentions, the ones due soonest first (those without a due date last).

    `q` searches the detention number, the declaration id and the brand (id or name); `due` is
    "today" (an open step due on `today`) or "overdue" (an open step due before `today`).
    """
    _require(actor)
    query = _detentions(select(Detention), today, q, status, due)
    query = query.order_by(Detention.due_on.is_(None), Detention.due_on, Detention.id)
    return list(session.scalars(query.limit(limit).offset(offset)))


def count_detentions(
    session: Session,
    *,
    actor: Actor,
    today: date,
    q: str | None = None,
    status: str | None = None,
    due: str | None = None,
) -> int:
    """How many detentions match the filters (as `list_detentions` takes them)."""
    _require(actor)
    query = _detentions(select(func.count(Detention.id)), today, q, status, due)
    return int(session.scalar(query) or 0)


def _detentions(query: Any, today: date, q: str | None, status: str | None, due: str | None) -> Any:
    if q:
        pattern = contains_pattern(q)
        brands = select(Brand.id).where(func.lower(Brand.name).like(pattern, escape="\\"))
        found: list[ColumnElement[bool]] = [
            func.lower(Detention.declaration_id).like(pattern, escape="\\"),
            func.lower(Detention.brand_id).like(pattern, escape="\\"),
            Detention.brand_id.in_(brands),
        ]
        number = q.strip().lstrip("#")
        if number.isdigit() and len(number) <= 9:
            found.append(Detention.id == int(number))
        query = query.where(or_(*found))
    if status:
        query = query.where(Detention.status == status)
    if due == "today":
        query = query.where(Detention.due_on == today, Detention.status.not_in(FINAL))
    elif due == "overdue":
        query = query.where(Detention.due_on < today, Detention.status.not_in(FINAL))
    return query
