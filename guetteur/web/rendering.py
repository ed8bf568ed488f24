"""Server-rendered HTML: the templates, and the context every page shares."""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from fastapi import Request
from fastapi.templating import Jinja2Templates
from starlette.responses import Response

from guetteur.auth import permissions as perms
from guetteur.auth.actor import Actor
from guetteur.web.csrf import CSRF_FIELD, csrf_token

TEMPLATES_DIR = Path(__file__).parent / "templates"
STATIC_DIR = Path(__file__).parent / "static"
PAGE_SIZE = 50

NAV = [
    ("Dashboard", "/", perms.DASHBOARD_READ),
    ("Brands", "/brands", perms.BRANDS_READ),
    ("Listings", "/listings", perms.LISTINGS_READ),
    ("Sellers", "/sellers", perms.SELLERS_READ),
    ("Review", "/review", perms.LISTINGS_REVIEW),
    ("Notices", "/notices", perms.NOTICES_HANDLE),
    ("Notices", "/notices", perms.NOTICES_SUBMIT),
    ("Networks", "/networks", perms.NETWORKS_READ),
    ("Targeting", "/customs", perms.CUSTOMS_READ),
    ("Detentions", "/customs/detentions", perms.CUSTOMS_READ),
    ("Custody", "/custody", perms.CUSTOMS_READ),
    ("Cases", "/cases", perms.CASES_READ),
    ("Reports", "/reports", perms.REPORTS_READ),
    ("Sharing", "/sharing", perms.SHARING_MANAGE),
    ("Audit log", "/admin/audit", perms.AUDIT_READ),
    ("Trusted flaggers", "/admin/trusted-flaggers", perms.FLAGGERS_MANAGE),
    ("Account", "/account", perms.ME_READ),
]


def make_templates() -> Jinja2Templates:
    """The Jinja2 environment (autoescaping on), with the helpers templates use."""
    templates = Jinja2Templates(directory=str(TEMPLATES_DIR))
    templates.env.globals["page_url"] = page_url
    return templates


def render(
    request: Request,
    name: str,
    context: dict[str, Any] | None = None,
    *,
    actor: Actor | None = None,
    status_code: int = 200,
) -> Response:
    """Render a page of the base layout, with navigation for what the actor may open."""
    templates: Jinja2Templates = request.app.state.templates
    page: dict[str, Any] = {
        "actor": actor,
        "nav": list(dict.fromkeys((t, h) for t, h, perm in NAV if actor and actor.can(perm))),
        "node_name": request.app.state.settings.node_name,
        "csrf_field": CSRF_FIELD,
        "csrf_token": csrf_token(request) if "session" in request.scope else "",
    }
    page.update(context or {})
    return templates.TemplateResponse(request, name, page, status_code=status_code)


def page_url(request: Request, page: int) -> str:
    """The current URL with its `page` query parameter set."""
    params = dict(request.query_params)
    params["page"] = str(page)
    return f"{request.url.path}?{urlencode(params)}"


def pagination(page: int, total: int, page_size: int = PAGE_SIZE) -> dict[str, int]:
    """Numbers a paginated list needs: page, pages, offset, limit, total."""
    pages = max(1, -(-total // page_size))
    page = min(max(1, page), pages)
    return {
        "page": page,
        "pages": pages,
        "offset": (page - 1) * page_size,
        "limit": page_size,
        "total": total,
    }
