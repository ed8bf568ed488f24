"""The detention procedure of Regulation (EU) No 608/2013 as a state machine with deadlines.

States (`Detention.status`):

    detained_ex_officio -- no application in force (Art. 18): notify within 1 working day, then
                           the right holder has 4 working days to apply; otherwise released
    detained            -- an application covers the goods (Art. 17): notify within 1 wd
    notified            -- holder of the goods and right holder notified (Art. 23): within 10 wd
                           (3 for perishable goods, extendable once by 10 if not perishable) the
                           right holder confirms infringement and agrees to destruction; the
                           holder of the goods agrees, opposes or stays silent (silence = agreement)
    sc_notified         -- small consignments procedure (Art. 26): the holder of the goods has
                           10 wd to agree or oppose; silence = agreement
    sc_opposed          -- opposed small consignment: the right holder, informed, has 10 wd to
                           start proceedings
    proceedings         -- court proceedings started; ends with a judgment
    destruction_agreed  -- destruction agreed, deemed agreed or ordered; awaits destruction
    destroyed, released -- final

Every transition is a `DetentionEvent` on the detention's timeline and an audit entry. Deadlines
are dates in working days of the office's Member State (`customs.workdays`); `apply_deadlines`
applies what the law deems when a period ends (silence as agreement, release).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from guetteur.audit import service as audit
from guetteur.auth.actor import Actor
from guetteur.auth.permissions import CUSTOMS_ACT
from guetteur.customs.models import Detention, DetentionEvent
from guetteur.customs.workdays import add_working_days, member_state_of
from guetteur.errors import Conflict, Forbidden, InvalidInput, NotFound
from guetteur.registry import applications

NOTIFY_WD = 1
EX_OFFICIO_APPLY_WD = 4
CONFIRM_WD = 10
CONFIRM_PERISHABLE_WD = 3
EXTENSION_WD = 10
SMALL_CONSIGNMENT_WD = 10
FINAL = frozenset({"destroyed", "released"})
OPEN_BEFORE_DESTRUCTION = frozenset(
    {"detained_ex_officio", "detained", "notified", "sc_notified", "sc_opposed", "proceedings"}
)


@dataclass(frozen=True)
class DueStep:
    """A step a detention waits for, with its last day and whether that day has passed."""

    detention: Detention
    step: str
    due_on: date
    overdue: bool


def detain(
    session: Session,
    *,
    actor: Actor,
    office: str,
    on: date,
    units: int,
    brand_id: str | None = None,
    declaration_id: str | None = None,
    perishable: bool = False,
    small_consignment: bool = False,
    description: str = "",
) -> Detention:
    """Suspend release or detain goods: under an application in force, or ex officio."""
    _require(actor)
    state = member_state_of(office)
    afa = None
    if brand_id is not None:
        afa = applications.in_force(session, brand_id=brand_id, member_state=state, on=on)
    if afa is None and perishable:
        raise Conflict("perishable goods cannot be detained ex officio (Art. 18)")
    if afa is None:
        procedure, status = "ex_officio", "detained_ex_officio"
    elif small_consignment and afa.small_consignments and not perishable:
        procedure, status = "small_consignments", "detained"
    else:
        procedure, status = "standard", "detained"
    row = Detention(
        declaration_id=declaration_id,
        office=office,
        member_state=state,
        brand_id=brand_id,
        application_id=afa.id if afa is not None else None,
        procedure=procedure,
        status=status,
        perishable=perishable,
        units=units,
        description=description,
        detained_on=on,
    )
    _due(row, "notify", add_working_days(on, NOTIFY_WD, state))
    session.add(row)
    session.flush()
    detail = {"procedure": procedure, "application_id": row.application_id, "units": units}
    _event(session, actor, row, "detain", None, on, detail)
    return row


def notify(session: Session, *, actor: Actor, detention_id: int, on: date) -> Detention:
    """Record that the holder of the goods and the right holder were notified on `on`."""
    row = _open(session, actor, detention_id, on)
    _expect(row, "detained", "detained_ex_officio")
    late = row.due_on is not None and on > row.due_on
    row.notified_on = on
    state = row.member_state
    if row.status == "detained_ex_officio":
        _due(row, "application", add_working_days(on, EX_OFFICIO_APPLY_WD, state))
        target = "detained_ex_officio"
    elif row.procedure == "small_consignments":
        _due(row, "holder_position", add_working_days(on, SMALL_CONSIGNMENT_WD, state))
        target = "sc_notified"
    else:
        _due(row, "confirmation", add_working_days(on, _confirm_wd(row), state))
        target = "notified"
    _move(session, actor, row, "notify", target, on, {"late": late})
    return row


def application_granted(
    session: Session,
    *,
    actor: Actor,
    detention_id: int,
    application_id: int,
    on: date,
    filed_on: date | None = None,
) -> Detention:
    """An application filed within 4 working days of an ex officio detention was granted."""
    row = _open(session, actor, detention_id, on)
    _expect(row, "detained_ex_officio")
    if row.notified_on is None:
        raise Conflict("notify the holder of the goods and the right holder first")
    afa = applications.get_or_raise(session, actor=actor, application_id=application_id)
    if afa.status != "granted" or afa.brand_id != row.brand_id:
        raise Conflict(f"application {afa.reference} is not a granted one for this brand")
    filed = filed_on or afa.submitted_at.date()
    if row.due_on is not None and filed > row.due_on:
        raise Conflict("the application was filed after the 4 working days (Art. 18(3))")
    row.application_id, row.procedure = afa.id, "standard"
    _due(row, "confirmation", add_working_days(on, _confirm_wd(row), row.member_state))
    _move(session, actor, row, "application_granted", "notified", on, {"application_id": afa.id})
    return row


def confirm(session: Session, *, actor: Actor, detention_id: int, on: date) -> Detention:
    """The right holder confirms the infringement and agrees to destruction, in time."""
    row = _open(session, actor, detention_id, on)
    _expect(row, "notified")
    _in_time(row, on)
    row.right_holder_confirmed = True
    target = "destruction_agreed" if row.holder_position == "agreed" else "notified"
    if target == "notified" and row.holder_position == "opposed":
        row.due_step = "proceedings"
    _move(session, actor, row, "confirm", target, on, {})
    if target == "destruction_agreed":
        _due(row, None, None)
    return row


def holder_agrees(session: Session, *, actor: Actor, detention_id: int, on: date) -> Detention:
    """The holder of the goods agrees to destruction."""
    row = _open(session, actor, detention_id, on)
    _expect(row, "notified", "sc_notified")
    _in_time(row, on)
    row.holder_position = "agreed"
    done = row.status == "sc_notified" or row.right_holder_confirmed
    _move(session, actor, row, "holder_agrees", "destruction_agreed" if done else row.status, on)
    if done:
        _due(row, None, None)
    return row


def holder_opposes(session: Session, *, actor: Actor, detention_id: int, on: date) -> Detention:
    """The holder of the goods opposes destruction: the right holder must go to court."""
    row = _open(session, actor, detention_id, on)
    _expect(row, "notified", "sc_notified")
    _in_time(row, on)
    row.holder_position = "opposed"
    if row.status == "sc_notified":
        _due(row, "proceedings", add_working_days(on, SMALL_CONSIGNMENT_WD, row.member_state))
        _move(session, actor, row, "holder_opposes", "sc_opposed", on)
        return row
    if row.right_holder_confirmed:
        row.due_step = "proceedings"
    _move(session, actor, row, "holder_opposes", "notified", on)
    return row


def extend(session: Session, *, actor: Actor, detention_id: int, on: date) -> Detention:
    """Extend the right holder's period once by 10 working days (not for perishable goods)."""
    row = _open(session, actor, detention_id, on)
    _expect(row, "notified")
    if row.perishable:
        raise Conflict("the period cannot be extended for perishable goods (Art. 23(4))")
    if row.extended:
        raise Conflict("the period was already extended once")
    _in_time(row, on)
    assert row.due_on is not None
    row.extended = True
    _due(row, row.due_step, add_working_days(row.due_on, EXTENSION_WD, row.member_state))
    _move(session, actor, row, "extend", "notified", on, {"due_on": str(row.due_on)})
    return row


def start_proceedings(
    session: Session, *, actor: Actor, detention_id: int, on: date, court: str = ""
) -> Detention:
    """The right holder started proceedings to determine whether an IP right is infringed."""
    row = _open(session, actor, detention_id, on)
    _expect(row, "notified", "sc_opposed")
    _in_time(row, on)
    _due(row, None, None)
    _move(session, actor, row, "start_proceedings", "proceedings", on, {"court": court})
    return row


def judgment(
    session: Session, *, actor: Actor, detention_id: int, on: date, infringing: bool
) -> Detention:
    """The court's decision: destruction of infringing goods, or release."""
    row = _open(session, actor, detention_id, on)
    _expect(row, "proceedings")
    target = "destruction_agreed" if infringing else "released"
    row.outcome = "court: infringement" if infringing else "court: no infringement"
    _move(session, actor, row, "judgment", target, on, {"infringing": infringing})
    return row


def destroy(
    session: Session, *, actor: Actor, detention_id: int, on: date, lot_id: int | None = None
) -> Detention:
    """The goods were destroyed under customs control (custody records the certificate)."""
    row = _open(session, actor, detention_id, on)
    _expect(row, "destruction_agreed")
    row.outcome = row.outcome or "destroyed"
    row.lot_id = lot_id if lot_id is not None else row.lot_id
    _move(session, actor, row, "destroy", "destroyed", on, {"lot_id": row.lot_id})
    return row


def release(
    session: Session, *, actor: Actor, detention_id: int, on: date, reason: str
) -> Detention:
    """Release the goods (the right holder withdrew, or customs found no infringement)."""
    row = _open(session, actor, detention_id, on)
    if row.status not in OPEN_BEFORE_DESTRUCTION:
        raise Conflict(f"goods in status {row.status} cannot be released")
    row.outcome = reason or "released"
    _due(row, None, None)
    _move(session, actor, row, "release", "released", on, {"reason": row.outcome})
    return row


def apply_deadlines(session: Session, *, actor: Actor, today: date) -> list[Detention]:
    """Apply what the law deems when a period has ended before `today`; returns those moved."""
    _require(actor)
    query = select(Detention).where(Detention.due_on < today, Detention.status.not_in(FINAL))
    moved = []
    for row in session.scalars(query.order_by(Detention.id)):
        if _lapse(session, actor, row, today):
            moved.append(row)
    return moved


def _lapse(session: Session, actor: Actor, row: Detention, day: date) -> bool:
    if row.status == "detained_ex_officio" and row.due_step == "application":
        return _lapse_to(session, actor, row, day, "released", "no application within 4 wd")
    if row.status == "sc_notified":
        return _lapse_to(session, actor, row, day, "destruction_agreed", "holder silent")
    if row.status == "sc_opposed":
        return _lapse_to(session, actor, row, day, "released", "no proceedings started")
    if row.status != "notified":
        return False  # a late notification is flagged as overdue, never deemed
    if not row.right_holder_confirmed:
        return _lapse_to(session, actor, row, day, "released", "right holder did not confirm")
    if row.holder_position == "opposed":
        return _lapse_to(session, actor, row, day, "released", "no proceedings started")
    return _lapse_to(session, actor, row, day, "destruction_agreed", "holder silent")


def _lapse_to(
    session: Session, actor: Actor, row: Detention, day: date, target: str, why: str
) -> bool:
    if target == "released":
        row.outcome = why
    elif row.holder_position is None:
        row.holder_position = "deemed_agreed"
    detail = {"reason": why, "deadline": str(row.due_on)}
    _due(row, None, None)
    _move(session, actor, row, "deadline_passed", target, day, detail)
    return True


def due(session: Session, *, actor: Actor, today: date, office: str | None = None) -> list[DueStep]:
    """Open steps due on or before `today` (overdue ones flagged), earliest first."""
    _require(actor, read_only=True)
    query = select(Detention).where(Detention.due_on <= today, Detention.status.not_in(FINAL))
    if office is not None:
        query = query.where(Detention.office == office)
    rows = session.scalars(query.order_by(Detention.due_on, Detention.id))
    return [
        DueStep(row, row.due_step or "", row.due_on, row.due_on < today)
        for row in rows
        if row.due_on is not None
    ]


def get_or_raise(session: Session, *, actor: Actor, detention_id: int) -> Detention:
    """One detention, or NotFound."""
    _require(actor, read_only=True)
    row = session.get(Detention, detention_id)
    if row is None:
        raise NotFound(f"detention {detention_id} not found")
    return row


def list_(
    session: Session, *, actor: Actor, office: str | None = None, open_only: bool = False
) -> list[Detention]:
    """Detentions, the ones due soonest first."""
    _require(actor, read_only=True)
    query = select(Detention)
    if office is not None:
        query = query.where(Detention.office == office)
    if open_only:
        query = query.where(Detention.status.not_in(FINAL))
    return list(session.scalars(query.order_by(Detention.due_on.is_(None), Detention.due_on)))


def _require(actor: Actor, *, read_only: bool = False) -> None:
    from guetteur.auth.permissions import CUSTOMS_READ

    if not actor.can(CUSTOMS_READ if read_only else CUSTOMS_ACT):
        raise Forbidden("only customs officers handle detentions")


def _open(session: Session, actor: Actor, detention_id: int, on: date) -> Detention:
    _require(actor)
    row = session.get(Detention, detention_id)
    if row is None:
        raise NotFound(f"detention {detention_id} not found")
    if row.status in FINAL:
        raise Conflict(f"detention {row.id} is closed ({row.status})")
    last = max((event.on for event in row.events), default=row.detained_on)
    if on < last:
        raise InvalidInput(f"{on} is before the detention's last step ({last})")
    return row


def _expect(row: Detention, *statuses: str) -> None:
    if row.status not in statuses:
        raise Conflict(f"detention {row.id} is {row.status}, expected {' or '.join(statuses)}")


def _in_time(row: Detention, on: date) -> None:
    if row.due_on is not None and on > row.due_on:
        raise Conflict(f"the period ended on {row.due_on}; apply the deadline instead")


def _confirm_wd(row: Detention) -> int:
    return CONFIRM_PERISHABLE_WD if row.perishable else CONFIRM_WD


def _due(row: Detention, step: str | None, day: date | None) -> None:
    row.due_step, row.due_on = step, day


def _move(
    session: Session,
    actor: Actor,
    row: Detention,
    action: str,
    target: str,
    on: date,
    detail: dict[str, Any] | None = None,
) -> None:
    previous = row.status
    row.status = target
    _event(session, actor, row, action, previous, on, detail or {})


def _event(
    session: Session,
    actor: Actor,
    row: Detention,
    action: str,
    previous: str | None,
    on: date,
    detail: dict[str, Any],
) -> None:
    full = {**detail, "due_step": row.due_step, "due_on": str(row.due_on) if row.due_on else None}
    event = DetentionEvent(
        on=on,
        action=action,
        from_status=previous,
        to_status=row.status,
        actor_label=actor.label,
        detail=full,
    )
    row.events.append(event)
    session.flush()
    audit.record(
        session,
        actor=actor,
        action=f"detention.{action}",
        object_type="detention",
        object_id=str(row.id),
        detail={"from": previous, "to": row.status, "on": str(on), **full},
    )
