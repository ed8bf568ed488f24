"""Brand notices filed through Guetteur: record the notice, take a live listing down."""

from __future__ import annotations

import secrets

from sqlalchemy.orm import Session

from guetteur.audit import service as audit
from guetteur.auth import permissions as perms
from guetteur.auth.actor import Actor
from guetteur.clock import utcnow
from guetteur.errors import FieldError, Forbidden, InvalidInput
from guetteur.marketplace import service
from guetteur.marketplace.models import NOTICE_REASONS, Notice


def submit(
    session: Session, *, actor: Actor, listing_id: str, reason: str, details: str = ""
) -> Notice:
    """A rights holder reports one of its brand's listings; a live listing is taken down.

    The notice records whether the listing had already been blocked (the proactive rate).
    """
    if not actor.can(perms.NOTICES_SUBMIT):
        raise Forbidden("only a brand's managers file notices")
    listing = service.get_listing(session, actor=actor, listing_id=listing_id)
    if reason not in NOTICE_REASONS:
        raise InvalidInput(
            "the notice cannot be filed",
            [FieldError(field="reason", message=f"one of {', '.join(NOTICE_REASONS)}")],
        )
    if listing.brand_id is None:
        raise InvalidInput(
            "the listing claims no registered brand", [FieldError("listing_id", "no brand")]
        )
    notice = Notice(
        id=f"N-{utcnow():%Y%m%d}-{secrets.token_hex(4)}",
        brand_id=listing.brand_id,
        listing_id=listing.id,
        reason=reason,
        submitted_at=utcnow(),
        details=details.strip()[:5000] or None,
        listing_was_blocked=listing.status in ("blocked", "removed"),
    )
    session.add(notice)
    if listing.status in ("live", "held"):
        listing.status = "removed"
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="notice.submit",
        object_type="listing",
        object_id=listing.id,
        detail={"notice_id": notice.id, "reason": reason},
    )
    return notice
