"""Append to the audit log, read it, and verify that nobody edited, removed or reordered it."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import func, insert, select, update
from sqlalchemy.orm import Session

from guetteur.audit.chain import canonical_detail, entry_hash
from guetteur.audit.models import GENESIS_HASH, AuditChainHead, AuditEntry
from guetteur.auth.actor import Actor
from guetteur.clock import utcnow

HEAD_ID = 1
PERSONAL_DATA_READ = "personal_data.read"


def record(
    session: Session,
    *,
    actor: Actor,
    action: str,
    object_type: str,
    object_id: str,
    detail: dict[str, Any] | None = None,
) -> AuditEntry:
    """Append one entry to the chain (call it for every write)."""
    seq, prev_hash = _advance_head(session)
    values: dict[str, Any] = {
        "seq": seq,
        "at": utcnow(),
        "actor_user_id": actor.user_id,
        "actor_organisation_id": actor.organisation_id,
        "actor_label": actor.label,
        "action": action,
        "object_type": object_type,
        "object_id": str(object_id),
        "detail": canonical_detail(detail),
        "prev_hash": prev_hash,
    }
    entry = AuditEntry(**values, hash=entry_hash(**values))
    session.add(entry)
    session.execute(
        update(AuditChainHead).where(AuditChainHead.id == HEAD_ID).values(hash=entry.hash)
    )
    session.flush()
    return entry


def record_personal_data_read(
    session: Session,
    *,
    actor: Actor,
    object_type: str,
    object_id: str,
    owner_organisation_id: int | None,
    fields: list[str],
) -> AuditEntry | None:
    """Record a read of personal data that belongs to another organisation (none for one's own)."""
    if owner_organisation_id is not None and actor.organisation_id == owner_organisation_id:
        return None
    detail = {"fields": sorted(fields), "owner_organisation_id": owner_organisation_id}
    return record(
        session,
        actor=actor,
        action=PERSONAL_DATA_READ,
        object_type=object_type,
        object_id=object_id,
        detail=detail,
    )


def _advance_head(session: Session) -> tuple[int, str]:
    """Take the next sequence number; the UPDATE locks the head row until the transaction ends."""
    bump = (
        update(AuditChainHead)
        .where(AuditChainHead.id == HEAD_ID)
        .values(seq=AuditChainHead.seq + 1)
        .returning(AuditChainHead.seq, AuditChainHead.hash)
    )
    row = session.execute(bump).one_or_none()
    if row is None:
        session.execute(insert(AuditChainHead).values(id=HEAD_ID, seq=1, hash=GENESIS_HASH))
        return 1, GENESIS_HASH
    return int(row.seq), str(row.hash)


def head(session: Session) -> tuple[int, str]:
    """The chain's last sequence number and hash: publish it elsewhere to anchor the log."""
    row = session.get(AuditChainHead, HEAD_ID)
    return (0, GENESIS_HASH) if row is None else (row.seq, row.hash)


def list_(
    session: Session,
    *,
    limit: int = 50,
    offset: int = 0,
    action: str | None = None,
    object_type: str | None = None,
    object_id: str | None = None,
) -> list[AuditEntry]:
    """Entries, newest first, optionally filtered."""
    query = _filtered(select(AuditEntry), action, object_type, object_id)
    query = query.order_by(AuditEntry.seq.desc()).limit(limit).offset(offset)
    return list(session.scalars(query))


def count(
    session: Session,
    *,
    action: str | None = None,
    object_type: str | None = None,
    object_id: str | None = None,
) -> int:
    """How many entries match the filters."""
    query = _filtered(select(func.count(AuditEntry.id)), action, object_type, object_id)
    return int(session.scalar(query) or 0)


def _filtered(
    query: Any, action: str | None, object_type: str | None, object_id: str | None
) -> Any:
    if action is not None:
        query = query.where(AuditEntry.action == action)
    if object_type is not None:
        query = query.where(AuditEntry.object_type == object_type)
    if object_id is not None:
        query = query.where(AuditEntry.object_id == object_id)
    return query


@dataclass(frozen=True)
class ChainProblem:
    """One break in the chain, naming the entry where it shows."""

    seq: int
    kind: str  # edited | removed | reordered | truncated
    message: str


@dataclass
class Verification:
    """The outcome of `verify`."""

    entries: int = 0
    head_seq: int = 0
    problems: list[ChainProblem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def verify(session: Session, *, batch_size: int = 5000) -> Verification:
    """Walk the chain in order and name every edited, removed or reordered entry."""
    result = Verification()
    previous_seq, previous_hash = 0, GENESIS_HASH
    for entry in _iter_entries(session, batch_size):
        result.entries += 1
        result.problems.extend(_check(entry, previous_seq, previous_hash))
        previous_seq, previous_hash = entry.seq, entry.hash
    head_seq, head_hash = head(session)
    result.head_seq = head_seq
    if head_seq > previous_seq:
        result.problems.append(
            ChainProblem(
                previous_seq + 1,
                "truncated",
                f"entries {previous_seq + 1} to {head_seq} were removed from the end of the log",
            )
        )
    elif head_seq == previous_seq and head_seq and head_hash != previous_hash:
        result.problems.append(
            ChainProblem(head_seq, "edited", f"entry {head_seq} does not match the chain head")
        )
    return result


def _iter_entries(session: Session, batch_size: int) -> Iterator[AuditEntry]:
    last_seq = -1
    while True:
        query = (
            select(AuditEntry)
            .where(AuditEntry.seq > last_seq)
            .order_by(AuditEntry.seq)
            .limit(batch_size)
        )
        batch = list(session.scalars(query))
        if not batch:
            return
        yield from batch
        last_seq = batch[-1].seq
        session.expunge_all()


def _check(entry: AuditEntry, previous_seq: int, previous_hash: str) -> list[ChainProblem]:
    problems: list[ChainProblem] = []
    name = f"entry {entry.seq} ({entry.action} {entry.object_type} {entry.object_id})"
    if entry.seq != previous_seq + 1:
        missing = (
            f"{previous_seq + 1}"
            if entry.seq == previous_seq + 2
            else (f"{previous_seq + 1} to {entry.seq - 1}")
        )
        problems.append(
            ChainProblem(previous_seq + 1, "removed", f"entry {missing} removed before {name}")
        )
    elif entry.prev_hash != previous_hash:
        problems.append(
            ChainProblem(
                entry.seq,
                "reordered",
                f"{name} does not follow entry {previous_seq}: "
                "entries were reordered or one was replaced",
            )
        )
    recomputed = entry_hash(
        seq=entry.seq,
        at=entry.at,
        actor_user_id=entry.actor_user_id,
        actor_organisation_id=entry.actor_organisation_id,
        actor_label=entry.actor_label,
        action=entry.action,
        object_type=entry.object_type,
        object_id=entry.object_id,
        detail=entry.detail,
        prev_hash=entry.prev_hash,
    )
    if recomputed != entry.hash:
        problems.append(
            ChainProblem(entry.seq, "edited", f"{name} was edited after it was written")
        )
    return problems
