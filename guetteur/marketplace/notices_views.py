"""HTML form for a brand to file a notice on one of its listings."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from sqlalchemy.orm import Session
from starlette.datastructures import FormData
from starlette.responses import RedirectResponse, Response

from guetteur.auth import permissions as perms
from guetteur.auth.actor import Actor
from guetteur.errors import InvalidInput
from guetteur.marketplace import notices, service
from guetteur.marketplace.models import NOTICE_REASONS
from guetteur.web.csrf import verified_form
from guetteur.web.deps import SessionDep, require
from guetteur.web.rendering import render

router = APIRouter(include_in_schema=False)


@router.get("/listings/{listing_id}/notice")
def notice_form(
    request: Request,
    listing_id: str,
    session: Session = SessionDep,
    actor: Actor = require(perms.NOTICES_SUBMIT),
) -> Response:
    """The notice form for one of the brand's listings."""
    listing = service.get_listing(session, actor=actor, listing_id=listing_id)
    context = {"listing": listing, "reasons": NOTICE_REASONS, "error": None, "form": {}}
    return render(request, "notice_form.html", context, actor=actor)


@router.post("/listings/{listing_id}/notice")
def file_notice(
    request: Request,
    listing_id: str,
    form: FormData = Depends(verified_form),
    session: Session = SessionDep,
    actor: Actor = require(perms.NOTICES_SUBMIT),
) -> Response:
    """File the notice; the listing is taken down if still live."""
    listing = service.get_listing(session, actor=actor, listing_id=listing_id)
    reason, details = str(form.get("reason") or ""), str(form.get("details") or "")
    try:
        notice = notices.submit(
            session, actor=actor, listing_id=listing.id, reason=reason, details=details
        )
    except InvalidInput as exc:
        context = {
            "listing": listing,
            "reasons": NOTICE_REASONS,
            "error": str(exc),
            "form": {"reason": reason, "details": details},
        }
        return render(request, "notice_form.html", context, actor=actor, status_code=422)
    return RedirectResponse(f"/listings/{listing.id}?notice={notice.id}", status_code=303)
