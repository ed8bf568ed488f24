"""JSON routes of notice and action: notices, statements of reasons, appeals, strikes, trusted
flaggers, direct removals and the notice figures. Tenancy is applied by the services."""

from __future__ import annotations

from dataclasses import asdict
from datetime import datetime

from fastapi import APIRouter, Query
from sqlalchemy.orm import Session

from guetteur.auth import permissions as perms
from guetteur.auth.actor import Actor
from guetteur.errors import FieldError, InvalidInput
from guetteur.marketplace import (
    appeals,
    flaggers,
    notice_figures,
    notices,
    removal,
    service,
    statements,
    strikes,
)
from guetteur.marketplace.dsa_schemas import (
    AccuracyRead,
    AppealCreate,
    AppealDecision,
    AppealRead,
    Decision,
    FlaggerCreate,
    FlaggerRead,
    NoticeCreate,
    NoticeFiguresRead,
    NoticeFiled,
    NoticePage,
    NoticeRead,
    RemovalCreate,
    RemovalRead,
    RestoreRequest,
    StatementRead,
    StrikesRead,
)
from guetteur.web.deps import SessionDep, require

router = APIRouter(prefix="/api", tags=["notice and action"])


@router.post("/notices", response_model=NoticeFiled, status_code=201)
def file_notice(
    body: NoticeCreate, session: Session = SessionDep, actor: Actor = require(perms.NOTICES_SUBMIT)
) -> NoticeFiled:
    """File a notice (DSA Art. 16) on a listing of one's brands; a live listing is taken down."""
    notice = notices.submit(session, actor=actor, form=notices.NoticeForm(**body.model_dump()))
    statement = statements.for_notice(session, notice_id=notice.id)
    read = NoticeRead.model_validate(notice).model_dump()
    return NoticeFiled(**read, statement_id=statement.id if statement else None)


@router.get("/notices", response_model=NoticePage)
def list_notices(
    open_only: bool = Query(True),
    limit: int = Query(50, ge=1, le=500),
    offset: int = Query(0, ge=0),
    session: Session = SessionDep,
    actor: Actor = require(perms.LISTINGS_READ),
) -> NoticePage:
    """Notices in queue order: trusted flaggers' first, then oldest (a brand: its own)."""
    found = notices.queue(session, actor=actor, open_only=open_only, limit=limit, offset=offset)
    return NoticePage(
        items=[NoticeRead.model_validate(n) for n in found],
        total=notices.count(session, actor=actor, open_only=open_only),
    )


@router.get("/notices/figures", response_model=NoticeFiguresRead)
def get_notice_figures(
    start: datetime | None = Query(None),
    end: datetime | None = Query(None),
    session: Session = SessionDep,
    actor: Actor = require(perms.LISTINGS_READ),
) -> NoticeFiguresRead:
    """Notices per thousand listings and median hours to action (default: the last 90 days)."""
    found = notice_figures.figures(session, actor=actor, start=start, end=end)
    return NoticeFiguresRead.model_validate(found)


@router.get("/notices/{notice_id}", response_model=NoticeRead)
def get_notice(
    notice_id: str, session: Session = SessionDep, actor: Actor = require(perms.LISTINGS_READ)
) -> NoticeRead:
    """One notice (404 outside the caller's brands)."""
    return NoticeRead.model_validate(notices.get(session, actor=actor, notice_id=notice_id))


@router.post("/notices/{notice_id}/decision", response_model=NoticeRead)
def decide_notice(
    notice_id: str,
    body: Decision,
    session: Session = SessionDep,
    actor: Actor = require(perms.NOTICES_HANDLE),
) -> NoticeRead:
    """The marketplace decides a notice valid (a strike) or invalid (the listing comes back)."""
    notice = notices.decide(
        session, actor=actor, notice_id=notice_id, decision=body.decision, note=body.note
    )
    return NoticeRead.model_validate(notice)


@router.get("/statements/{statement_id}", response_model=StatementRead)
def get_statement(
    statement_id: str, session: Session = SessionDep, actor: Actor = require(perms.NOTICES_HANDLE)
) -> StatementRead:
    """A statement of reasons (DSA Art. 17) under its public reference."""
    found = statements.get(session, actor=actor, statement_id=statement_id)
    return StatementRead.model_validate(found)


@router.post("/statements/{statement_id}/appeals", response_model=AppealRead, status_code=201)
def file_appeal(
    statement_id: str,
    body: AppealCreate,
    session: Session = SessionDep,
    actor: Actor = require(perms.NOTICES_HANDLE),
) -> AppealRead:
    """Record a seller's appeal (DSA Art. 20) against the statement with this reference."""
    appeal = appeals.file(session, actor=actor, statement_id=statement_id, grounds=body.grounds)
    return AppealRead.model_validate(appeal)


@router.get("/appeals", response_model=list[AppealRead])
def list_appeals(
    open_only: bool = Query(True),
    session: Session = SessionDep,
    actor: Actor = require(perms.NOTICES_HANDLE),
) -> list[AppealRead]:
    """Appeals, oldest first."""
    found = appeals.list_(session, actor=actor, open_only=open_only)
    return [AppealRead.model_validate(a) for a in found]


@router.post("/appeals/{appeal_id}/decision", response_model=AppealRead)
def decide_appeal(
    appeal_id: str,
    body: AppealDecision,
    session: Session = SessionDep,
    actor: Actor = require(perms.NOTICES_HANDLE),
) -> AppealRead:
    """Uphold the restriction or reverse it (the listing or account comes back)."""
    appeal = appeals.decide(
        session, actor=actor, appeal_id=appeal_id, outcome=body.outcome, note=body.note
    )
    return AppealRead.model_validate(appeal)


@router.post("/sellers/{seller_id}/strikes/assess", response_model=StrikesRead)
def assess_strikes(
    seller_id: str, session: Session = SessionDep, actor: Actor = require(perms.NOTICES_HANDLE)
) -> StrikesRead:
    """Count the seller's strikes and warn or suspend (DSA Art. 23); with its statements."""
    found = strikes.assess(session, actor=actor, seller_id=seller_id)
    issued = statements.list_for_seller(session, actor=actor, seller_id=seller_id)
    return StrikesRead(
        **asdict(found), statements=[StatementRead.model_validate(s) for s in issued]
    )


@router.get("/trusted-flaggers", response_model=list[FlaggerRead])
def list_flaggers(
    session: Session = SessionDep, actor: Actor = require(perms.FLAGGERS_MANAGE)
) -> list[FlaggerRead]:
    """Organisations holding the trusted-flagger status (DSA Art. 22)."""
    return [FlaggerRead.model_validate(f) for f in flaggers.list_(session, actor=actor)]


@router.put("/trusted-flaggers/{organisation_id}", response_model=FlaggerRead)
def mark_flagger(
    organisation_id: int,
    body: FlaggerCreate,
    session: Session = SessionDep,
    actor: Actor = require(perms.FLAGGERS_MANAGE),
) -> FlaggerRead:
    """Record a brand organisation as trusted flagger."""
    found = flaggers.mark(
        session, actor=actor, organisation_id=organisation_id, reference=body.reference
    )
    return FlaggerRead.model_validate(found)


@router.delete("/trusted-flaggers/{organisation_id}", response_model=FlaggerRead)
def revoke_flagger(
    organisation_id: int,
    session: Session = SessionDep,
    actor: Actor = require(perms.FLAGGERS_MANAGE),
) -> FlaggerRead:
    """Withdraw the trusted-flagger status."""
    found = flaggers.revoke(session, actor=actor, organisation_id=organisation_id)
    return FlaggerRead.model_validate(found)


@router.get("/brands/{brand_id}/notice-accuracy", response_model=AccuracyRead)
def get_accuracy(
    brand_id: str, session: Session = SessionDep, actor: Actor = require(perms.LISTINGS_READ)
) -> AccuracyRead:
    """The brand's notice accuracy and whether it may remove listings directly."""
    return AccuracyRead(**asdict(removal.accuracy(session, actor=actor, brand_id=brand_id)))


@router.post("/listings/{listing_id}/removal", response_model=RemovalRead, status_code=201)
def remove_listing(
    listing_id: str,
    body: RemovalCreate | None = None,
    session: Session = SessionDep,
    actor: Actor = require(perms.LISTINGS_REMOVE),
) -> RemovalRead:
    """Remove a listing of one's own brand directly (brands with accurate notices only)."""
    service.get_listing(session, actor=actor, listing_id=listing_id)  # tenancy before the body
    if body is None:
        raise InvalidInput("a JSON body is required", [FieldError("body", "required")])
    found = removal.remove(
        session,
        actor=actor,
        listing_id=listing_id,
        reason=body.reason,
        explanation=body.explanation,
    )
    return RemovalRead.model_validate(found)


@router.get("/removals", response_model=list[RemovalRead])
def list_removals(
    session: Session = SessionDep, actor: Actor = require(perms.LISTINGS_READ)
) -> list[RemovalRead]:
    """Direct removals, newest first (a brand: its own)."""
    return [RemovalRead.model_validate(r) for r in removal.list_(session, actor=actor)]


@router.post("/removals/{removal_id}/restore", response_model=RemovalRead)
def restore_removal(
    removal_id: str,
    body: RestoreRequest,
    session: Session = SessionDep,
    actor: Actor = require(perms.NOTICES_HANDLE),
) -> RemovalRead:
    """Undo a direct removal: the listing comes back, the seller's statement is reversed."""
    found = removal.restore(session, actor=actor, removal_id=removal_id, note=body.note)
    return RemovalRead.model_validate(found)
