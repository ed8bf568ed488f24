"""Request dependencies: settings, one session per request, the current actor, permissions.

Every route declares the permission it needs with `require(permission)` (or `require(PUBLIC)`);
a test walks the app's routes and refuses any route that does not.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from fastapi import Depends, Request
from sqlalchemy.orm import Session, sessionmaker

from guetteur.auth import service as auth
from guetteur.auth.actor import Actor
from guetteur.auth.permissions import PUBLIC
from guetteur.config import Settings
from guetteur.errors import Forbidden, Unauthorized

if TYPE_CHECKING:
    from guetteur.detection.online import OnlineScorer

API_PREFIX = "/api"
SESSION_USER_KEY = "user_id"


class LoginRequired(Unauthorized):
    """No valid credentials: an API caller gets 401, a browser is sent to the log-in page."""


def is_api(request: Request) -> bool:
    """Whether the request is for the JSON API (bearer tokens, JSON errors)."""
    path = request.url.path
    return path == API_PREFIX or path.startswith(API_PREFIX + "/")


def get_settings(request: Request) -> Settings:
    """The node's settings, as given to `create_app`."""
    settings: Settings = request.app.state.settings
    return settings


def get_session(request: Request) -> Iterator[Session]:
    """One session per request, committed when the route returns without error (the edge)."""
    factory: sessionmaker[Session] = request.app.state.sessions
    session = factory()
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()


SessionDep = Depends(get_session, scope="function")


def get_optional_actor(request: Request, session: Session = SessionDep) -> Actor | None:
    """The actor behind the request: a bearer token for /api, the session cookie otherwise."""
    if is_api(request):
        header = request.headers.get("authorization")
        if not header:
            return None
        scheme, _, token = header.partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            raise LoginRequired("expected 'Authorization: Bearer <token>'")
        return auth.actor_for_token(session, token=token.strip())
    if "session" not in request.scope:
        return None
    user_id = request.session.get(SESSION_USER_KEY)
    if not isinstance(user_id, int):
        return None
    user = auth.get_user(session, user_id=user_id)
    if user is None or not user.is_active:
        request.session.clear()
        return None
    return auth.actor_for_user(session, user=user)


class Require:
    """The dependency a route declares: the permission it needs (PUBLIC: anyone, maybe nobody)."""

    def __init__(self, permission: str) -> None:
        self.permission = permission

    def __call__(self, actor: Actor | None = Depends(get_optional_actor)) -> Actor | None:
        if self.permission == PUBLIC:
            return actor
        if actor is None:
            raise LoginRequired("authentication required")
        if not actor.can(self.permission):
            raise Forbidden(f"you lack the permission {self.permission!r}")
        return actor


def require(permission: str) -> Any:
    """Declare the permission a route needs; the parameter receives the current Actor."""
    return Depends(Require(permission))


def public() -> Any:
    """Declare a route anyone may call; the parameter receives the Actor, or None."""
    return Depends(Require(PUBLIC))


def permission_of(dependency: object) -> str | None:
    """The permission a dependency declares, if it is one of ours."""
    return dependency.permission if isinstance(dependency, Require) else None


_scorer_lock = threading.Lock()


def get_scorer(request: Request) -> OnlineScorer:
    """The process's online detector (model and registry loaded once, kept on the app)."""
    from guetteur.detection.online import OnlineScorer

    state = request.app.state
    with _scorer_lock:
        if getattr(state, "scorer", None) is None:
            settings: Settings = state.settings
            state.scorer = OnlineScorer(
                models_dir=settings.models_dir, media_dir=settings.media_dir
            )
    scorer: OnlineScorer = state.scorer
    return scorer
