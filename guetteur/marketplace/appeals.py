"""Appeals (DSA Art. 20): a seller contests a statement of reasons; an analyst decides.

Sellers are not users of this node: the marketplace's analyst records the appeal (or the
marketplace's systems post it with the statement's reference). `upheld` keeps the restriction
(and confirms the notice behind it); `reversed` lifts it: the listing or the account comes back,
the notice is marked invalid, the statement is withdrawn. Every step is audited.
"""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from guetteur.audit import service as audit
from guetteur.auth.actor import Actor
from guetteur.clock import utcnow
from guetteur.errors import Conflict, NotFound
from guetteur.marketplace import dsa, notices, removal, statements, strikes
from guetteur.marketplace.models import APPEAL_OUTCOMES, Appeal, Notice, StatementOfReasons


def file(session: Session, *, actor: Actor, statement_id: str, grounds: str) -> Appeal:
    """Record the seller's appeal against a statement in force (one open appeal at a time)."""
    dsa.require_handler(actor)
    grounds = dsa.require_text("grounds", grounds)
    statement = statements.get(session, actor=actor, statement_id=statement_id)
    if statement.status != "in_force":
        raise Conflict(f"statement {statement.id} was reversed already; nothing to appeal")
    pending = select(func.count(Appeal.id)).where(
        Appeal.statement_id == statement.id, Appeal.outcome.is_(None)
    )
    if session.scalar(pending):
        raise Conflict(f"an appeal against statement {statement.id} is already open")
    appeal = Appeal(
        id=dsa.new_reference("AP"),
        statement_id=statement.id,
        filed_at=utcnow(),
        grounds=grounds,
        recorded_by_user_id=actor.user_id,
    )
    session.add(appeal)
    session.flush()
    _audit(session, actor, "dsa.appeal_file", statement, appeal_id=appeal.id)
    return appeal


def get(session: Session, *, actor: Actor, appeal_id: str) -> Appeal:
    """The appeal (the marketplace's analysts only)."""
    dsa.require_handler(actor)
    appeal = session.get(Appeal, appeal_id)
    if appeal is None:
        raise NotFound(f"appeal {appeal_id!r} not found")
    return appeal


def list_(
    session: Session, *, actor: Actor, open_only: bool = True, statement_id: str | None = None
) -> list[Appeal]:
    """Appeals, oldest first (open ones only by default)."""
    dsa.require_handler(actor)
    query = select(Appeal).order_by(Appeal.filed_at, Appeal.id)
    if open_only:
        query = query.where(Appeal.outcome.is_(None))
    if statement_id is not None:
        query = query.where(Appeal.statement_id == statement_id)
    return list(session.scalars(query.limit(500)))


def decide(session: Session, *, actor: Actor, appeal_id: str, outcome: str, note: str) -> Appeal:
    """Uphold the restriction or reverse it (audited, with the analyst's explanation)."""
    dsa.require_handler(actor)
    dsa.require_choice("outcome", outcome, APPEAL_OUTCOMES)
    note = dsa.require_text("note", note)
    appeal = get(session, actor=actor, appeal_id=appeal_id)
    if appeal.outcome is not None:
        raise Conflict(f"appeal {appeal.id} was already decided: {appeal.outcome}")
    statement = statements.get(session, actor=actor, statement_id=appeal.statement_id)
    appeal.outcome, appeal.decided_at = outcome, utcnow()
    appeal.decided_by_user_id, appeal.decision_note = actor.user_id, note
    session.flush()
    _audit(session, actor, "dsa.appeal_decide", statement, appeal_id=appeal.id, outcome=outcome)
    if outcome == "upheld":
        _uphold(session, actor, statement, note)
    else:
        _reverse(session, actor, statement, note)
    return appeal


def _uphold(session: Session, actor: Actor, statement: StatementOfReasons, note: str) -> None:
    notice = session.get(Notice, statement.notice_id) if statement.notice_id else None
    if notice is not None and notice.decision is None:
        notices.confirm(session, actor=actor, notice=notice, note=f"appeal upheld: {note}")


def _reverse(session: Session, actor: Actor, statement: StatementOfReasons, note: str) -> None:
    reason = f"appeal succeeded: {note}"
    notice = session.get(Notice, statement.notice_id) if statement.notice_id else None
    if notice is not None:
        notices.invalidate(session, actor=actor, notice=notice, note=reason)
    if statement.removal_id is not None:
        removal.restore(session, actor=actor, removal_id=statement.removal_id, note=reason)
    if statement.kind == "account_suspension":
        strikes.lift_suspension(session, actor=actor, seller_id=statement.seller_id, note=reason)
    if statement.status != "reversed":
        statements.reverse(session, actor=actor, statement=statement, note=reason)


def _audit(
    session: Session, actor: Actor, action: str, statement: StatementOfReasons, **detail: str
) -> None:
    audit.record(
        session,
        actor=actor,
        action=action,
        object_type="seller",
        object_id=statement.seller_id,
        detail={"statement_id": statement.id, **detail},
    )
