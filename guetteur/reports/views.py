"""HTML pages of the brand-protection report, with its PDF and HTML exports."""

from __future__ import annotations

from datetime import date, timedelta
from urllib.parse import urlencode

from fastapi import APIRouter, Query, Request
from sqlalchemy.orm import Session
from starlette.responses import Response

from guetteur.auth import permissions as perms
from guetteur.auth.actor import Actor
from guetteur.auth.tenancy import brand_scope
from guetteur.clock import utcnow
from guetteur.errors import InvalidInput
from guetteur.registry import service as registry
from guetteur.reports import html, pdf, report
from guetteur.reports.report import percent
from guetteur.web.deps import SessionDep, require
from guetteur.web.rendering import render

router = APIRouter(include_in_schema=False)


def _period(start: date | None, end: date | None) -> tuple[date, date]:
    last = end or utcnow().date()
    return start or last - timedelta(days=364), last


@router.get("/reports")
def report_page(
    request: Request,
    start: date | None = None,
    end: date | None = None,
    brand_id: str = Query("", max_length=100),
    session: Session = SessionDep,
    actor: Actor = require(perms.REPORTS_READ),
) -> Response:
    """The report of a period, for the whole marketplace or one brand (tenancy applies)."""
    first, last = _period(start, end)
    built, error = None, None
    try:
        built = report.build(session, actor=actor, start=first, end=last, brand_id=brand_id or None)
    except InvalidInput as exc:
        error = str(exc)
    query = urlencode({"start": first, "end": last, "brand_id": brand_id})
    context = {
        "report": built,
        "error": error,
        "start": first,
        "end": last,
        "brand_id": brand_id,
        "brands": registry.list_brands(session, actor=actor, limit=500),
        "brand_locked": brand_scope(actor) is not None,
        "query": query,
        "percent": percent,
    }
    return render(request, "reports/page.html", context, actor=actor)


@router.get("/reports.pdf")
def report_pdf(
    start: date | None = None,
    end: date | None = None,
    brand_id: str = Query("", max_length=100),
    session: Session = SessionDep,
    actor: Actor = require(perms.REPORTS_READ),
) -> Response:
    """The report as a PDF download."""
    first, last = _period(start, end)
    built = report.build(session, actor=actor, start=first, end=last, brand_id=brand_id or None)
    name = f"brand-protection-{first}-{last}.pdf"
    headers = {"Content-Disposition": f'attachment; filename="{name}"'}
    return Response(pdf.report_pdf(built), media_type="application/pdf", headers=headers)


@router.get("/reports.html")
def report_html(
    start: date | None = None,
    end: date | None = None,
    brand_id: str = Query("", max_length=100),
    session: Session = SessionDep,
    actor: Actor = require(perms.REPORTS_READ),
) -> Response:
    """The report as a standalone HTML download."""
    first, last = _period(start, end)
    built = report.build(session, actor=actor, start=first, end=last, brand_id=brand_id or None)
    name = f"brand-protection-{first}-{last}.html"
    headers = {"Content-Disposition": f'attachment; filename="{name}"'}
    return Response(html.report_html(built), media_type="text/html", headers=headers)
