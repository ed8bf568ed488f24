"""Applications for action: filed by the right holder, decided by customs, in force by day."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy.orm import Session

from guetteur.audit import service as audit
from guetteur.errors import Conflict, Forbidden, InvalidInput
from guetteur.registry import applications
from guetteur.registry.models import Brand
from tests.customs.helpers import BRAND_MANAGER, OFFICER, file_application, make_acme


@pytest.fixture
def acme(session: Session) -> Brand:
    return make_acme(session)


def test_filed_granted_and_in_force(session: Session, acme: Brand) -> None:
    row = file_application(session, grant=False)
    assert row.status == "submitted" and row.reference.startswith("AFA-")
    assert (
        applications.in_force(session, brand_id="acme", member_state="FR", on=date(2025, 3, 1))
        is None
    )
    applications.decide(
        session, actor=OFFICER, application_id=row.id, grant=True, valid_from=date(2025, 1, 1)
    )
    assert (row.status, row.valid_until) == ("granted", date(2025, 12, 31))
    assert (
        applications.in_force(session, brand_id="acme", member_state="FR", on=date(2025, 3, 1))
        == row
    )
    assert (
        applications.in_force(session, brand_id="acme", member_state="BE", on=date(2025, 3, 1))
        is None
    )
    assert (
        applications.in_force(session, brand_id="acme", member_state="FR", on=date(2026, 1, 1))
        is None
    )
    with pytest.raises(Conflict):
        applications.decide(session, actor=OFFICER, application_id=row.id, grant=False)
    assert applications.expire(session, actor=OFFICER, on=date(2026, 1, 1)) == [row]
    assert audit.count(session, object_type="customs_application") == 3


def test_only_customs_decide_and_validity_is_at_most_a_year(session: Session, acme: Brand) -> None:
    row = file_application(session, grant=False)
    with pytest.raises(Forbidden):
        applications.decide(session, actor=BRAND_MANAGER, application_id=row.id, grant=True)
    with pytest.raises(InvalidInput, match="one year"):
        applications.decide(
            session, actor=OFFICER, application_id=row.id, grant=True,
            valid_from=date(2025, 1, 1), valid_until=date(2026, 1, 1),
        )  # fmt: skip
    applications.decide(session, actor=OFFICER, application_id=row.id, grant=False, note="no proof")
    assert row.status == "rejected"


def test_a_brand_files_only_for_its_own_brands(session: Session, acme: Brand) -> None:
    session.add(Brand(id="other", name="Other"))
    session.flush()
    with pytest.raises(Forbidden):
        file_application(session, brand_id="other")
    with pytest.raises(InvalidInput, match="exactly one"):
        applications.submit(
            session,
            actor=BRAND_MANAGER,
            data=applications.ApplicationCreate(
                brand_id="acme", applicant="Acme", member_states=["FR", "BE"],
                ip_rights=[{"type": "EUTM"}], authentication_guide="x", contacts=[{"n": 1}],
            ),
        )  # fmt: skip
    file_application(session, member_states=("FR", "BE"))
    assert [a.brand_id for a in applications.list_(session, actor=BRAND_MANAGER)] == ["acme"]
