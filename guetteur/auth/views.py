"""HTML pages of the auth domain: log-in, log-out, the account page with its API tokens."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from sqlalchemy.orm import Session
from starlette.datastructures import FormData
from starlette.responses import RedirectResponse, Response

from guetteur.auth import permissions as perms
from guetteur.auth import service
from guetteur.auth.actor import Actor
from guetteur.errors import InvalidInput, Unauthorized
from guetteur.web.csrf import rotate_csrf_token, verified_form
from guetteur.web.deps import SESSION_USER_KEY, SessionDep, public, require
from guetteur.web.rendering import render

router = APIRouter(include_in_schema=False)


def safe_next(target: str | None) -> str:
    """A local path to go to after log-in (never another site)."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return "/"
    return target


@router.get("/login")
def login_page(
    request: Request, next: str | None = None, actor: Actor | None = public()
) -> Response:
    """The log-in form (or straight on, when already logged in)."""
    if actor is not None:
        return RedirectResponse(safe_next(next), status_code=303)
    return render(request, "login.html", {"next": safe_next(next), "error": None})


@router.post("/login")
def login(
    request: Request,
    form: FormData = Depends(verified_form),
    session: Session = SessionDep,
    _anyone: Actor | None = public(),
) -> Response:
    """Check the credentials, start a fresh session, go on to where the user was going."""
    email, password = str(form.get("email") or ""), str(form.get("password") or "")
    target = safe_next(str(form.get("next") or "/"))
    try:
        user = service.authenticate(session, email=email, password=password)
    except Unauthorized as exc:
        context = {"next": target, "error": exc.detail, "email": email}
        return render(request, "login.html", context, status_code=401)
    request.session.clear()
    request.session[SESSION_USER_KEY] = user.id
    rotate_csrf_token(request)
    return RedirectResponse(target, status_code=303)


@router.post("/logout")
def logout(
    request: Request,
    _form: FormData = Depends(verified_form),
    _anyone: Actor | None = public(),
) -> Response:
    """End the session."""
    request.session.clear()
    return RedirectResponse("/login", status_code=303)


@router.get("/account")
def account(
    request: Request, session: Session = SessionDep, actor: Actor = require(perms.ME_READ)
) -> Response:
    """The user's account and API tokens."""
    return _account_page(request, session, actor)


@router.post("/account/tokens")
def create_token(
    request: Request,
    form: FormData = Depends(verified_form),
    session: Session = SessionDep,
    actor: Actor = require(perms.TOKENS_MANAGE_OWN),
) -> Response:
    """A new API token for the user, shown on this page once."""
    try:
        _row, token = service.create_token(
            session, actor=actor, user_id=_user_id(actor), name=str(form.get("name") or "")
        )
    except InvalidInput as exc:
        return _account_page(request, session, actor, error=str(exc), status_code=422)
    return _account_page(request, session, actor, new_token=token)


@router.post("/account/tokens/{token_id}/revoke")
def revoke_token(
    token_id: int,
    _form: FormData = Depends(verified_form),
    session: Session = SessionDep,
    actor: Actor = require(perms.TOKENS_MANAGE_OWN),
) -> Response:
    """Revoke one of the user's tokens."""
    service.revoke_token(session, actor=actor, token_id=token_id)
    return RedirectResponse("/account", status_code=303)


def _account_page(
    request: Request,
    session: Session,
    actor: Actor,
    *,
    new_token: str | None = None,
    error: str | None = None,
    status_code: int = 200,
) -> Response:
    user = service.get_user(session, user_id=_user_id(actor))
    context = {
        "user": user,
        "tokens": service.list_tokens(session, user_id=_user_id(actor)),
        "new_token": new_token,
        "error": error,
    }
    return render(request, "account.html", context, actor=actor, status_code=status_code)


def _user_id(actor: Actor) -> int:
    if actor.user_id is None:
        raise Unauthorized("log in as a user")
    return actor.user_id
