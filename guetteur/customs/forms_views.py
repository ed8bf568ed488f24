"""HTML forms for customs officers: detain goods, take a detention through its steps, take the
goods into custody, and certify their destruction, all from the browser (CSRF-checked)."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from fastapi import APIRouter, Depends, Request
from sqlalchemy.orm import Session
from starlette.datastructures import FormData, UploadFile
from starlette.responses import RedirectResponse, Response

from guetteur.auth import permissions as perms
from guetteur.auth.actor import Actor
from guetteur.clock import utcnow
from guetteur.custody import service as custody
from guetteur.customs import detention as proc
from guetteur.customs import service
from guetteur.errors import Conflict, FieldError, InvalidInput
from guetteur.web.csrf import verified_form
from guetteur.web.deps import SessionDep, require
from guetteur.web.rendering import render

router = APIRouter(include_in_schema=False)

STEPS: dict[str, str] = {
    "notify": "Holder of the goods and right holder notified",
    "confirm": "Right holder confirmed the infringement",
    "holder_agrees": "Holder of the goods agreed to destruction",
    "holder_opposes": "Holder of the goods opposed",
    "extend": "Extend the period by 10 working days",
    "start_proceedings": "Right holder started proceedings",
    "judgment_infringing": "Court: infringement (destroy)",
    "judgment_clear": "Court: no infringement (release)",
    "destroy": "Goods destroyed",
    "release": "Release the goods",
}


def _text(form: FormData, name: str) -> str:
    value = form.get(name)
    return value.strip() if isinstance(value, str) else ""


def _day(form: FormData, name: str = "on") -> date:
    raw = _text(form, name)
    if not raw:
        return utcnow().date()
    try:
        return date.fromisoformat(raw)
    except ValueError:
        raise InvalidInput("bad date", [FieldError(name, "YYYY-MM-DD")]) from None


def _int(form: FormData, name: str) -> int:
    raw = _text(form, name)
    if not raw.isdigit():
        raise InvalidInput(f"{name} is a whole number", [FieldError(name, "a whole number")])
    return int(raw)


def _detention_page(
    request: Request, session: Session, actor: Actor, detention_id: int, error: str
) -> Response:
    row = proc.get_or_raise(session, actor=actor, detention_id=detention_id)
    context = {"d": row, "error": error, "steps": STEPS, "today": utcnow().date()}
    return render(request, "customs/detention.html", context, actor=actor, status_code=422)


@router.post("/customs/declarations/{declaration_id}/detain")
def detain(
    request: Request,
    declaration_id: str,
    form: FormData = Depends(verified_form),
    session: Session = SessionDep,
    actor: Actor = require(perms.CUSTOMS_ACT),
) -> Response:
    """Detain the goods of a declaration (under an application in force, or ex officio)."""
    screen = service.inspection_screen(session, actor=actor, declaration_id=declaration_id)
    declaration = screen.declaration
    try:
        row = proc.detain(
            session,
            actor=actor,
            office=declaration.office,
            on=_day(form),
            units=_int(form, "units"),
            brand_id=_text(form, "brand_id") or None,
            declaration_id=declaration.id,
            perishable=bool(form.get("perishable")),
            small_consignment=bool(form.get("small_consignment")),
            description=_text(form, "description") or declaration.description,
        )
    except (InvalidInput, Conflict) as exc:
        session.rollback()
        context = {"screen": screen, "error": str(exc)}
        return render(request, "customs/declaration.html", context, actor=actor, status_code=422)
    return RedirectResponse(f"/customs/detentions/{row.id}", status_code=303)


def _step_action(
    session: Session, actor: Actor, detention_id: int, form: FormData
) -> Callable[[], Any]:
    step = _text(form, "step")
    if step not in STEPS:
        raise InvalidInput("unknown step", [FieldError("step", ", ".join(STEPS))])
    on = _day(form)
    common: dict[str, Any] = {"actor": actor, "detention_id": detention_id, "on": on}
    simple = {
        "notify": proc.notify,
        "confirm": proc.confirm,
        "holder_agrees": proc.holder_agrees,
        "holder_opposes": proc.holder_opposes,
        "extend": proc.extend,
    }
    if step in simple:
        return lambda: simple[step](session, **common)
    if step == "start_proceedings":
        court = _text(form, "court")
        return lambda: proc.start_proceedings(session, court=court, **common)
    if step.startswith("judgment"):
        infringing = step == "judgment_infringing"
        return lambda: proc.judgment(session, infringing=infringing, **common)
    if step == "release":
        reason = _text(form, "reason") or "released by customs"
        return lambda: proc.release(session, reason=reason, **common)
    row = proc.get_or_raise(session, actor=actor, detention_id=detention_id)
    return lambda: proc.destroy(session, lot_id=row.lot_id, **common)


@router.post("/customs/detentions/{detention_id}/steps")
def step(
    request: Request,
    detention_id: int,
    form: FormData = Depends(verified_form),
    session: Session = SessionDep,
    actor: Actor = require(perms.CUSTOMS_ACT),
) -> Response:
    """Record the next step of a detention (notification, confirmation, destruction...)."""
    proc.get_or_raise(session, actor=actor, detention_id=detention_id)
    try:
        _step_action(session, actor, detention_id, form)()
    except (InvalidInput, Conflict) as exc:
        session.rollback()
        return _detention_page(request, session, actor, detention_id, str(exc))
    return RedirectResponse(f"/customs/detentions/{detention_id}", status_code=303)


@router.post("/customs/detentions/{detention_id}/custody")
def take_into_custody(
    request: Request,
    detention_id: int,
    form: FormData = Depends(verified_form),
    session: Session = SessionDep,
    actor: Actor = require(perms.CUSTOMS_ACT),
) -> Response:
    """Take the detained goods into custody: a lot with one line for the detained units."""
    row = proc.get_or_raise(session, actor=actor, detention_id=detention_id)
    try:
        if row.lot_id is not None:
            raise Conflict("the goods are already in custody")
        lot = custody.create_lot(
            session,
            actor=actor,
            office=row.office,
            storage_location=_text(form, "storage_location") or f"{row.office} bonded store",
            seized_on=_day(form),
            detention_id=row.id,
            lines=[
                custody.LineCreate(
                    brand_id=row.brand_id, description=row.description[:500], units=row.units
                )
            ],
        )
        row.lot_id = lot.id
        session.flush()
    except (InvalidInput, Conflict) as exc:
        session.rollback()
        return _detention_page(request, session, actor, detention_id, str(exc))
    return RedirectResponse(f"/custody/lots/{lot.id}", status_code=303)


def _certificate_sha(form: FormData) -> str:
    upload = form.get("document")
    if isinstance(upload, UploadFile) and upload.filename:
        digest = hashlib.sha256(upload.file.read(custody_max_bytes())).hexdigest()
        upload.file.close()
        return digest
    given = _text(form, "document_sha256").lower()
    if not given:
        raise InvalidInput(
            "attach the certificate", [FieldError("document", "the contractor's certificate")]
        )
    return given


def custody_max_bytes() -> int:
    """Largest certificate file read (10 MB)."""
    return 10 * 1024 * 1024


@router.post("/custody/lots/{lot_id}/destruction")
def certify_destruction(
    request: Request,
    lot_id: int,
    form: FormData = Depends(verified_form),
    session: Session = SessionDep,
    actor: Actor = require(perms.CUSTOMS_ACT),
) -> Response:
    """Hand every unit in store to the contractor and record its destruction certificate."""
    lot = custody.get_or_raise(session, actor=actor, lot_id=lot_id)
    try:
        on = _day(form)
        contractor = _text(form, "contractor")
        if not contractor:
            raise InvalidInput("name the contractor", [FieldError("contractor", "required")])
        stock = custody.reconcile(session, actor=actor, lot_id=lot.id).lines
        units = {k: int(v.get("in_store", 0)) for k, v in stock.items() if v.get("in_store")}
        custody.record(
            session,
            actor=actor,
            lot_id=lot.id,
            kind="handed_to_contractor",
            on=on,
            units=units,
            contractor=contractor,
        )
        certificate = custody.CertificateCreate(
            contractor=contractor,
            method=_text(form, "method") or "incineration",
            on=on,
            units=sum(units.values()),
            weight_kg=_weight(form),
            document_sha256=_certificate_sha(form),
        )
        recycled = certificate.method == "recycling"
        custody.certify_destruction(
            session,
            actor=actor,
            lot_id=lot.id,
            units=units,
            certificate=certificate,
            recycled=recycled,
        )
    except (InvalidInput, Conflict) as exc:
        session.rollback()
        row = custody.get_or_raise(session, actor=actor, lot_id=lot_id)
        rec = custody.reconcile(session, actor=actor, lot_id=lot_id)
        context = {"lot": row, "rec": rec, "error": str(exc), "today": utcnow().date()}
        return render(request, "customs/lot.html", context, actor=actor, status_code=422)
    return RedirectResponse(f"/custody/lots/{lot.id}", status_code=303)


def _weight(form: FormData) -> Decimal:
    try:
        return Decimal(_text(form, "weight_kg") or "0")
    except InvalidOperation:
        raise InvalidInput("bad weight", [FieldError("weight_kg", "a number")]) from None
