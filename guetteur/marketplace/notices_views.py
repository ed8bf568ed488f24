"""HTML form for a brand to file a notice (DSA Art. 16) on one of its listings."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Request
from sqlalchemy.orm import Session
from starlette.datastructures import FormData
from starlette.responses import RedirectResponse, Response

from guetteur.auth import permissions as perms
from guetteur.auth import service as auth
from guetteur.auth.actor import Actor
from guetteur.errors import InvalidInput
from guetteur.marketplace import notices, service
from guetteur.marketplace.models import NOTICE_REASONS, Listing
from guetteur.web.csrf import verified_form
from guetteur.web.deps import SessionDep, require
from guetteur.web.rendering import render

router = APIRouter(include_in_schema=False)
GOOD_FAITH_VALUES = ("on", "yes", "true", "1")


def _notifier(session: Session, actor: Actor) -> dict[str, str]:
    """The logged-in user's name and e-mail, to pre-fill the notifier's fields."""
    user = auth.get_user(session, user_id=actor.user_id) if actor.user_id is not None else None
    if user is None:
        return {"notifier_name": actor.label, "notifier_email": ""}
    return {"notifier_name": user.display_name, "notifier_email": user.email}


def _page(
    request: Request, actor: Actor, listing: Listing, form: dict[str, Any], error: str | None
) -> Response:
    context = {"listing": listing, "reasons": NOTICE_REASONS, "error": error, "form": form}
    status = 422 if error else 200
    return render(request, "notice_form.html", context, actor=actor, status_code=status)


@router.get("/listings/{listing_id}/notice")
def notice_form(
    request: Request,
    listing_id: str,
    session: Session = SessionDep,
    actor: Actor = require(perms.NOTICES_SUBMIT),
) -> Response:
    """The notice form for one of the brand's listings, the notifier's fields pre-filled."""
    listing = service.get_listing(session, actor=actor, listing_id=listing_id)
    return _page(request, actor, listing, _notifier(session, actor), None)


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
    defaults = _notifier(session, actor)
    values = {
        name: str(form.get(name) or defaults.get(name, ""))
        for name in ("reason", "notifier_name", "notifier_email", "location", "right_infringed")
    }
    values["explanation"] = str(form.get("details") or "")
    good_faith = str(form.get("good_faith") or "").lower() in GOOD_FAITH_VALUES
    try:
        notice = notices.submit(
            session,
            actor=actor,
            form=notices.NoticeForm(listing_id=listing.id, good_faith=good_faith, **values),
        )
    except InvalidInput as exc:
        shown = {**values, "details": values["explanation"], "good_faith": good_faith}
        return _page(request, actor, listing, shown, str(exc))
    return RedirectResponse(f"/listings/{listing.id}?notice={notice.id}", status_code=303)
