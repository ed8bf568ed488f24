"""One error handler: JSON `{"detail", "code", "errors"}` for /api, a friendly page otherwise."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from http import HTTPStatus
from typing import Any
from urllib.parse import quote

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from starlette.exceptions import HTTPException
from starlette.responses import JSONResponse, RedirectResponse, Response

from guetteur.errors import GuetteurError, InvalidInput, Unauthorized
from guetteur.web.deps import is_api
from guetteur.web.rendering import render

log = logging.getLogger(__name__)

HTTP_CODES = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    413: "payload_too_large",
    415: "unsupported_media_type",
    422: "invalid_input",
}


@dataclass
class Problem:
    """What went wrong, in the terms every response shape shares."""

    status: int
    code: str
    detail: str
    errors: list[dict[str, Any]] = field(default_factory=list)
    headers: dict[str, str] = field(default_factory=dict)

    def as_json(self) -> dict[str, Any]:
        return {"detail": self.detail, "code": self.code, "errors": self.errors}


def describe(exc: Exception) -> Problem:
    """The status, code, message and field errors for any exception."""
    if isinstance(exc, GuetteurError):
        errors = [e.as_dict() for e in exc.errors] if isinstance(exc, InvalidInput) else []
        problem = Problem(exc.http_status, exc.code, exc.detail, errors)
        if isinstance(exc, Unauthorized):
            problem.headers["WWW-Authenticate"] = "Bearer"
        return problem
    if isinstance(exc, RequestValidationError):
        errors = [_field_error(e) for e in exc.errors()]
        return Problem(422, "invalid_input", "the request is not valid", errors)
    if isinstance(exc, HTTPException):
        detail = exc.detail if isinstance(exc.detail, str) else _phrase(exc.status_code)
        code = HTTP_CODES.get(exc.status_code, "http_error")
        return Problem(exc.status_code, code, detail, headers=dict(exc.headers or {}))
    return Problem(500, "internal_error", "an unexpected error occurred; it has been logged")


async def handle_error(request: Request, exc: Exception) -> Response:
    """Turn any exception into the response its caller understands."""
    problem = describe(exc)
    if problem.status >= 500:
        log.error("unhandled error on %s %s", request.method, request.url.path, exc_info=exc)
    if is_api(request):
        return JSONResponse(problem.as_json(), problem.status, headers=problem.headers or None)
    if isinstance(exc, Unauthorized) and request.method == "GET":
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        return RedirectResponse(f"/login?next={quote(target, safe='')}", status_code=303)
    return _html(request, problem)


def _html(request: Request, problem: Problem) -> Response:
    context = {"status": problem.status, "title": _phrase(problem.status), "problem": problem}
    return render(request, "error.html", context, status_code=problem.status)


def install(app: FastAPI) -> None:
    """Route every error through `handle_error`."""
    for kind in (GuetteurError, RequestValidationError, HTTPException, Exception):
        app.add_exception_handler(kind, handle_error)


def _phrase(status: int) -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return "Error"


def _field_error(error: Any) -> dict[str, Any]:
    loc = [str(part) for part in error.get("loc", ())]
    return {
        "file": None,
        "line": None,
        "field": ".".join(loc),
        "message": str(error.get("msg", "invalid")),
    }
