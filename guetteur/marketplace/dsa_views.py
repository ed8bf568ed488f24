"""HTML pages of notice and action: the notices queue, statements of reasons with their appeals,
direct removal by accurate brands and its undoing, and the trusted flaggers' register."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from sqlalchemy.orm import Session
from starlette.datastructures import FormData
from starlette.responses import RedirectResponse, Response

from guetteur.auth import permissions as perms
from guetteur.auth import service as auth
from guetteur.auth.actor import Actor
from guetteur.errors import Conflict, Forbidden, InvalidInput
from guetteur.marketplace import appeals, flaggers, notices, removal, service, statements
from guetteur.marketplace.models import APPEAL_OUTCOMES, NOTICE_REASONS
from guetteur.web.csrf import verified_form
from guetteur.web.deps import SessionDep, require
from guetteur.web.rendering import render

router = APIRouter(include_in_schema=False)


def _text(form: FormData, name: str) -> str:
    return str(form.get(name) or "")


def _see_other(url: str) -> Response:
    return RedirectResponse(url, status_code=303)


@router.get("/notices")
def notices_page(
    request: Request,
    decided: bool = False,
    session: Session = SessionDep,
    actor: Actor = require(perms.LISTINGS_READ),
) -> Response:
    """Open notices, trusted flaggers' first then oldest (`?decided=1`: decided ones too)."""
    open_only = not decided
    context = {
        "notices": notices.queue(session, actor=actor, open_only=open_only, limit=200),
        "total": notices.count(session, actor=actor, open_only=open_only),
        "open_only": open_only,
        "appeals": appeals.list_(session, actor=actor) if actor.can(perms.NOTICES_HANDLE) else [],
    }
    return render(request, "dsa/notices.html", context, actor=actor)


@router.post("/notices/{notice_id}/decision")
def decide_notice(
    notice_id: str,
    form: FormData = Depends(verified_form),
    session: Session = SessionDep,
    actor: Actor = require(perms.NOTICES_HANDLE),
) -> Response:
    """Decide a notice valid or invalid from the queue."""
    notices.decide(
        session,
        actor=actor,
        notice_id=notice_id,
        decision=_text(form, "decision"),
        note=_text(form, "note"),
    )
    return _see_other("/notices")


@router.get("/statements/{statement_id}")
def statement_page(
    request: Request,
    statement_id: str,
    session: Session = SessionDep,
    actor: Actor = require(perms.NOTICES_HANDLE),
) -> Response:
    """A statement of reasons as the seller receives it, with its appeals."""
    statement = statements.get(session, actor=actor, statement_id=statement_id)
    context = {
        "statement": statement,
        "appeals": appeals.list_(session, actor=actor, open_only=False, statement_id=statement.id),
        "outcomes": APPEAL_OUTCOMES,
    }
    return render(request, "dsa/statement.html", context, actor=actor)


@router.post("/statements/{statement_id}/appeals")
def file_appeal(
    statement_id: str,
    form: FormData = Depends(verified_form),
    session: Session = SessionDep,
    actor: Actor = require(perms.NOTICES_HANDLE),
) -> Response:
    """Record the seller's appeal, as received by the marketplace."""
    appeal = appeals.file(
        session, actor=actor, statement_id=statement_id, grounds=_text(form, "grounds")
    )
    return _see_other(f"/statements/{appeal.statement_id}")


@router.post("/appeals/{appeal_id}/decision")
def decide_appeal(
    appeal_id: str,
    form: FormData = Depends(verified_form),
    session: Session = SessionDep,
    actor: Actor = require(perms.NOTICES_HANDLE),
) -> Response:
    """Uphold or reverse."""
    appeal = appeals.decide(
        session,
        actor=actor,
        appeal_id=appeal_id,
        outcome=_text(form, "outcome"),
        note=_text(form, "note"),
    )
    return _see_other(f"/statements/{appeal.statement_id}")


@router.get("/listings/{listing_id}/removal")
def removal_form(
    request: Request,
    listing_id: str,
    session: Session = SessionDep,
    actor: Actor = require(perms.LISTINGS_REMOVE),
) -> Response:
    """The direct-removal form, with the brand's notice accuracy that opens it (or not)."""
    return _removal_page(request, session, actor, listing_id, form={}, error=None)


@router.post("/listings/{listing_id}/removal")
def remove_listing(
    request: Request,
    listing_id: str,
    form: FormData = Depends(verified_form),
    session: Session = SessionDep,
    actor: Actor = require(perms.LISTINGS_REMOVE),
) -> Response:
    """Remove the listing directly; refused (and said why) below the accuracy threshold."""
    listing = service.get_listing(session, actor=actor, listing_id=listing_id)
    values = {"reason": _text(form, "reason"), "explanation": _text(form, "explanation")}
    try:
        removal.remove(
            session,
            actor=actor,
            listing_id=listing.id,
            reason=values["reason"],
            explanation=values["explanation"],
        )
    except (InvalidInput, Forbidden, Conflict) as exc:
        return _removal_page(request, session, actor, listing.id, form=values, error=exc)
    return _see_other("/removals")


def _removal_page(
    request: Request,
    session: Session,
    actor: Actor,
    listing_id: str,
    *,
    form: dict[str, str],
    error: InvalidInput | Forbidden | Conflict | None,
) -> Response:
    listing = service.get_listing(session, actor=actor, listing_id=listing_id)
    standing = None
    if listing.brand_id is not None:
        standing = removal.accuracy(session, actor=actor, brand_id=listing.brand_id)
    context = {
        "listing": listing,
        "standing": standing,
        "reasons": NOTICE_REASONS,
        "form": form,
        "error": str(error) if error else None,
    }
    status = error.http_status if error else 200
    return render(request, "dsa/removal_form.html", context, actor=actor, status_code=status)


@router.get("/removals")
def removals_page(
    request: Request, session: Session = SessionDep, actor: Actor = require(perms.LISTINGS_READ)
) -> Response:
    """Direct removals: a brand sees its own; the marketplace may undo any."""
    context = {"removals": removal.list_(session, actor=actor)}
    return render(request, "dsa/removals.html", context, actor=actor)


@router.post("/removals/{removal_id}/restore")
def restore_removal(
    removal_id: str,
    form: FormData = Depends(verified_form),
    session: Session = SessionDep,
    actor: Actor = require(perms.NOTICES_HANDLE),
) -> Response:
    """Undo a direct removal."""
    removal.restore(session, actor=actor, removal_id=removal_id, note=_text(form, "note"))
    return _see_other("/removals")


@router.get("/admin/trusted-flaggers")
def flaggers_page(
    request: Request,
    session: Session = SessionDep,
    actor: Actor = require(perms.FLAGGERS_MANAGE),
) -> Response:
    """The trusted flaggers' register, and the brand organisations that could join it."""
    context = {
        "flaggers": flaggers.list_(session, actor=actor),
        "organisations": auth.list_organisations(session, kind="brand"),
    }
    return render(request, "dsa/flaggers.html", context, actor=actor)


@router.post("/admin/trusted-flaggers")
def mark_flagger(
    form: FormData = Depends(verified_form),
    session: Session = SessionDep,
    actor: Actor = require(perms.FLAGGERS_MANAGE),
) -> Response:
    """Record a brand organisation as trusted flagger."""
    raw = _text(form, "organisation_id")
    if not raw.isdigit():
        raise InvalidInput("choose an organisation", [])
    flaggers.mark(
        session, actor=actor, organisation_id=int(raw), reference=_text(form, "reference")
    )
    return _see_other("/admin/trusted-flaggers")


@router.post("/admin/trusted-flaggers/{organisation_id}/revoke")
def revoke_flagger(
    organisation_id: int,
    form: FormData = Depends(verified_form),
    session: Session = SessionDep,
    actor: Actor = require(perms.FLAGGERS_MANAGE),
) -> Response:
    """Withdraw the status."""
    flaggers.revoke(session, actor=actor, organisation_id=organisation_id)
    return _see_other("/admin/trusted-flaggers")
