"""Notice and action (DSA Art. 16): a rights holder's notice, the takedown, the decision.

A notice carries what Art. 16(2) asks for: why the content is illegal, its exact location, the
notifier's name and e-mail, a statement of good faith, and the right infringed. Filing it takes a
live (or held) listing down at once and sends the seller a statement of reasons; the notice then
waits in the analysts' queue (trusted flaggers' first, Art. 22) until it is decided valid or
invalid. An invalid notice gives the listing back.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from guetteur.audit import service as audit
from guetteur.auth import permissions as perms
from guetteur.auth.actor import Actor
from guetteur.auth.tenancy import brand_scope
from guetteur.clock import utcnow
from guetteur.errors import Conflict, FieldError, Forbidden, InvalidInput, NotFound
from guetteur.marketplace import dsa, flaggers, service, statements, strikes
from guetteur.marketplace.models import (
    NOTICE_DECISIONS,
    NOTICE_REASONS,
    Listing,
    Notice,
    Verdict,
)

EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
URL_RE = re.compile(r"^https?://\S+$", re.IGNORECASE)
TAKEN_DOWN_FROM = ("live", "held")


@dataclass(frozen=True)
class NoticeForm:
    """What a notifier sends (Art. 16(2)); `location` defaults to the listing's reference."""

    listing_id: str
    reason: str
    explanation: str
    notifier_name: str
    notifier_email: str
    good_faith: bool
    location: str = ""
    right_infringed: str = ""


def validate(form: NoticeForm) -> list[FieldError]:
    """Every problem with the notice's fields, each naming its field."""
    errors: list[FieldError] = []
    if form.reason not in NOTICE_REASONS:
        errors.append(FieldError("reason", f"one of {', '.join(NOTICE_REASONS)}"))
    checks: list[tuple[str, str, int]] = [
        ("explanation", form.explanation, 5000),
        ("notifier_name", form.notifier_name, 200),
        ("notifier_email", form.notifier_email, 254),
    ]
    for field, value, max_length in checks:
        if not value.strip():
            errors.append(FieldError(field, "required"))
        elif len(value.strip()) > max_length:
            errors.append(FieldError(field, f"at most {max_length} characters"))
    if form.notifier_email.strip() and not EMAIL_RE.match(form.notifier_email.strip()):
        errors.append(FieldError("notifier_email", "not an e-mail address"))
    if form.location.strip() and not URL_RE.match(form.location.strip()):
        errors.append(FieldError("location", "an http(s) URL of the listing"))
    if len(form.location) > 2000 or len(form.right_infringed) > 300:
        field = "location" if len(form.location) > 2000 else "right_infringed"
        errors.append(FieldError(field, "too long"))
    if form.good_faith is not True:
        errors.append(
            FieldError("good_faith", "the notifier must state that it acts in good faith")
        )
    return errors


def submit(session: Session, *, actor: Actor, form: NoticeForm) -> Notice:
    """File a brand's notice; a live or held listing is taken down and its seller told why.

    The notice records whether the listing had already been blocked (the proactive rate).
    """
    if not actor.can(perms.NOTICES_SUBMIT):
        raise Forbidden("only a brand's managers file notices")
    listing = service.get_listing(session, actor=actor, listing_id=form.listing_id)
    errors = validate(form)
    if listing.brand_id is None:
        errors.append(FieldError("listing_id", "the listing claims no registered brand"))
    if errors:
        raise InvalidInput("the notice cannot be filed", errors)
    now = utcnow()
    notice = Notice(
        id=dsa.new_reference("N"),
        brand_id=listing.brand_id,
        listing_id=listing.id,
        reason=form.reason,
        submitted_at=now,
        details=form.explanation.strip(),
        listing_was_blocked=listing.status in ("blocked", "removed"),
        notifier_name=form.notifier_name.strip(),
        notifier_email=form.notifier_email.strip(),
        location=form.location.strip() or f"listing:{listing.id}",
        right_infringed=form.right_infringed.strip() or None,
        good_faith=True,
        organisation_id=actor.organisation_id,
        submitted_by_user_id=actor.user_id,
        trusted_flagger=flaggers.is_trusted(session, organisation_id=actor.organisation_id),
    )
    session.add(notice)
    session.flush()
    _audit(session, actor, "notice.submit", listing.id, notice, reason=form.reason)
    if listing.status in TAKEN_DOWN_FROM:
        _take_down(session, actor, listing, notice)
    return notice


def _take_down(session: Session, actor: Actor, listing: Listing, notice: Notice) -> None:
    notice.listing_status_before, notice.actioned_at = listing.status, utcnow()
    listing.status = "removed"
    session.flush()
    _audit(
        session,
        actor,
        "listing.takedown",
        listing.id,
        notice,
        previous=notice.listing_status_before,
    )
    grounds = statements.Grounds(
        facts=(
            f"A notice ({notice.id}) from the holder of the rights in brand {notice.brand_id} "
            f"reported the listing as {notice.reason}: {notice.details}"
        ),
        legal_ground=dsa.LEGAL_GROUNDS[notice.reason]
        + (f" Right invoked: {notice.right_infringed}." if notice.right_infringed else ""),
        automated_detection=False,
        automated_decision=True,
    )
    statements.for_listing_removal(
        session, actor=actor, listing=listing, grounds=grounds, notice_id=notice.id
    )


def get(session: Session, *, actor: Actor, notice_id: str) -> Notice:
    """The notice, or NotFound outside the actor's tenancy (a brand: its own brands' notices)."""
    notice = session.get(Notice, notice_id)
    scope = brand_scope(actor)
    if notice is None or (scope is not None and notice.brand_id not in scope):
        raise NotFound(f"notice {notice_id!r} not found")
    service.get_listing(session, actor=actor, listing_id=notice.listing_id)  # tenancy of reads
    return notice


def _visible(query: Any, actor: Actor, open_only: bool) -> Any:
    scope = brand_scope(actor)
    if scope is not None:
        query = query.where(Notice.brand_id.in_(sorted(scope)))
    if open_only:
        query = query.where(Notice.decision.is_(None))
    return query


def queue(
    session: Session, *, actor: Actor, open_only: bool = True, limit: int = 50, offset: int = 0
) -> list[Notice]:
    """Notices in the order they are worked: trusted flaggers' first (Art. 22), then oldest."""
    _require_reader(actor)
    query = _visible(select(Notice), actor, open_only).order_by(
        Notice.trusted_flagger.desc(), Notice.submitted_at, Notice.id
    )
    return list(session.scalars(query.limit(limit).offset(offset)))


def count(session: Session, *, actor: Actor, open_only: bool = True) -> int:
    """How many notices `queue` would list, all pages together."""
    _require_reader(actor)
    query = _visible(select(func.count(Notice.id)), actor, open_only)
    return int(session.scalar(query) or 0)


def decide(
    session: Session, *, actor: Actor, notice_id: str, decision: str, note: str = ""
) -> Notice:
    """The marketplace decides a notice: `valid` confirms it (a strike for the seller),
    `invalid` gives the listing back and withdraws the statement of reasons."""
    dsa.require_handler(actor)
    dsa.require_choice("decision", decision, NOTICE_DECISIONS)
    notice = get(session, actor=actor, notice_id=notice_id)
    if notice.decision is not None:
        raise Conflict(f"notice {notice.id} was already decided {notice.decision}")
    if decision == "valid":
        confirm(session, actor=actor, notice=notice, note=note)
    else:
        invalidate(session, actor=actor, notice=notice, note=note)
    return notice


def confirm(session: Session, *, actor: Actor, notice: Notice, note: str) -> None:
    """Mark the notice valid, record the counterfeit verdict, assess the seller's strikes."""
    _settle(session, actor, notice, "valid", note)
    listing = session.get(Listing, notice.listing_id)
    assert listing is not None
    strikes.assess(session, actor=actor, seller_id=listing.seller_id)


def invalidate(session: Session, *, actor: Actor, notice: Notice, note: str) -> None:
    """Mark the notice invalid; the listing it took down is restored, its statement reversed."""
    _settle(session, actor, notice, "invalid", note)
    listing = session.get(Listing, notice.listing_id)
    assert listing is not None
    if notice.actioned_at is not None and listing.status == "removed":
        listing.status = notice.listing_status_before or "live"
        session.flush()
        _audit(session, actor, "listing.restore", listing.id, notice, to=listing.status)
    statement = statements.for_notice(session, notice_id=notice.id)
    if statement is not None and statement.status != "reversed":
        statements.reverse(session, actor=actor, statement=statement, note=note or "notice invalid")


def _settle(session: Session, actor: Actor, notice: Notice, decision: str, note: str) -> None:
    notice.decision, notice.decided_at = decision, utcnow()
    notice.decided_by_user_id = actor.user_id
    verdict = "counterfeit" if decision == "valid" else "genuine"
    session.add(
        Verdict(
            listing_id=notice.listing_id,
            verdict=verdict,
            source="notice",
            decided_at=notice.decided_at,
            decided_by_user_id=actor.user_id,
        )
    )
    session.flush()
    _audit(
        session,
        actor,
        "notice.decide",
        notice.listing_id,
        notice,
        decision=decision,
        note=note[:500],
    )


def _require_reader(actor: Actor) -> None:
    if not (actor.can(perms.NOTICES_HANDLE) or actor.can(perms.NOTICES_SUBMIT)):
        raise Forbidden("only the marketplace's analysts and brands' managers see notices")


def _audit(
    session: Session, actor: Actor, action: str, listing_id: str, notice: Notice, **detail: Any
) -> None:
    audit.record(
        session,
        actor=actor,
        action=action,
        object_type="listing",
        object_id=listing_id,
        detail={"notice_id": notice.id, **detail},
    )
