"""The audit chain: appends, verification, and detection of tampering by a database user."""

from __future__ import annotations

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from guetteur.audit import service as audit
from guetteur.audit.chain import entry_hash
from guetteur.audit.models import AuditEntry
from guetteur.auth.actor import Actor, system_actor
from tests.conftest import Store

ALICE = Actor(
    label="alice@customs", organisation_kind="customs", role="officer", user_id=7, organisation_id=2
)


def _write(store: Store, n: int) -> None:
    with store.sessions.begin() as session:
        for i in range(n):
            audit.record(
                session,
                actor=system_actor(),
                action="listing.update",
                object_type="listing",
                object_id=f"L{i}",
                detail={"i": i, "note": "é"},
            )


def _tamper(store: Store, *statements: str) -> None:
    """What a database administrator could do: lift the append-only guard and change rows."""
    with store.engine.begin() as conn:
        if store.kind == "sqlite":
            conn.execute(text("DROP TRIGGER audit_entries_no_update"))
            conn.execute(text("DROP TRIGGER audit_entries_no_delete"))
        else:
            conn.execute(text("DROP TRIGGER audit_entries_append_only ON audit_entries"))
        for statement in statements:
            conn.execute(text(statement))


def _verify(store: Store) -> audit.Verification:
    with store.sessions() as session:
        return audit.verify(session)


def test_intact_chain_verifies(store: Store) -> None:
    _write(store, 5)
    result = _verify(store)
    assert result.ok, result.problems
    assert result.entries == 5
    with store.sessions() as session:
        assert audit.head(session)[0] == 5
        assert [e.seq for e in audit.list_(session, limit=2)] == [5, 4]
        assert audit.count(session, action="listing.update") == 5


def test_empty_log_verifies(store: Store) -> None:
    assert _verify(store).ok


def test_entries_cannot_be_updated_or_deleted_through_sql(store: Store) -> None:
    _write(store, 2)
    for statement in ("UPDATE audit_entries SET action = 'x'", "DELETE FROM audit_entries"):
        with pytest.raises(DBAPIError), store.engine.begin() as conn:
            conn.execute(text(statement))
    assert _verify(store).ok


def test_edited_entry_is_named(store: Store) -> None:
    _write(store, 5)
    _tamper(store, "UPDATE audit_entries SET object_id = 'L99' WHERE seq = 3")
    result = _verify(store)
    assert [(p.seq, p.kind) for p in result.problems] == [(3, "edited")]
    assert "entry 3" in result.problems[0].message


def test_removed_entry_is_named(store: Store) -> None:
    _write(store, 5)
    _tamper(store, "DELETE FROM audit_entries WHERE seq = 2")
    result = _verify(store)
    assert [(p.seq, p.kind) for p in result.problems] == [(2, "removed")]


def test_removed_tail_is_detected(store: Store) -> None:
    _write(store, 5)
    _tamper(store, "DELETE FROM audit_entries WHERE seq >= 4")
    result = _verify(store)
    assert [(p.seq, p.kind) for p in result.problems] == [(4, "truncated")]


def test_reordered_entries_are_named(store: Store) -> None:
    _write(store, 5)
    _tamper(
        store,
        "UPDATE audit_entries SET seq = 100 WHERE seq = 2",
        "UPDATE audit_entries SET seq = 2 WHERE seq = 3",
        "UPDATE audit_entries SET seq = 3 WHERE seq = 100",
    )
    kinds = {(p.seq, p.kind) for p in _verify(store).problems}
    assert (2, "reordered") in kinds
    assert (3, "reordered") in kinds


def test_recomputed_hash_still_breaks_the_next_link(store: Store) -> None:
    """Editing an entry and fixing its own hash is caught by the next entry's prev_hash."""
    _write(store, 3)
    with store.sessions() as session:
        entry = session.query(AuditEntry).filter_by(seq=2).one()
        forged = entry_hash(
            seq=2,
            at=entry.at,
            actor_user_id=None,
            actor_organisation_id=None,
            actor_label="system",
            action="listing.update",
            object_type="listing",
            object_id="FORGED",
            detail=entry.detail,
            prev_hash=entry.prev_hash,
        )
    _tamper(
        store, f"UPDATE audit_entries SET object_id = 'FORGED', hash = '{forged}' WHERE seq = 2"
    )
    kinds = {(p.seq, p.kind) for p in _verify(store).problems}
    assert kinds == {(3, "reordered")}


def test_personal_data_read_is_recorded_only_across_organisations(store: Store) -> None:
    with store.sessions.begin() as session:
        own = audit.record_personal_data_read(
            session,
            actor=ALICE,
            object_type="seller",
            object_id="S1",
            owner_organisation_id=2,
            fields=["phone"],
        )
        other = audit.record_personal_data_read(
            session,
            actor=ALICE,
            object_type="seller",
            object_id="S1",
            owner_organisation_id=1,
            fields=["phone", "email"],
        )
        assert own is None
        assert other is not None
        assert other.detail == {"fields": ["email", "phone"], "owner_organisation_id": 1}
        assert other.actor_user_id == 7
    assert _verify(store).ok
