"""Cases: open, share with participants, add subjects, evidence, tasks and notes, close.

Who sees a case: the organisations taking part in it (`CaseParticipant`), and nobody else; a
case outside the actor's organisations is NotFound, not Forbidden, so its existence does not
leak. What a participant sees of sellers depends on its `access` (see `access_of`).
"""

from __future__ import annotations

import hashlib
from datetime import date, datetime
from typing import Any

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session, undefer

from guetteur.audit import service as audit
from guetteur.auth import permissions as perms
from guetteur.auth.actor import Actor
from guetteur.auth.models import Organisation
from guetteur.cases import subjects
from guetteur.cases.models import (
    EVIDENCE_KINDS,
    ORIGIN_KINDS,
    OUTCOME_KINDS,
    PARTICIPANT_ACCESS,
    SUBJECT_KINDS,
    Case,
    CaseNote,
    CaseParticipant,
    CaseSubject,
    CaseTask,
    EvidenceItem,
)
from guetteur.clock import utcnow
from guetteur.errors import Conflict, FieldError, Forbidden, InvalidInput, NotFound
from guetteur.registry.service import contains_pattern

MAX_EVIDENCE_BYTES = 10 * 1024 * 1024


def _require(actor: Actor, permission: str) -> None:
    if not actor.can(permission):
        raise Forbidden(f"you lack the permission {permission!r}")


def _visible(query: Any, actor: Actor) -> Any:
    if actor.is_system:
        return query
    mine = select(CaseParticipant.case_id).where(
        CaseParticipant.organisation_id == actor.organisation_id
    )
    return query.where(Case.id.in_(mine))


def open_case(
    session: Session,
    *,
    actor: Actor,
    title: str,
    origin_kind: str,
    origin_ref: str,
    summary: str = "",
) -> Case:
    """Open a case from a network, seller, listing, declaration, detention, lot or alert."""
    _require(actor, perms.CASES_OPEN)
    title, origin_ref = title.strip(), origin_ref.strip()
    errors = []
    if not title:
        errors.append(FieldError(field="title", message="a case needs a title"))
    if origin_kind not in ORIGIN_KINDS:
        errors.append(FieldError(field="origin_kind", message=f"one of {', '.join(ORIGIN_KINDS)}"))
    if not origin_ref:
        errors.append(FieldError(field="origin_ref", message="what the case starts from"))
    if errors:
        raise InvalidInput("the case cannot be opened", errors)
    if origin_kind != "alert":
        subjects.check_exists(session, actor=actor, kind=origin_kind, ref=origin_ref)
    case = Case(
        reference=_next_reference(session),
        title=title[:300],
        summary=summary,
        origin_kind=origin_kind,
        origin_ref=origin_ref[:220],
        lead_organisation_id=actor.organisation_id,
        opened_by=actor.label,
    )
    session.add(case)
    session.flush()
    if origin_kind != "alert":
        case.subjects.append(CaseSubject(kind=origin_kind, ref=origin_ref, added_by=actor.label))
    if actor.organisation_id is not None:
        access = "restricted" if actor.organisation_kind == "brand" else "full"
        case.participants.append(
            CaseParticipant(
                organisation_id=actor.organisation_id,
                access=access,
                agreement="lead organisation",
                added_by=actor.label,
            )
        )
    session.flush()
    _audit(session, actor, case, "open", {"origin": f"{origin_kind}:{origin_ref}"})
    return case


def _next_reference(session: Session) -> str:
    year = utcnow().year
    prefix = f"CASE-{year}-"
    count = session.scalar(select(func.count(Case.id)).where(Case.reference.like(f"{prefix}%")))
    return f"{prefix}{(count or 0) + 1:04d}"


def get_or_raise(session: Session, *, actor: Actor, case_id: int) -> Case:
    """The case, or NotFound when it does not exist or the actor's organisation is not in it."""
    _require(actor, perms.CASES_READ)
    case = session.scalar(_visible(select(Case).where(Case.id == case_id), actor))
    if case is None:
        raise NotFound(f"case {case_id} not found")
    return case


def list_(
    session: Session,
    *,
    actor: Actor,
    q: str | None = None,
    status: str | None = None,
    limit: int = 50,
    offset: int = 0,
) -> list[Case]:
    """Cases the actor's organisation takes part in, most recently opened first."""
    _require(actor, perms.CASES_READ)
    query = _filtered(select(Case), actor, q, status)
    query = query.order_by(Case.opened_at.desc(), Case.id.desc()).limit(limit).offset(offset)
    return list(session.scalars(query))


def count(
    session: Session, *, actor: Actor, q: str | None = None, status: str | None = None
) -> int:
    """How many cases `list_` would give without paging."""
    _require(actor, perms.CASES_READ)
    return int(session.scalar(_filtered(select(func.count(Case.id)), actor, q, status)) or 0)


def _filtered(query: Any, actor: Actor, q: str | None, status: str | None) -> Any:
    query = _visible(query, actor)
    if q:
        pattern = contains_pattern(q)
        query = query.where(
            or_(
                func.lower(Case.title).like(pattern, escape="\\"),
                func.lower(Case.reference).like(pattern, escape="\\"),
                func.lower(Case.origin_ref).like(pattern, escape="\\"),
            )
        )
    if status:
        query = query.where(Case.status == status)
    return query


def access_of(case: Case, actor: Actor) -> str:
    """`full` or `restricted`: what the actor's organisation may see of sellers in this case."""
    if actor.is_system:
        return "full"
    if actor.organisation_kind == "brand" or not actor.can(perms.CASES_READ):
        return "restricted"
    for participant in case.participants:
        if participant.organisation_id == actor.organisation_id:
            return participant.access
    return "restricted"


def add_participant(
    session: Session,
    *,
    actor: Actor,
    case_id: int,
    organisation_id: int,
    access: str,
    agreement: str,
) -> CaseParticipant:
    """Bring another organisation into the case under an agreement (brands: restricted only)."""
    _require(actor, perms.CASES_OPEN)
    case = _open(session, actor, case_id)
    org = session.get(Organisation, organisation_id)
    if org is None:
        raise InvalidInput(
            "no such organisation", [FieldError(field="organisation_id", message="unknown")]
        )
    if access not in PARTICIPANT_ACCESS:
        raise InvalidInput("bad access", [FieldError(field="access", message="full or restricted")])
    if org.kind == "brand" and access == "full":
        raise Conflict("a brand organisation never sees sellers' identifiers")
    if not agreement.strip():
        raise InvalidInput(
            "name the agreement", [FieldError(field="agreement", message="required")]
        )
    if any(p.organisation_id == organisation_id for p in case.participants):
        raise Conflict(f"{org.name} already takes part in the case")
    row = CaseParticipant(
        organisation_id=organisation_id,
        access=access,
        agreement=agreement.strip()[:200],
        added_by=actor.label,
    )
    case.participants.append(row)
    session.flush()
    _audit(session, actor, case, "participant", {"organisation_id": organisation_id})
    return row


def organisations(session: Session) -> list[Organisation]:
    """Organisations of this node, by name (to choose participants from)."""
    return list(session.scalars(select(Organisation).order_by(Organisation.name)))


def organisation_names(session: Session, ids: list[int]) -> dict[int, str]:
    """Organisation names by id."""
    rows = session.execute(
        select(Organisation.id, Organisation.name).where(Organisation.id.in_(ids))
    )
    return {int(i): str(n) for i, n in rows}


def add_subject(
    session: Session, *, actor: Actor, case_id: int, kind: str, ref: str
) -> CaseSubject:
    """Bring a network, seller, listing, declaration, detention or lot into the case."""
    _require(actor, perms.CASES_WORK)
    case = _open(session, actor, case_id)
    ref = ref.strip()
    if kind not in SUBJECT_KINDS:
        raise InvalidInput("bad kind", [FieldError(field="kind", message=", ".join(SUBJECT_KINDS))])
    subjects.check_exists(session, actor=actor, kind=kind, ref=ref)
    if any(s.kind == kind and s.ref == ref for s in case.subjects):
        raise Conflict(f"the {kind} {ref} is already in the case")
    row = CaseSubject(kind=kind, ref=ref, added_by=actor.label)
    case.subjects.append(row)
    session.flush()
    _audit(session, actor, case, "subject", {"kind": kind, "ref": ref})
    return row


def add_evidence(
    session: Session,
    *,
    actor: Actor,
    case_id: int,
    kind: str,
    title: str,
    content: bytes,
    description: str = "",
    filename: str | None = None,
    media_type: str = "application/octet-stream",
    order_reference: str | None = None,
    subject_kind: str | None = None,
    subject_ref: str | None = None,
    at: datetime | None = None,
) -> EvidenceItem:
    """Store a piece of evidence with the SHA-256 of its content, who added it and when."""
    _require(actor, perms.CASES_WORK)
    case = _open(session, actor, case_id)
    _check_evidence(kind, title, content, order_reference)
    row = EvidenceItem(
        case_id=case.id,
        kind=kind,
        title=title.strip()[:300],
        description=description,
        subject_kind=subject_kind,
        subject_ref=subject_ref,
        order_reference=(order_reference or "").strip() or None,
        filename=filename,
        media_type=media_type[:100],
        size=len(content),
        sha256=hashlib.sha256(content).hexdigest(),
        content=content,
        added_at=at or utcnow(),
        added_by=actor.label,
        added_by_user_id=actor.user_id,
        organisation_id=actor.organisation_id,
    )
    session.add(row)
    session.flush()
    _audit(session, actor, case, "evidence", {"evidence_id": row.id, "sha256": row.sha256})
    return row


def _check_evidence(kind: str, title: str, content: bytes, order_reference: str | None) -> None:
    errors = []
    if kind not in EVIDENCE_KINDS:
        errors.append(FieldError(field="kind", message=f"one of {', '.join(EVIDENCE_KINDS)}"))
    if not title.strip():
        errors.append(FieldError(field="title", message="describe the evidence in a few words"))
    if not content:
        errors.append(FieldError(field="content", message="the evidence is empty"))
    if len(content) > MAX_EVIDENCE_BYTES:
        errors.append(FieldError(field="content", message="larger than 10 MB"))
    if kind == "test_purchase" and not (order_reference or "").strip():
        errors.append(FieldError(field="order_reference", message="a test purchase has an order"))
    if errors:
        raise InvalidInput("the evidence cannot be added", errors)


def snapshot(session: Session, *, actor: Actor, case_id: int, kind: str, ref: str) -> EvidenceItem:
    """Freeze a listing (listing snapshot) or a detention or lot (seizure) as evidence."""
    _require(actor, perms.CASES_WORK)
    _open(session, actor, case_id)
    frozen = subjects.freeze(session, actor=actor, kind=kind, ref=ref)
    evidence_kind = "listing_snapshot" if kind == "listing" else "seizure"
    return add_evidence(
        session,
        actor=actor,
        case_id=case_id,
        kind=evidence_kind,
        title=frozen.title,
        content=frozen.content,
        description=frozen.description,
        filename=f"{kind}-{ref}.json",
        media_type="application/json",
        subject_kind=kind,
        subject_ref=ref,
    )


def list_evidence(session: Session, *, actor: Actor, case_id: int) -> list[EvidenceItem]:
    """The case's evidence, in the order it was added."""
    case = get_or_raise(session, actor=actor, case_id=case_id)
    query = select(EvidenceItem).where(EvidenceItem.case_id == case.id)
    return list(session.scalars(query.order_by(EvidenceItem.added_at, EvidenceItem.id)))


def get_evidence(session: Session, *, actor: Actor, case_id: int, evidence_id: int) -> EvidenceItem:
    """One piece of evidence with its content (the download is audited)."""
    case = get_or_raise(session, actor=actor, case_id=case_id)
    query = select(EvidenceItem).options(undefer(EvidenceItem.content))
    row = session.scalar(
        query.where(EvidenceItem.id == evidence_id, EvidenceItem.case_id == case.id)
    )
    if row is None:
        raise NotFound(f"evidence {evidence_id} not found")
    _audit(session, actor, case, "evidence_read", {"evidence_id": row.id})
    return row


def add_task(
    session: Session,
    *,
    actor: Actor,
    case_id: int,
    title: str,
    owner: str,
    due_on: date | None = None,
) -> CaseTask:
    """A task for the case, with who owns it and when it is due."""
    _require(actor, perms.CASES_WORK)
    case = _open(session, actor, case_id)
    errors = []
    if not title.strip():
        errors.append(FieldError(field="title", message="say what is to be done"))
    if not owner.strip():
        errors.append(FieldError(field="owner", message="who does it"))
    if errors:
        raise InvalidInput("the task cannot be added", errors)
    row = CaseTask(
        case_id=case.id,
        title=title.strip()[:300],
        owner=owner.strip()[:200],
        due_on=due_on,
        created_by=actor.label,
    )
    session.add(row)
    session.flush()
    _audit(session, actor, case, "task", {"task_id": row.id})
    return row


def complete_task(session: Session, *, actor: Actor, case_id: int, task_id: int) -> CaseTask:
    """Mark a task done."""
    _require(actor, perms.CASES_WORK)
    case = _open(session, actor, case_id)
    row = session.get(CaseTask, task_id)
    if row is None or row.case_id != case.id:
        raise NotFound(f"task {task_id} not found")
    if row.done_at is not None:
        raise Conflict("the task is already done")
    row.done_at, row.done_by = utcnow(), actor.label
    session.flush()
    _audit(session, actor, case, "task_done", {"task_id": row.id})
    return row


def list_tasks(session: Session, *, actor: Actor, case_id: int) -> list[CaseTask]:
    """The case's tasks, open ones first, soonest due first."""
    case = get_or_raise(session, actor=actor, case_id=case_id)
    query = select(CaseTask).where(CaseTask.case_id == case.id)
    order = (CaseTask.done_at.is_not(None), CaseTask.due_on.is_(None), CaseTask.due_on, CaseTask.id)
    return list(session.scalars(query.order_by(*order)))


def add_note(session: Session, *, actor: Actor, case_id: int, body: str) -> CaseNote:
    """A note on the case."""
    _require(actor, perms.CASES_WORK)
    case = _open(session, actor, case_id)
    if not body.strip():
        raise InvalidInput("the note is empty", [FieldError(field="body", message="required")])
    row = CaseNote(
        case_id=case.id,
        body=body.strip(),
        author=actor.label,
        organisation_id=actor.organisation_id,
    )
    session.add(row)
    session.flush()
    _audit(session, actor, case, "note", {"note_id": row.id})
    return row


def list_notes(session: Session, *, actor: Actor, case_id: int) -> list[CaseNote]:
    """The case's notes, oldest first."""
    case = get_or_raise(session, actor=actor, case_id=case_id)
    query = select(CaseNote).where(CaseNote.case_id == case.id)
    return list(session.scalars(query.order_by(CaseNote.created_at, CaseNote.id)))


def close(session: Session, *, actor: Actor, case_id: int, outcome: dict[str, Any]) -> Case:
    """Close the case with its outcome: accounts closed, funds withheld, referral, conviction."""
    _require(actor, perms.CASES_OPEN)
    case = _open(session, actor, case_id)
    cleaned = clean_outcome(outcome)
    case.status, case.outcome = "closed", cleaned
    case.closed_at, case.closed_by = utcnow(), actor.label
    session.flush()
    _audit(session, actor, case, "close", {"outcome": sorted(cleaned.get("kinds", []))})
    return case


def clean_outcome(outcome: dict[str, Any]) -> dict[str, Any]:
    """The outcome as stored: kinds chosen, and the figures and words that go with them."""
    kinds = [k for k in outcome.get("kinds", []) if k in OUTCOME_KINDS]
    if not kinds:
        raise InvalidInput(
            "say how the case ended", [FieldError(field="kinds", message=", ".join(OUTCOME_KINDS))]
        )
    cleaned: dict[str, Any] = {"kinds": sorted(set(kinds))}
    for key in ("accounts_closed", "funds_withheld", "currency", "referral_to", "conviction"):
        value = outcome.get(key)
        if value not in (None, ""):
            cleaned[key] = str(value).strip()[:300]
    if "funds_withheld" in cleaned:
        try:
            cleaned["funds_withheld"] = f"{float(cleaned['funds_withheld']):.2f}"
        except ValueError:
            raise InvalidInput(
                "bad amount", [FieldError(field="funds_withheld", message="a number")]
            ) from None
    cleaned["summary"] = str(outcome.get("summary", "")).strip()[:2000]
    return cleaned


def _open(session: Session, actor: Actor, case_id: int) -> Case:
    case = get_or_raise(session, actor=actor, case_id=case_id)
    if case.status != "open":
        raise Conflict(f"case {case.reference} is closed")
    return case


def _audit(session: Session, actor: Actor, case: Case, action: str, detail: dict[str, Any]) -> None:
    audit.record(
        session,
        actor=actor,
        action=f"case.{action}",
        object_type="case",
        object_id=case.reference,
        detail=detail,
    )
