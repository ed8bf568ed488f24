"""Applications for action: a right holder asks customs to watch for its goods (608/2013).

Submitted by the right holder (or customs on its behalf), decided by customs (granted with a
validity period of at most one year, or rejected). A granted application in force for a brand
and a Member State is what lets customs detain goods under Art. 17 rather than ex officio, and
its authentication guide is what the officer sees at the inspection table.
"""

from __future__ import annotations

import secrets
from datetime import date, timedelta
from typing import Any

from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import select
from sqlalchemy.orm import Session

from guetteur.audit import service as audit
from guetteur.auth.actor import Actor
from guetteur.auth.permissions import APPLICATIONS_DECIDE, APPLICATIONS_SUBMIT
from guetteur.clock import utcnow
from guetteur.errors import Conflict, Forbidden, InvalidInput, NotFound
from guetteur.registry.models import Brand, CustomsApplication


class ApplicationCreate(BaseModel):
    """What a right holder files."""

    model_config = ConfigDict(extra="forbid")

    brand_id: str = Field(min_length=1, max_length=100)
    applicant: str = Field(min_length=1, max_length=300)
    kind: str = Field(default="national", pattern="^(national|union)$")
    member_states: list[str] = Field(min_length=1, max_length=30)
    ip_rights: list[dict[str, Any]] = Field(min_length=1, max_length=200)
    product_ids: list[str] = Field(default_factory=list, max_length=5000)
    authentication_guide: str = Field(min_length=1, max_length=20000)
    reference_images: list[str] = Field(default_factory=list, max_length=50)
    contacts: list[dict[str, Any]] = Field(min_length=1, max_length=20)
    small_consignments: bool = False


def submit(session: Session, *, actor: Actor, data: ApplicationCreate) -> CustomsApplication:
    """File an application for a brand the actor may act for."""
    brand = session.get(Brand, data.brand_id)
    if brand is None:
        raise NotFound(f"brand {data.brand_id!r} not found")
    if not (actor.can(APPLICATIONS_SUBMIT) and _acts_for(actor, brand)):
        raise Forbidden("you may not file an application for this brand")
    if data.kind == "national" and len(data.member_states) != 1:
        raise InvalidInput("a national application names exactly one Member State")
    row = CustomsApplication(
        reference=f"AFA-{utcnow():%Y}-{secrets.token_hex(4).upper()}",
        applicant_organisation_id=actor.organisation_id,
        status="submitted",
        **data.model_dump(),
    )
    row.member_states = sorted({c.upper() for c in data.member_states})
    session.add(row)
    session.flush()
    _audit(session, actor, row, "application.submit", {"brand_id": row.brand_id})
    return row


def decide(
    session: Session,
    *,
    actor: Actor,
    application_id: int,
    grant: bool,
    valid_from: date | None = None,
    valid_until: date | None = None,
    note: str = "",
) -> CustomsApplication:
    """Grant (with a validity period of at most a year) or reject a submitted application."""
    if not actor.can(APPLICATIONS_DECIDE):
        raise Forbidden("only customs decide applications for action")
    row = get_or_raise(session, actor=actor, application_id=application_id)
    if row.status != "submitted":
        raise Conflict(f"application {row.reference} is already {row.status}")
    if grant:
        start = valid_from or utcnow().date()
        last = _last_day_of_year_from(start)
        end = valid_until or last
        if end < start or end > last:
            raise InvalidInput("the validity period runs at most one year from its start")
        row.valid_from, row.valid_until = start, end
    row.status = "granted" if grant else "rejected"
    row.decided_at, row.decided_by, row.decision_note = utcnow(), actor.label, note or None
    session.flush()
    detail = {"status": row.status, "valid_until": str(row.valid_until) if grant else None}
    _audit(session, actor, row, "application.decide", detail)
    return row


def get(session: Session, *, actor: Actor, application_id: int) -> CustomsApplication | None:
    """One application, if the actor may see it."""
    row = session.get(CustomsApplication, application_id)
    if row is None or not _may_see(actor, row):
        return None
    return row


def get_or_raise(session: Session, *, actor: Actor, application_id: int) -> CustomsApplication:
    """One application, or NotFound."""
    row = get(session, actor=actor, application_id=application_id)
    if row is None:
        raise NotFound(f"application {application_id} not found")
    return row


def list_(
    session: Session, *, actor: Actor, brand_id: str | None = None, status: str | None = None
) -> list[CustomsApplication]:
    """Applications the actor may see, newest first."""
    query = select(CustomsApplication).order_by(CustomsApplication.id.desc())
    if brand_id is not None:
        query = query.where(CustomsApplication.brand_id == brand_id)
    if status is not None:
        query = query.where(CustomsApplication.status == status)
    if actor.organisation_kind == "brand":
        query = query.where(CustomsApplication.brand_id.in_(sorted(actor.brand_ids)))
    return list(session.scalars(query))


def in_force(
    session: Session, *, brand_id: str, member_state: str, on: date
) -> CustomsApplication | None:
    """The granted application covering `brand_id` in `member_state` on day `on`, if any."""
    query = select(CustomsApplication).where(
        CustomsApplication.brand_id == brand_id,
        CustomsApplication.status == "granted",
        CustomsApplication.valid_from <= on,
        CustomsApplication.valid_until >= on,
    )
    for row in session.scalars(query.order_by(CustomsApplication.id.desc())):
        if member_state.upper() in row.member_states:
            return row
    return None


def expire(session: Session, *, actor: Actor, on: date) -> list[CustomsApplication]:
    """Mark granted applications whose validity ended before `on` as expired."""
    query = select(CustomsApplication).where(
        CustomsApplication.status == "granted", CustomsApplication.valid_until < on
    )
    rows = list(session.scalars(query))
    for row in rows:
        row.status = "expired"
        _audit(session, actor, row, "application.expire", {"on": str(on)})
    session.flush()
    return rows


def _last_day_of_year_from(start: date) -> date:
    """The last day of a one-year validity period starting on `start`."""
    day = 28 if (start.month, start.day) == (2, 29) else start.day
    return start.replace(year=start.year + 1, day=day) - timedelta(days=1)


def _acts_for(actor: Actor, brand: Brand) -> bool:
    if actor.organisation_kind == "brand":
        return brand.id in actor.brand_ids
    return True


def _may_see(actor: Actor, row: CustomsApplication) -> bool:
    return actor.organisation_kind != "brand" or row.brand_id in actor.brand_ids


def _audit(
    session: Session, actor: Actor, row: CustomsApplication, action: str, detail: dict[str, Any]
) -> None:
    detail = {"reference": row.reference, **detail}
    audit.record(
        session,
        actor=actor,
        action=action,
        object_type="customs_application",
        object_id=str(row.id),
        detail=detail,
    )
