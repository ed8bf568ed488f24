"""CSRF protection for HTML forms: a random token kept in the signed session cookie, echoed by
every form in a hidden field and compared in constant time before the form is acted on."""

from __future__ import annotations

import hmac
import secrets

from fastapi import Request
from starlette.datastructures import FormData

from guetteur.errors import Forbidden

CSRF_FIELD = "csrf_token"
_SESSION_KEY = "csrf"


def csrf_token(request: Request) -> str:
    """The session's CSRF token, created on first use."""
    token = request.session.get(_SESSION_KEY)
    if not isinstance(token, str) or not token:
        token = secrets.token_urlsafe(32)
        request.session[_SESSION_KEY] = token
    return token


def rotate_csrf_token(request: Request) -> str:
    """A fresh token (after log-in, so a token seen before log-in is worthless)."""
    request.session.pop(_SESSION_KEY, None)
    return csrf_token(request)


async def verified_form(request: Request) -> FormData:
    """The posted form, once its CSRF token matches the session's (Forbidden otherwise)."""
    form = await request.form()
    sent = form.get(CSRF_FIELD)
    expected = request.session.get(_SESSION_KEY)
    if (
        not isinstance(sent, str)
        or not isinstance(expected, str)
        or not hmac.compare_digest(sent.encode(), expected.encode())
    ):
        raise Forbidden("the form has expired or was not sent by this site; reload and try again")
    return form
