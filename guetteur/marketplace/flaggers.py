"""Trusted flaggers (DSA Art. 22): brand organisations whose notices are processed first.

The status is awarded by the national Digital Services Coordinator; the marketplace's
administrators record it here, with the reference of that decision, and may revoke it.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from guetteur.audit import service as audit
from guetteur.auth import permissions as perms
from guetteur.auth import service as auth
from guetteur.auth.actor import Actor
from guetteur.clock import utcnow
from guetteur.errors import FieldError, Forbidden, InvalidInput, NotFound
from guetteur.marketplace import dsa
from guetteur.marketplace.models import TrustedFlagger

FLAGGER_KINDS = ("brand",)


def _require_manager(actor: Actor) -> None:
    if actor.organisation_kind not in dsa.HANDLING_KINDS or not actor.can(perms.FLAGGERS_MANAGE):
        raise Forbidden("only the marketplace's administrators record trusted flaggers")


def is_trusted(session: Session, *, organisation_id: int | None) -> bool:
    """Whether this organisation currently holds the trusted-flagger status."""
    if organisation_id is None:
        return False
    flagger = session.get(TrustedFlagger, organisation_id)
    return flagger is not None and flagger.revoked_at is None


def mark(session: Session, *, actor: Actor, organisation_id: int, reference: str) -> TrustedFlagger:
    """Record a brand organisation as trusted flagger (again, if it had been revoked)."""
    _require_manager(actor)
    reference = dsa.require_text("reference", reference, max_length=300)
    organisation = auth.get_organisation(session, organisation_id=organisation_id)
    if organisation is None:
        raise NotFound(f"organisation {organisation_id} not found")
    if organisation.kind not in FLAGGER_KINDS:
        raise InvalidInput(
            "only rights holders' organisations can be trusted flaggers here",
            [FieldError("organisation_id", "not a brand organisation")],
        )
    flagger = session.get(TrustedFlagger, organisation_id)
    if flagger is None:
        flagger = TrustedFlagger(
            organisation_id=organisation_id, reference=reference, awarded_at=utcnow()
        )
        session.add(flagger)
    flagger.reference, flagger.awarded_at, flagger.revoked_at = reference, utcnow(), None
    flagger.awarded_by_user_id = actor.user_id
    session.flush()
    _audit(session, actor, "dsa.trusted_flagger_mark", organisation_id, {"reference": reference})
    return flagger


def revoke(session: Session, *, actor: Actor, organisation_id: int) -> TrustedFlagger:
    """Withdraw the status; notices filed from now on are no longer prioritised."""
    _require_manager(actor)
    flagger = session.get(TrustedFlagger, organisation_id)
    if flagger is None or flagger.revoked_at is not None:
        raise NotFound(f"organisation {organisation_id} is not a trusted flagger")
    flagger.revoked_at = utcnow()
    session.flush()
    _audit(session, actor, "dsa.trusted_flagger_revoke", organisation_id, {})
    return flagger


def list_(session: Session, *, actor: Actor, current_only: bool = True) -> list[TrustedFlagger]:
    """Trusted flaggers, most recently awarded first."""
    _require_manager(actor)
    query = select(TrustedFlagger).order_by(
        TrustedFlagger.awarded_at.desc(), TrustedFlagger.organisation_id
    )
    if current_only:
        query = query.where(TrustedFlagger.revoked_at.is_(None))
    return list(session.scalars(query))


def _audit(
    session: Session, actor: Actor, action: str, organisation_id: int, detail: dict[str, str]
) -> None:
    audit.record(
        session,
        actor=actor,
        action=action,
        object_type="organisation",
        object_id=str(organisation_id),
        detail=detail,
    )
