"""JSON routes of listing submission: `POST /api/listings`, `PUT /api/listings/{id}`, and
`POST /api/sellers`.

A listing comes as JSON (pictures inline in base64, `images: [{filename, data}]`) or as
`multipart/form-data` (the listing's JSON in the `listing` field, pictures as `images` files).
Every picture is size-checked and opened defensively; anything wrong is a 422 naming the field.
"""

from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass
from typing import Any, TypeVar

from fastapi import APIRouter, Depends, Request
from pydantic import BaseModel, ValidationError
from sqlalchemy.orm import Session
from starlette.datastructures import UploadFile

from guetteur.auth import permissions as perms
from guetteur.auth.actor import Actor
from guetteur.config import Settings
from guetteur.detection.online import OnlineScorer
from guetteur.errors import FieldError, InvalidInput
from guetteur.marketplace import submission
from guetteur.marketplace.schemas import ListingRead, SellerRead
from guetteur.marketplace.submission_schemas import (
    MAX_IMAGES,
    DecisionRead,
    ImageData,
    ListingCreate,
    ListingUpdate,
    SellerCreate,
    SellerCreated,
    SubmissionRead,
)
from guetteur.web.deps import SessionDep, get_scorer, get_settings, require

router = APIRouter(prefix="/api", tags=["marketplace"])
Shape = TypeVar("Shape", bound=BaseModel)
MULTIPART = "multipart/form-data"


@dataclass(frozen=True)
class Payload:
    """A parsed request: the listing's fields and its pictures (None: pictures not given)."""

    data: Any
    uploads: list[submission.Upload] | None


def _validate(shape: type[Shape], raw: str | bytes, prefix: str = "") -> Shape:
    try:
        return shape.model_validate_json(raw)
    except ValidationError as exc:
        errors = [
            FieldError(prefix + ".".join(str(p) for p in e["loc"]) or "body", e["msg"])
            for e in exc.errors()
        ]
        raise InvalidInput("the listing is not valid", errors) from None


def _decoded(images: list[ImageData]) -> list[submission.Upload]:
    uploads, errors = [], []
    for i, image in enumerate(images):
        try:
            data = base64.b64decode(image.data, validate=True)
        except (binascii.Error, ValueError):
            errors.append(FieldError(f"images.{i}.data", "not valid base64"))
            continue
        uploads.append(submission.Upload(f"images.{i}", image.filename, data))
    if errors:
        raise InvalidInput("an image was refused", errors)
    return uploads


async def _multipart(request: Request, shape: type[Shape], limit: int) -> tuple[Shape, list[Any]]:
    async with request.form(max_files=MAX_IMAGES, max_fields=MAX_IMAGES + 5) as form:
        raw = form.get("listing")
        if not isinstance(raw, str):
            raise InvalidInput(
                "the listing is missing",
                [FieldError("listing", "expected the listing as JSON text")],
            )
        data = _validate(shape, raw, prefix="listing.")
        uploads = []
        for i, item in enumerate(form.getlist("images")):
            if not isinstance(item, UploadFile):
                raise InvalidInput(
                    "an image was refused", [FieldError(f"images.{i}", "not a file")]
                )
            content = await item.read(limit + 1)
            name = item.filename or f"image-{i}"
            uploads.append(submission.Upload(f"images.{i}", name, content))
    return data, uploads


async def _payload(request: Request, shape: type[Shape]) -> Payload:
    settings: Settings = request.app.state.settings
    if request.headers.get("content-type", "").startswith(MULTIPART):
        data, uploads = await _multipart(request, shape, settings.max_image_bytes)
        images = getattr(data, "images", None)
        given = uploads or (None if images is None else _decoded(images))
        return Payload(data, given)
    data = _validate(shape, await request.body())
    images = getattr(data, "images", None)
    return Payload(data, None if images is None else _decoded(images))


async def create_payload(request: Request) -> Payload:
    """A new listing from the request body (JSON or multipart)."""
    return await _payload(request, ListingCreate)


async def update_payload(request: Request) -> Payload:
    """An edit from the request body (JSON or multipart)."""
    return await _payload(request, ListingUpdate)


def _read(done: submission.Submitted) -> SubmissionRead:
    row = done.decision
    return SubmissionRead(
        listing=ListingRead.of(done.listing),
        status=done.listing.status,
        decision=DecisionRead(
            score=row.score, decision=row.decision, reasons=list(row.reasons),
            model_version=row.model_version, decided_at=row.decided_at,
        ),
    )  # fmt: skip


@router.post("/listings", response_model=SubmissionRead, status_code=201)
def submit_listing(
    session: Session = SessionDep,
    actor: Actor = require(perms.LISTINGS_SUBMIT),
    payload: Payload = Depends(create_payload),
    settings: Settings = Depends(get_settings),
    scorer: OnlineScorer = Depends(get_scorer),
) -> SubmissionRead:
    """Submit a listing: stored, scored and decided (live, held or blocked) before it goes live."""
    done = submission.submit(
        session, actor=actor, data=payload.data, uploads=payload.uploads or [],
        settings=settings, scorer=scorer,
    )  # fmt: skip
    return _read(done)


@router.put("/listings/{listing_id}", response_model=SubmissionRead)
def edit_listing(
    listing_id: str,
    session: Session = SessionDep,
    actor: Actor = require(perms.LISTINGS_SUBMIT),
    payload: Payload = Depends(update_payload),
    settings: Settings = Depends(get_settings),
    scorer: OnlineScorer = Depends(get_scorer),
) -> SubmissionRead:
    """Edit a listing; it is scored again and its status follows the new decision."""
    done = submission.edit(
        session, actor=actor, listing_id=listing_id, data=payload.data,
        uploads=payload.uploads, settings=settings, scorer=scorer,
    )  # fmt: skip
    return _read(done)


@router.post("/sellers", response_model=SellerCreated, status_code=201)
def open_seller_account(
    body: SellerCreate,
    session: Session = SessionDep,
    actor: Actor = require(perms.LISTINGS_SUBMIT),
    settings: Settings = Depends(get_settings),
) -> SellerCreated:
    """Open a seller account; linked into the networks at once when a linking run exists."""
    opened = submission.open_account(
        session, actor=actor, data=body, models_dir=settings.models_dir
    )
    return SellerCreated(
        seller=SellerRead.model_validate(opened.seller),
        linked=opened.linked,
        network_id=opened.network_id,
        note=opened.note,
    )
