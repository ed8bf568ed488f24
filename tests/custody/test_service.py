"""Custody in the store: lots, events, certificates, reconciliation per lot and per period."""

from __future__ import annotations

import hashlib
from datetime import date
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy.orm import Session

from guetteur.audit import service as audit
from guetteur.custody import service as custody
from guetteur.custody.models import CustodyEvent
from guetteur.errors import Conflict, Forbidden, GuetteurError, InvalidInput
from tests.customs.helpers import BRAND_MANAGER, OFFICER

DOC = hashlib.sha256(b"signed certificate").hexdigest()


def _lot(session: Session, units: tuple[int, ...] = (30, 10)) -> custody.Lot:
    lines = [
        custody.LineCreate(brand_id="acme", units=n, description=f"item {i}")
        for i, n in enumerate(units)
    ]
    return custody.create_lot(
        session,
        actor=OFFICER,
        office="FR000730",
        storage_location="Roissy bonded store, bay 4",
        seized_on=date(2025, 5, 12),
        lines=lines,
    )


def _cert(units: int, on: date = date(2025, 6, 3)) -> custody.CertificateCreate:
    return custody.CertificateCreate(
        contractor="Incinérateur Nord", method="incineration", on=on, units=units,
        weight_kg=Decimal("12.5"), document_sha256=DOC,
    )  # fmt: skip


def test_lot_from_seizure_to_certified_destruction(session: Session) -> None:
    lot = _lot(session)
    a, b = (str(line.id) for line in lot.lines)
    custody.record(
        session, actor=OFFICER, lot_id=lot.id, kind="moved", on=date(2025, 5, 13), location="Bay 7"
    )
    custody.record(
        session, actor=OFFICER, lot_id=lot.id, kind="sampled", on=date(2025, 5, 14), units={a: 2}
    )
    custody.record(
        session, actor=OFFICER, lot_id=lot.id, kind="handed_to_contractor", on=date(2025, 6, 2),
        units={a: 28, b: 10}, contractor="Incinérateur Nord",
    )  # fmt: skip
    custody.certify_destruction(
        session, actor=OFFICER, lot_id=lot.id, units={a: 28, b: 6}, certificate=_cert(34)
    )
    custody.certify_destruction(
        session, actor=OFFICER, lot_id=lot.id, units={b: 4}, certificate=_cert(4), recycled=True
    )
    result = custody.reconcile(session, actor=OFFICER, lot_id=lot.id)
    assert result.ok, result.problems
    assert result.totals == {
        "seized": 40, "in_store": 0, "with_contractor": 0, "sampled": 2, "released": 0,
        "destroyed": 34, "recycled": 4,
    }  # fmt: skip
    assert lot.status == "destroyed" and lot.storage_location == "Bay 7"
    with pytest.raises(Conflict, match="cannot be released"):
        custody.record(session, actor=OFFICER, lot_id=lot.id, kind="released", on=date(2025, 6, 4))
    assert audit.count(session, object_type="custody_lot", object_id=str(lot.id)) == 6


def test_counts_that_do_not_reconcile_are_shown(session: Session) -> None:
    lot = _lot(session, (10,))
    (a,) = (str(line.id) for line in lot.lines)
    custody.record(
        session, actor=OFFICER, lot_id=lot.id, kind="counted", on=date(2025, 5, 20), units={a: 9}
    )
    result = custody.reconcile(session, actor=OFFICER, lot_id=lot.id)
    assert not result.ok
    assert result.problems == [f"line {a}: 9 units counted in store, 10 expected"]
    session.add(
        CustodyEvent(
            lot_id=lot.id, kind="destroyed", on=date(2025, 5, 21), lines={a: 3}, actor_label="x"
        )
    )
    session.flush()
    session.expire(lot)
    assert (
        "cannot be replayed" in custody.reconcile(session, actor=OFFICER, lot_id=lot.id).problems[0]
    )


def test_certificate_must_match_and_hash_be_valid(session: Session) -> None:
    lot = _lot(session, (10,))
    (a,) = (str(line.id) for line in lot.lines)
    custody.record(
        session, actor=OFFICER, lot_id=lot.id, kind="handed_to_contractor", on=date(2025, 6, 2),
        units={a: 10}, contractor="C",
    )  # fmt: skip
    with pytest.raises(InvalidInput, match="certificate says 9"):
        custody.certify_destruction(
            session, actor=OFFICER, lot_id=lot.id, units={a: 10}, certificate=_cert(9)
        )
    bad = _cert(10).model_copy(update={"document_sha256": "Z" * 64})
    with pytest.raises(InvalidInput, match="hexadecimal"):
        custody.certify_destruction(
            session, actor=OFFICER, lot_id=lot.id, units={a: 10}, certificate=bad
        )
    with pytest.raises(Forbidden):
        custody.record(
            session,
            actor=BRAND_MANAGER,
            lot_id=lot.id,
            kind="moved",
            on=date(2025, 6, 2),
            location="x",
        )


def test_court_release_and_period_reconciliation(session: Session) -> None:
    first = _lot(session, (10,))
    second = _lot(session, (5,))
    (a,) = (str(line.id) for line in first.lines)
    (b,) = (str(line.id) for line in second.lines)
    custody.record(
        session, actor=OFFICER, lot_id=second.id, kind="released", on=date(2025, 7, 1), units={b: 5}
    )
    custody.record(
        session, actor=OFFICER, lot_id=first.id, kind="handed_to_contractor", on=date(2025, 6, 20),
        units={a: 10}, contractor="C",
    )  # fmt: skip
    custody.certify_destruction(
        session,
        actor=OFFICER,
        lot_id=first.id,
        units={a: 4},
        certificate=_cert(4, date(2025, 7, 2)),
    )
    assert second.status == "released"
    june = custody.reconcile_period(
        session, actor=OFFICER, start=date(2025, 6, 1), end=date(2025, 6, 30)
    )
    assert (june.opening, june.seized, june.closing, june.ok) == (15, 0, 15, True)
    may_july = custody.reconcile_period(
        session, actor=OFFICER, start=date(2025, 5, 1), end=date(2025, 7, 31)
    )
    assert (may_july.opening, may_july.seized, may_july.closing) == (0, 15, 6)
    assert may_july.out == {"sampled": 0, "released": 5, "destroyed": 4, "recycled": 0}
    assert may_july.ok


ops = st.lists(
    st.tuples(
        st.sampled_from(["sampled", "handed_to_contractor", "released", "destroyed", "recycled"]),
        st.integers(0, 12),
    ),
    max_size=8,
)


@settings(
    max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(ops)
def test_stored_lots_always_reconcile(session: Session, steps: list[tuple[str, int]]) -> None:
    lot = _lot(session, (20,))
    (a,) = (str(line.id) for line in lot.lines)
    destroyed = False
    for kind, n in steps:
        try:
            if kind in {"destroyed", "recycled"}:
                custody.certify_destruction(
                    session, actor=OFFICER, lot_id=lot.id, units={a: n}, certificate=_cert(n),
                    recycled=kind == "recycled",
                )  # fmt: skip
            else:
                custody.record(
                    session, actor=OFFICER, lot_id=lot.id, kind=kind, on=date(2025, 6, 1),
                    units={a: n}, contractor="C",
                )  # fmt: skip
        except GuetteurError:
            pass
        destroyed = destroyed or any(
            e.kind in {"destroyed", "recycled"} and e.lines[a] for e in lot.events
        )
        if destroyed:
            with pytest.raises(Conflict):
                custody.record(
                    session, actor=OFFICER, lot_id=lot.id, kind="released", on=date(2025, 6, 1)
                )
        assert custody.reconcile(session, actor=OFFICER, lot_id=lot.id).ok
