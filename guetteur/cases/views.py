"""HTML pages of cases: the list, opening a case, the case file with its forms, the dossier."""

from __future__ import annotations

from datetime import date
from typing import Any

from fastapi import APIRouter, Depends, Query, Request
from sqlalchemy.orm import Session
from starlette.datastructures import FormData, UploadFile
from starlette.responses import RedirectResponse, Response

from guetteur.auth import permissions as perms
from guetteur.auth.actor import Actor
from guetteur.cases import dossier, service, timeline
from guetteur.cases.models import (
    CASE_STATUSES,
    EVIDENCE_KINDS,
    ORIGIN_KINDS,
    OUTCOME_KINDS,
    SUBJECT_KINDS,
)
from guetteur.errors import Conflict, FieldError, GuetteurError, InvalidInput, NotFound
from guetteur.web.csrf import verified_form
from guetteur.web.deps import SessionDep, require
from guetteur.web.rendering import pagination, render

router = APIRouter(include_in_schema=False)
STATUS_PATTERN = "^(|" + "|".join(CASE_STATUSES) + ")$"
TIMELINE_PAGE = 100


@router.get("/cases")
def cases(
    request: Request,
    q: str = Query("", max_length=200),
    status: str = Query("", pattern=STATUS_PATTERN),
    page: int = Query(1, ge=1, le=1_000_000),
    session: Session = SessionDep,
    actor: Actor = require(perms.CASES_READ),
) -> Response:
    """Cases the user's organisation takes part in."""
    filters = {"q": q or None, "status": status or None}
    pages = pagination(page, service.count(session, actor=actor, **filters))
    rows = service.list_(
        session, actor=actor, limit=pages["limit"], offset=pages["offset"], **filters
    )
    context = {"cases": rows, "pages": pages, "q": q, "status": status, "statuses": CASE_STATUSES}
    return render(request, "cases/list.html", context, actor=actor)


@router.get("/cases/new")
def new_case(
    request: Request,
    origin_kind: str = Query("seller", max_length=20),
    origin_ref: str = Query("", max_length=220),
    actor: Actor = require(perms.CASES_OPEN),
) -> Response:
    """The form to open a case."""
    form = {"origin_kind": origin_kind, "origin_ref": origin_ref, "title": "", "summary": ""}
    return _new_page(request, actor, form, None)


def _new_page(
    request: Request, actor: Actor, form: dict[str, str], error: str | None, status: int = 200
) -> Response:
    context = {"form": form, "kinds": ORIGIN_KINDS, "error": error}
    return render(request, "cases/new.html", context, actor=actor, status_code=status)


@router.post("/cases")
def open_case(
    request: Request,
    form: FormData = Depends(verified_form),
    session: Session = SessionDep,
    actor: Actor = require(perms.CASES_OPEN),
) -> Response:
    """Open the case and go to it."""
    fields = {k: str(form.get(k) or "") for k in ("title", "origin_kind", "origin_ref", "summary")}
    try:
        case = service.open_case(session, actor=actor, **fields)
    except (InvalidInput, NotFound, Conflict) as exc:
        return _new_page(request, actor, fields, str(exc), 422)
    return RedirectResponse(f"/cases/{case.id}", status_code=303)


@router.get("/cases/{case_id}")
def case_file(
    request: Request,
    case_id: int,
    page: int = Query(1, ge=1, le=1_000_000),
    session: Session = SessionDep,
    actor: Actor = require(perms.CASES_READ),
) -> Response:
    """The case file: subjects, participants, evidence, tasks, notes and the timeline."""
    return _case_page(request, session, actor, case_id, page=page)


def _case_page(
    request: Request,
    session: Session,
    actor: Actor,
    case_id: int,
    *,
    page: int = 1,
    error: str | None = None,
    status: int = 200,
) -> Response:
    case = service.get_or_raise(session, actor=actor, case_id=case_id)
    entries = timeline.build(session, case=case)
    pages = pagination(page, len(entries), TIMELINE_PAGE)
    context: dict[str, Any] = {
        "case": case,
        "access": service.access_of(case, actor),
        "evidence": service.list_evidence(session, actor=actor, case_id=case.id),
        "tasks": service.list_tasks(session, actor=actor, case_id=case.id),
        "notes": service.list_notes(session, actor=actor, case_id=case.id),
        "entries": entries[pages["offset"] : pages["offset"] + pages["limit"]],
        "pages": pages,
        "org_names": service.organisation_names(
            session, [p.organisation_id for p in case.participants]
        ),
        "organisations": service.organisations(session),
        "subject_kinds": SUBJECT_KINDS,
        "evidence_kinds": EVIDENCE_KINDS,
        "outcome_kinds": OUTCOME_KINDS,
        "error": error,
        "today": date.today(),
    }
    return render(request, "cases/case.html", context, actor=actor, status_code=status)


def _after(request: Request, session: Session, actor: Actor, case_id: int, action: Any) -> Response:
    """Run a form's action; back to the case file, or the file again with the error shown."""
    try:
        action()
    except (InvalidInput, Conflict) as exc:
        session.rollback()
        return _case_page(request, session, actor, case_id, error=str(exc), status=422)
    return RedirectResponse(f"/cases/{case_id}", status_code=303)


def _text(form: FormData, name: str) -> str:
    value = form.get(name)
    return value if isinstance(value, str) else ""


@router.post("/cases/{case_id}/subjects")
def add_subject(
    request: Request,
    case_id: int,
    form: FormData = Depends(verified_form),
    session: Session = SessionDep,
    actor: Actor = require(perms.CASES_WORK),
) -> Response:
    """Bring a seller, listing, network, declaration, detention or lot into the case."""
    kind, ref = _text(form, "kind"), _text(form, "ref")

    def act() -> None:
        try:
            service.add_subject(session, actor=actor, case_id=case_id, kind=kind, ref=ref)
        except NotFound as exc:
            service.get_or_raise(session, actor=actor, case_id=case_id)
            raise InvalidInput(exc.detail, [FieldError("ref", "not found")]) from None

    return _after(request, session, actor, case_id, act)


@router.post("/cases/{case_id}/participants")
def add_participant(
    request: Request,
    case_id: int,
    form: FormData = Depends(verified_form),
    session: Session = SessionDep,
    actor: Actor = require(perms.CASES_OPEN),
) -> Response:
    """Bring another organisation into the case under an agreement."""
    org = _text(form, "organisation_id")
    return _after(
        request,
        session,
        actor,
        case_id,
        lambda: service.add_participant(
            session,
            actor=actor,
            case_id=case_id,
            organisation_id=int(org) if org.isdigit() else 0,
            access=_text(form, "access"),
            agreement=_text(form, "agreement"),
        ),
    )


@router.post("/cases/{case_id}/evidence")
def add_evidence(
    request: Request,
    case_id: int,
    form: FormData = Depends(verified_form),
    session: Session = SessionDep,
    actor: Actor = require(perms.CASES_WORK),
) -> Response:
    """Upload a piece of evidence (a file, or a written finding)."""
    upload = form.get("file")
    content, filename, media_type = _text(form, "text").encode(), None, "text/plain"
    if isinstance(upload, UploadFile) and upload.filename:
        content = upload.file.read(service.MAX_EVIDENCE_BYTES + 1)
        upload.file.close()
        filename, media_type = upload.filename, upload.content_type or "application/octet-stream"
    return _after(
        request,
        session,
        actor,
        case_id,
        lambda: service.add_evidence(
            session,
            actor=actor,
            case_id=case_id,
            kind=_text(form, "kind"),
            title=_text(form, "title"),
            content=content,
            description=_text(form, "description"),
            filename=filename,
            media_type=media_type,
            order_reference=_text(form, "order_reference") or None,
        ),
    )


@router.post("/cases/{case_id}/snapshots")
def snapshot(
    request: Request,
    case_id: int,
    form: FormData = Depends(verified_form),
    session: Session = SessionDep,
    actor: Actor = require(perms.CASES_WORK),
) -> Response:
    """Freeze one of the case's listings, detentions or lots as evidence."""
    kind, _, ref = _text(form, "subject").partition(":")

    def act() -> None:
        try:
            service.snapshot(session, actor=actor, case_id=case_id, kind=kind, ref=ref)
        except GuetteurError as exc:
            if isinstance(exc, InvalidInput | Conflict):
                raise
            service.get_or_raise(session, actor=actor, case_id=case_id)
            raise InvalidInput(exc.detail, [FieldError("subject", "cannot be frozen")]) from None

    return _after(request, session, actor, case_id, act)


@router.post("/cases/{case_id}/tasks")
def add_task(
    request: Request,
    case_id: int,
    form: FormData = Depends(verified_form),
    session: Session = SessionDep,
    actor: Actor = require(perms.CASES_WORK),
) -> Response:
    """Add a task with its owner and due date."""
    due = _text(form, "due_on")

    def act() -> None:
        try:
            due_on = date.fromisoformat(due) if due else None
        except ValueError:
            raise InvalidInput("bad date", [FieldError("due_on", "YYYY-MM-DD")]) from None
        service.add_task(
            session,
            actor=actor,
            case_id=case_id,
            title=_text(form, "title"),
            owner=_text(form, "owner"),
            due_on=due_on,
        )

    return _after(request, session, actor, case_id, act)


@router.post("/cases/{case_id}/tasks/{task_id}/done")
def task_done(
    request: Request,
    case_id: int,
    task_id: int,
    _form: FormData = Depends(verified_form),
    session: Session = SessionDep,
    actor: Actor = require(perms.CASES_WORK),
) -> Response:
    """Mark a task done."""
    return _after(
        request,
        session,
        actor,
        case_id,
        lambda: service.complete_task(session, actor=actor, case_id=case_id, task_id=task_id),
    )


@router.post("/cases/{case_id}/notes")
def add_note(
    request: Request,
    case_id: int,
    form: FormData = Depends(verified_form),
    session: Session = SessionDep,
    actor: Actor = require(perms.CASES_WORK),
) -> Response:
    """Add a note."""
    body = _text(form, "body")
    return _after(
        request,
        session,
        actor,
        case_id,
        lambda: service.add_note(session, actor=actor, case_id=case_id, body=body),
    )


@router.post("/cases/{case_id}/close")
def close(
    request: Request,
    case_id: int,
    form: FormData = Depends(verified_form),
    session: Session = SessionDep,
    actor: Actor = require(perms.CASES_OPEN),
) -> Response:
    """Close the case with its outcome."""
    outcome: dict[str, Any] = {"kinds": [str(k) for k in form.getlist("kinds")]}
    for key in ("accounts_closed", "funds_withheld", "currency", "referral_to", "conviction"):
        outcome[key] = _text(form, key)
    outcome["summary"] = _text(form, "summary")
    return _after(
        request,
        session,
        actor,
        case_id,
        lambda: service.close(session, actor=actor, case_id=case_id, outcome=outcome),
    )


@router.get("/cases/{case_id}/evidence/{evidence_id}")
def evidence_file(
    case_id: int,
    evidence_id: int,
    session: Session = SessionDep,
    actor: Actor = require(perms.CASES_READ),
) -> Response:
    """Download a piece of evidence as stored (its SHA-256 in a header)."""
    row = service.get_evidence(session, actor=actor, case_id=case_id, evidence_id=evidence_id)
    name = (row.filename or f"evidence-{row.id}.bin").replace('"', "")
    headers = {
        "Content-Disposition": f'attachment; filename="{name}"',
        "X-Content-SHA256": row.sha256,
    }
    return Response(row.content, media_type=row.media_type, headers=headers)


@router.get("/cases/{case_id}/dossier.pdf")
def dossier_pdf(
    case_id: int, session: Session = SessionDep, actor: Actor = require(perms.CASES_READ)
) -> Response:
    """The referral dossier as a PDF (the export is audited)."""
    content = dossier.build(session, actor=actor, case_id=case_id)
    case = service.get_or_raise(session, actor=actor, case_id=case_id)
    headers = {"Content-Disposition": f'attachment; filename="dossier-{case.reference}.pdf"'}
    return Response(content, media_type="application/pdf", headers=headers)
