"""The 608/2013 procedure: every transition and deadline, in French working days."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy.orm import Session

from guetteur.audit import service as audit
from guetteur.customs import detention as proc
from guetteur.customs.models import Detention
from guetteur.customs.workdays import add_working_days, member_state_of, working_days_between
from guetteur.errors import Conflict, Forbidden, InvalidInput
from guetteur.registry.models import Brand
from tests.customs.helpers import BRAND_MANAGER, OFFICER, file_application

GOOD_FRIDAY = date(2025, 4, 18)  # a working day in France; Easter Monday (21 April) is not


def test_french_working_days_skip_weekends_and_public_holidays() -> None:
    assert add_working_days(GOOD_FRIDAY, 1, "FR") == date(2025, 4, 22)
    # 1 May (Thursday) and 8 May (Thursday) are public holidays
    assert add_working_days(date(2025, 4, 22), 10, "FR") == date(2025, 5, 7)
    assert add_working_days(date(2025, 5, 7), 10, "FR") == date(2025, 5, 22)
    assert working_days_between(date(2025, 4, 22), date(2025, 5, 7), "FR") == 10
    assert add_working_days(date(2025, 4, 22), 0, "FR") == date(2025, 4, 22)
    assert member_state_of("FR000730") == "FR"
    with pytest.raises(InvalidInput):
        member_state_of("12345678")


def _detain(session: Session, **kwargs: object) -> Detention:
    values: dict[str, object] = {"office": "FR000730", "on": GOOD_FRIDAY, "units": 40}
    values["brand_id"] = "acme"
    return proc.detain(session, actor=OFFICER, **(values | kwargs))  # type: ignore[arg-type]


def test_detention_on_the_friday_before_easter(session: Session, acme: Brand) -> None:
    file_application(session)
    row = _detain(session)
    assert (row.status, row.procedure, row.due_step) == ("detained", "standard", "notify")
    assert row.due_on == date(2025, 4, 22)  # Easter Monday is skipped
    proc.notify(session, actor=OFFICER, detention_id=row.id, on=date(2025, 4, 22))
    assert (row.status, row.due_step, row.due_on) == ("notified", "confirmation", date(2025, 5, 7))
    assert row.events[-1].detail["late"] is False


def test_confirmed_and_holder_silent_counts_as_agreement(session: Session, acme: Brand) -> None:
    file_application(session)
    row = _detain(session)
    proc.notify(session, actor=OFFICER, detention_id=row.id, on=date(2025, 4, 22))
    proc.confirm(session, actor=OFFICER, detention_id=row.id, on=date(2025, 5, 5))
    assert row.status == "notified"
    assert proc.apply_deadlines(session, actor=OFFICER, today=date(2025, 5, 7)) == []
    moved = proc.apply_deadlines(session, actor=OFFICER, today=date(2025, 5, 9))
    assert moved == [row] and row.status == "destruction_agreed"
    assert row.holder_position == "deemed_agreed"
    proc.destroy(session, actor=OFFICER, detention_id=row.id, on=date(2025, 5, 12), lot_id=7)
    assert (row.status, row.lot_id) == ("destroyed", 7)
    with pytest.raises(Conflict):
        proc.release(session, actor=OFFICER, detention_id=row.id, on=date(2025, 5, 13), reason="x")
    actions = [e.action for e in row.events]
    assert actions == ["detain", "notify", "confirm", "deadline_passed", "destroy"]
    assert audit.count(session, object_type="detention", object_id=str(row.id)) == 5


def test_both_agree_before_the_deadline(session: Session, acme: Brand) -> None:
    file_application(session)
    row = _detain(session)
    proc.notify(session, actor=OFFICER, detention_id=row.id, on=date(2025, 4, 22))
    proc.holder_agrees(session, actor=OFFICER, detention_id=row.id, on=date(2025, 4, 23))
    assert row.status == "notified"
    proc.confirm(session, actor=OFFICER, detention_id=row.id, on=date(2025, 4, 24))
    assert (row.status, row.due_on) == ("destruction_agreed", None)


def test_right_holder_silent_means_release(session: Session, acme: Brand) -> None:
    file_application(session)
    row = _detain(session)
    proc.notify(session, actor=OFFICER, detention_id=row.id, on=date(2025, 4, 22))
    proc.apply_deadlines(session, actor=OFFICER, today=date(2025, 5, 9))
    assert (row.status, row.outcome) == ("released", "right holder did not confirm")
    with pytest.raises(Conflict):
        proc.confirm(session, actor=OFFICER, detention_id=row.id, on=date(2025, 5, 9))


def test_confirmation_after_the_period_is_refused(session: Session, acme: Brand) -> None:
    file_application(session)
    row = _detain(session)
    proc.notify(session, actor=OFFICER, detention_id=row.id, on=date(2025, 4, 22))
    with pytest.raises(Conflict, match="2025-05-07"):
        proc.confirm(session, actor=OFFICER, detention_id=row.id, on=date(2025, 5, 9))


def test_extension_once_by_ten_working_days(session: Session, acme: Brand) -> None:
    file_application(session)
    row = _detain(session)
    proc.notify(session, actor=OFFICER, detention_id=row.id, on=date(2025, 4, 22))
    proc.extend(session, actor=OFFICER, detention_id=row.id, on=date(2025, 5, 6))
    assert (row.due_on, row.extended) == (date(2025, 5, 22), True)
    with pytest.raises(Conflict, match="already extended"):
        proc.extend(session, actor=OFFICER, detention_id=row.id, on=date(2025, 5, 7))
    proc.confirm(session, actor=OFFICER, detention_id=row.id, on=date(2025, 5, 20))
    assert row.status == "notified"


def test_perishable_goods_three_days_no_extension_no_ex_officio(
    session: Session, acme: Brand
) -> None:
    file_application(session)
    row = _detain(session, perishable=True)
    proc.notify(session, actor=OFFICER, detention_id=row.id, on=date(2025, 4, 22))
    assert row.due_on == date(2025, 4, 25)
    with pytest.raises(Conflict, match="perishable"):
        proc.extend(session, actor=OFFICER, detention_id=row.id, on=date(2025, 4, 23))
    with pytest.raises(Conflict, match="ex officio"):
        _detain(session, brand_id=None, perishable=True)


def test_holder_opposes_then_court_decides(session: Session, acme: Brand) -> None:
    file_application(session)
    row = _detain(session)
    proc.notify(session, actor=OFFICER, detention_id=row.id, on=date(2025, 4, 22))
    proc.confirm(session, actor=OFFICER, detention_id=row.id, on=date(2025, 4, 24))
    proc.holder_opposes(session, actor=OFFICER, detention_id=row.id, on=date(2025, 4, 25))
    assert (row.status, row.due_step) == ("notified", "proceedings")
    proc.start_proceedings(
        session, actor=OFFICER, detention_id=row.id, on=date(2025, 5, 6), court="TJ Paris"
    )
    assert (row.status, row.due_on) == ("proceedings", None)
    proc.judgment(session, actor=OFFICER, detention_id=row.id, on=date(2025, 9, 1), infringing=True)
    assert (row.status, row.outcome) == ("destruction_agreed", "court: infringement")


def test_court_finds_no_infringement(session: Session, acme: Brand) -> None:
    file_application(session)
    row = _detain(session)
    proc.notify(session, actor=OFFICER, detention_id=row.id, on=date(2025, 4, 22))
    proc.holder_opposes(session, actor=OFFICER, detention_id=row.id, on=date(2025, 4, 23))
    proc.confirm(session, actor=OFFICER, detention_id=row.id, on=date(2025, 4, 24))
    proc.start_proceedings(session, actor=OFFICER, detention_id=row.id, on=date(2025, 4, 28))
    proc.judgment(
        session, actor=OFFICER, detention_id=row.id, on=date(2025, 9, 1), infringing=False
    )
    assert row.status == "released"


def test_opposed_without_proceedings_is_released(session: Session, acme: Brand) -> None:
    file_application(session)
    row = _detain(session)
    proc.notify(session, actor=OFFICER, detention_id=row.id, on=date(2025, 4, 22))
    proc.confirm(session, actor=OFFICER, detention_id=row.id, on=date(2025, 4, 24))
    proc.holder_opposes(session, actor=OFFICER, detention_id=row.id, on=date(2025, 4, 25))
    proc.apply_deadlines(session, actor=OFFICER, today=date(2025, 5, 9))
    assert (row.status, row.outcome) == ("released", "no proceedings started")


def test_small_consignment_silence_means_destruction(session: Session, acme: Brand) -> None:
    file_application(session)
    row = _detain(session, units=2, small_consignment=True)
    assert row.procedure == "small_consignments"
    proc.notify(session, actor=OFFICER, detention_id=row.id, on=date(2025, 4, 22))
    assert (row.status, row.due_step, row.due_on) == (
        "sc_notified",
        "holder_position",
        date(2025, 5, 7),
    )
    proc.apply_deadlines(session, actor=OFFICER, today=date(2025, 5, 9))
    assert (row.status, row.holder_position) == ("destruction_agreed", "deemed_agreed")


def test_small_consignment_agreed(session: Session, acme: Brand) -> None:
    file_application(session)
    row = _detain(session, units=1, small_consignment=True)
    proc.notify(session, actor=OFFICER, detention_id=row.id, on=date(2025, 4, 22))
    proc.holder_agrees(session, actor=OFFICER, detention_id=row.id, on=date(2025, 4, 23))
    assert row.status == "destruction_agreed"


def test_small_consignment_opposed(session: Session, acme: Brand) -> None:
    file_application(session)
    row = _detain(session, units=2, small_consignment=True)
    proc.notify(session, actor=OFFICER, detention_id=row.id, on=date(2025, 4, 22))
    proc.holder_opposes(session, actor=OFFICER, detention_id=row.id, on=date(2025, 4, 30))
    # right holder informed on 30 April: 10 working days (1 and 8 May are holidays)
    assert (row.status, row.due_step, row.due_on) == (
        "sc_opposed",
        "proceedings",
        date(2025, 5, 16),
    )
    proc.apply_deadlines(session, actor=OFFICER, today=date(2025, 5, 19))
    assert (row.status, row.outcome) == ("released", "no proceedings started")
    other = _detain(session, units=2, small_consignment=True)
    proc.notify(session, actor=OFFICER, detention_id=other.id, on=date(2025, 4, 22))
    proc.holder_opposes(session, actor=OFFICER, detention_id=other.id, on=date(2025, 4, 30))
    proc.start_proceedings(session, actor=OFFICER, detention_id=other.id, on=date(2025, 5, 16))
    assert other.status == "proceedings"


def test_small_consignment_needs_the_application_to_opt_in(session: Session, acme: Brand) -> None:
    file_application(session, small_consignments=False)
    assert _detain(session, units=2, small_consignment=True).procedure == "standard"


def test_ex_officio_release_after_four_working_days(session: Session, acme: Brand) -> None:
    row = _detain(session)
    assert (row.status, row.procedure, row.application_id) == (
        "detained_ex_officio",
        "ex_officio",
        None,
    )
    proc.notify(session, actor=OFFICER, detention_id=row.id, on=date(2025, 4, 22))
    assert (row.due_step, row.due_on) == ("application", date(2025, 4, 28))
    assert proc.apply_deadlines(session, actor=OFFICER, today=date(2025, 4, 28)) == []
    proc.apply_deadlines(session, actor=OFFICER, today=date(2025, 4, 29))
    assert (row.status, row.outcome) == ("released", "no application within 4 wd")


def test_ex_officio_then_application_granted(session: Session, acme: Brand) -> None:
    row = _detain(session)
    proc.notify(session, actor=OFFICER, detention_id=row.id, on=date(2025, 4, 22))
    afa = file_application(session, valid_from=date(2025, 4, 25))
    proc.application_granted(
        session,
        actor=OFFICER,
        detention_id=row.id,
        application_id=afa.id,
        on=date(2025, 4, 29),
        filed_on=date(2025, 4, 25),
    )
    assert (row.status, row.procedure, row.application_id) == ("notified", "standard", afa.id)
    assert row.due_on == add_working_days(date(2025, 4, 29), 10, "FR")
    late = _detain(session, on=date(2025, 6, 2), brand_id="acme")
    assert late.procedure == "standard"  # the application now covers new detentions


def test_ex_officio_application_filed_late_is_refused(session: Session, acme: Brand) -> None:
    row = _detain(session)
    proc.notify(session, actor=OFFICER, detention_id=row.id, on=date(2025, 4, 22))
    afa = file_application(session, valid_from=date(2025, 4, 25))
    with pytest.raises(Conflict, match="4 working days"):
        proc.application_granted(
            session,
            actor=OFFICER,
            detention_id=row.id,
            application_id=afa.id,
            on=date(2025, 4, 29),
            filed_on=date(2025, 4, 29),
        )


def test_due_today_and_overdue_notification(session: Session, acme: Brand) -> None:
    file_application(session)
    row = _detain(session)
    due = proc.due(session, actor=OFFICER, today=date(2025, 4, 22))
    assert [(d.detention.id, d.step, d.overdue) for d in due] == [(row.id, "notify", False)]
    due = proc.due(session, actor=OFFICER, today=date(2025, 4, 23))
    assert due[0].overdue is True
    assert proc.apply_deadlines(session, actor=OFFICER, today=date(2025, 4, 30)) == []
    proc.notify(session, actor=OFFICER, detention_id=row.id, on=date(2025, 4, 23))
    assert row.events[-1].detail["late"] is True
    assert proc.due(session, actor=OFFICER, today=date(2025, 4, 24)) == []


def test_steps_cannot_go_back_in_time_and_need_customs(session: Session, acme: Brand) -> None:
    file_application(session)
    row = _detain(session)
    with pytest.raises(InvalidInput):
        proc.notify(session, actor=OFFICER, detention_id=row.id, on=date(2025, 4, 17))
    with pytest.raises(Forbidden):
        proc.notify(session, actor=BRAND_MANAGER, detention_id=row.id, on=date(2025, 4, 22))
    with pytest.raises(Conflict):
        proc.confirm(session, actor=OFFICER, detention_id=row.id, on=date(2025, 4, 22))
