"""JSON routes of the auth domain: who am I, log-in for a token, my tokens."""

from __future__ import annotations

from fastapi import APIRouter
from sqlalchemy.orm import Session

from guetteur.auth import permissions as perms
from guetteur.auth import service
from guetteur.auth.actor import Actor
from guetteur.auth.models import User
from guetteur.auth.schemas import (
    LoginCreate,
    MeRead,
    OrganisationRead,
    TokenCreate,
    TokenIssued,
    TokenRead,
)
from guetteur.errors import NotFound
from guetteur.web.deps import SessionDep, public, require

router = APIRouter(prefix="/api", tags=["auth"])


@router.get("/me", response_model=MeRead)
def me(session: Session = SessionDep, actor: Actor = require(perms.ME_READ)) -> MeRead:
    """The caller: user, organisation, permissions and owned brands."""
    user = _user(session, actor)
    return MeRead(
        id=user.id,
        email=user.email,
        display_name=user.display_name,
        role=user.role,
        organisation=OrganisationRead.model_validate(user.organisation),
        permissions=sorted(actor.permissions),
        brand_ids=sorted(actor.brand_ids),
    )


@router.post("/auth/token", response_model=TokenIssued, status_code=201)
def log_in_for_token(
    body: LoginCreate, session: Session = SessionDep, _anyone: Actor | None = public()
) -> TokenIssued:
    """Exchange e-mail and password for a new API token (shown once)."""
    user = service.authenticate(session, email=body.email, password=body.password)
    actor = service.actor_for_user(session, user=user)
    row, token = service.create_token(session, actor=actor, user_id=user.id, name=body.name)
    return TokenIssued(**TokenRead.model_validate(row).model_dump(), token=token)


@router.get("/tokens", response_model=list[TokenRead])
def list_my_tokens(
    session: Session = SessionDep, actor: Actor = require(perms.TOKENS_MANAGE_OWN)
) -> list[TokenRead]:
    """The caller's tokens (prefixes only)."""
    user = _user(session, actor)
    return [TokenRead.model_validate(t) for t in service.list_tokens(session, user_id=user.id)]


@router.post("/tokens", response_model=TokenIssued, status_code=201)
def create_my_token(
    body: TokenCreate,
    session: Session = SessionDep,
    actor: Actor = require(perms.TOKENS_MANAGE_OWN),
) -> TokenIssued:
    """A new token for the caller; the response is the only time the token is shown."""
    user = _user(session, actor)
    row, token = service.create_token(session, actor=actor, user_id=user.id, name=body.name)
    return TokenIssued(**TokenRead.model_validate(row).model_dump(), token=token)


@router.delete("/tokens/{token_id}", response_model=TokenRead)
def revoke_my_token(
    token_id: int,
    session: Session = SessionDep,
    actor: Actor = require(perms.TOKENS_MANAGE_OWN),
) -> TokenRead:
    """Revoke one of the caller's tokens."""
    return TokenRead.model_validate(service.revoke_token(session, actor=actor, token_id=token_id))


def _user(session: Session, actor: Actor) -> User:
    user = service.get_user(session, user_id=actor.user_id) if actor.user_id else None
    if user is None:
        raise NotFound("no user behind this actor")
    return user
