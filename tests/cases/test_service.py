"""Cases: opening, tenancy between organisations, evidence hashes, timeline, closing."""

from __future__ import annotations

import hashlib
import json
from datetime import date

import pytest
from sqlalchemy.orm import Session

from guetteur.cases import service, timeline
from guetteur.errors import Conflict, Forbidden, InvalidInput, NotFound
from tests.cases.conftest import CaseWorld


def test_open_case_from_network_and_share_it_with_customs(
    session: Session, case_world: CaseWorld
) -> None:
    analyst, investigator = case_world.actors["analyst"], case_world.actors["investigator"]
    case = service.open_case(
        session, actor=analyst, title="Alpha ring", origin_kind="network", origin_ref="N-test"
    )
    assert case.reference.startswith("CASE-") and case.status == "open"
    assert [(s.kind, s.ref) for s in case.subjects] == [("network", "N-test")]
    with pytest.raises(NotFound):
        service.get_or_raise(session, actor=investigator, case_id=case.id)
    assert service.list_(session, actor=investigator) == []
    service.add_participant(
        session,
        actor=analyst,
        case_id=case.id,
        organisation_id=case_world.tenants.customs.id,
        access="full",
        agreement="MoU 2025/3",
    )
    assert service.get_or_raise(session, actor=investigator, case_id=case.id) is case
    assert service.access_of(case, investigator) == "full"
    with pytest.raises(Conflict):
        service.add_participant(
            session,
            actor=analyst,
            case_id=case.id,
            organisation_id=case_world.tenants.brand_a.owner_organisation_id,
            access="full",
            agreement="brand",
        )


def test_brand_cannot_open_cases_nor_bring_in_another_brands_listing(
    session: Session, case_world: CaseWorld
) -> None:
    analyst, brand_a = case_world.actors["analyst"], case_world.actors["brand_a"]
    with pytest.raises(Forbidden):
        service.open_case(
            session, actor=brand_a, title="x", origin_kind="listing", origin_ref="l-a"
        )
    case = service.open_case(
        session, actor=analyst, title="Acme fakes", origin_kind="listing", origin_ref="l-a"
    )
    service.add_participant(
        session,
        actor=analyst,
        case_id=case.id,
        organisation_id=case_world.tenants.brand_a.owner_organisation_id,
        access="restricted",
        agreement="brand cooperation",
    )
    assert service.access_of(case, brand_a) == "restricted"
    with pytest.raises(NotFound):
        service.add_subject(session, actor=brand_a, case_id=case.id, kind="listing", ref="l-b")
    with pytest.raises(Forbidden):
        service.add_subject(session, actor=brand_a, case_id=case.id, kind="seller", ref="s-b")


def test_evidence_is_stored_with_its_sha256_and_author(
    session: Session, case_world: CaseWorld
) -> None:
    analyst = case_world.actors["analyst"]
    case = service.open_case(
        session, actor=analyst, title="Test buy", origin_kind="seller", origin_ref="s-a"
    )
    with pytest.raises(InvalidInput) as error:
        service.add_evidence(
            session, actor=analyst, case_id=case.id, kind="test_purchase", title="t", content=b"x"
        )
    assert error.value.errors[0].field == "order_reference"
    photo = b"\x89PNG fake photo bytes"
    item = service.add_evidence(
        session,
        actor=analyst,
        case_id=case.id,
        kind="test_purchase",
        title="Pair bought",
        content=photo,
        order_reference="ORD-77",
    )
    assert item.sha256 == hashlib.sha256(photo).hexdigest()
    assert item.added_by == analyst.label and item.order_reference == "ORD-77"
    snap = service.snapshot(session, actor=analyst, case_id=case.id, kind="listing", ref="l-a")
    frozen = json.loads(
        service.get_evidence(session, actor=analyst, case_id=case.id, evidence_id=snap.id).content
    )
    assert frozen["listing"]["id"] == "l-a"
    assert (
        snap.sha256
        == hashlib.sha256(
            json.dumps(frozen, sort_keys=True, separators=(",", ":")).encode()
        ).hexdigest()
    )


def test_timeline_merges_listings_verdicts_notices_network_detention_custody_and_notes(
    session: Session, case_world: CaseWorld
) -> None:
    analyst = case_world.actors["analyst"]
    case = service.open_case(
        session, actor=analyst, title="Ring", origin_kind="network", origin_ref="N-test"
    )
    service.add_subject(
        session, actor=analyst, case_id=case.id, kind="detention", ref=str(case_world.detention_id)
    )
    service.add_note(session, actor=analyst, case_id=case.id, body="seller uses two shops")
    service.add_task(
        session,
        actor=analyst,
        case_id=case.id,
        title="test buy",
        owner="ana",
        due_on=date(2025, 4, 1),
    )
    entries = timeline.build(session, case=case)
    sources = {e.source for e in entries}
    assert {"case", "listing", "network", "detention", "custody", "note", "task"} <= sources
    texts = " | ".join(e.text for e in entries)
    assert "l-a2" in " ".join(e.ref for e in entries) and "detain" in texts
    assert [e.sort_key() for e in entries] == sorted(e.sort_key() for e in entries)
    assert timeline.build(session, case=case) == entries


def test_closing_records_the_outcome_and_freezes_the_case(
    session: Session, case_world: CaseWorld
) -> None:
    analyst = case_world.actors["analyst"]
    case = service.open_case(
        session, actor=analyst, title="Ring", origin_kind="seller", origin_ref="s-a"
    )
    with pytest.raises(InvalidInput):
        service.close(session, actor=analyst, case_id=case.id, outcome={"kinds": []})
    service.close(
        session,
        actor=analyst,
        case_id=case.id,
        outcome={
            "kinds": ["accounts_closed", "funds_withheld", "referral"],
            "accounts_closed": "2",
            "funds_withheld": "1250.5",
            "currency": "EUR",
            "referral_to": "Paris prosecutor",
        },
    )
    assert case.status == "closed" and case.outcome["funds_withheld"] == "1250.50"
    with pytest.raises(Conflict):
        service.add_note(session, actor=analyst, case_id=case.id, body="late")
