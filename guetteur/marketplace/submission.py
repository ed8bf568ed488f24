"""Listing submission: a listing is stored, scored and decided before it can go live.

`submit` stores the listing (held until decided) and its pictures, scores it with the detector
(`detection.online.OnlineScorer`: the current model, or the rules alone with a reason saying
so), and sets its status from the decision: allow → live, hold → held (the review queue),
block → blocked. `edit` applies an edit and scores the listing again, as of the edit. Every
decision is stored with its score, reasons and model version, and audited. `open_account`
creates a seller account and links it into the actor networks at once when a linking run exists,
so its first listing is scored with its network known.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from guetteur.actors import service as actors
from guetteur.audit import service as audit
from guetteur.auth import permissions as perms
from guetteur.auth.actor import Actor
from guetteur.auth.tenancy import brand_scope
from guetteur.clock import as_utc, utcnow
from guetteur.config import Settings
from guetteur.detection import network as detection_network
from guetteur.detection import service as detection
from guetteur.detection.models import DetectionDecision
from guetteur.detection.online import OnlineScorer
from guetteur.detection.scoring import RULES_ONLY
from guetteur.errors import Conflict, FieldError, Forbidden, GuetteurError, InvalidInput, NotFound
from guetteur.interchange.media import ImageRef, store_bytes
from guetteur.marketplace.ingest import resolve_brand
from guetteur.marketplace.models import Listing, Seller, Verdict
from guetteur.marketplace.submission_schemas import ListingCreate, ListingUpdate, SellerCreate
from guetteur.registry import ingest as registry

STATUS_OF_DECISION = {"allow": "live", "hold": "held", "block": "blocked"}
RULES_ONLY_REASON = {
    "code": "RULES_ONLY",
    "weight": 0.0,
    "detail": "no trained model yet: decided by the rules alone",
}
EDITABLE = ("title", "description", "category", "price", "currency", "ships_from", "quantity")


@dataclass(frozen=True)
class Upload:
    """One picture as received: where it came from (file name or field) and its bytes."""

    field: str
    source: str
    data: bytes


@dataclass(frozen=True)
class Submitted:
    """A listing after its decision, and the stored decision."""

    listing: Listing
    decision: DetectionDecision


def _require_submitter(actor: Actor) -> None:
    if not actor.can(perms.LISTINGS_SUBMIT) or brand_scope(actor) is not None:
        raise Forbidden("only the marketplace submits listings and opens seller accounts")


def store_images(settings: Settings, uploads: Sequence[Upload]) -> list[dict[str, Any]]:
    """Store every picture, or refuse them all with the field of each one that is bad."""
    refs: list[ImageRef] = [store_bytes(settings, u.data, source=u.source) for u in uploads]
    errors = [
        FieldError(u.field, ref.problem or "") for u, ref in zip(uploads, refs, strict=True)
        if ref.problem
    ]  # fmt: skip
    if errors:
        raise InvalidInput("an image was refused", errors)
    return [ref.as_json() for ref in refs]


def _seller(session: Session, seller_id: str) -> Seller:
    seller = session.get(Seller, seller_id)
    if seller is None:
        raise InvalidInput(
            "unknown seller", [FieldError("seller_id", f"no seller account {seller_id!r}")]
        )
    if seller.status != "active":
        raise Conflict(f"seller {seller_id!r} is {seller.status}: it cannot list")
    return seller


def submit(
    session: Session,
    *,
    actor: Actor,
    data: ListingCreate,
    uploads: Sequence[Upload],
    settings: Settings,
    scorer: OnlineScorer,
    now: datetime | None = None,
) -> Submitted:
    """Store a new listing, score it and decide before it can go live."""
    _require_submitter(actor)
    now = as_utc(now or utcnow())
    _seller(session, data.seller_id)
    if session.get(Listing, data.id) is not None:
        raise Conflict(f"listing {data.id!r} exists already: edit it with PUT")
    listing = Listing(
        id=data.id, seller_id=data.seller_id, created_at=as_utc(data.created_at or now),
        title=data.title, description=data.description, brand_claim=data.brand or None,
        brand_id=resolve_brand(data.brand, registry.brand_claim_index(session)),
        category=data.category, price=Decimal(str(data.price)), currency=data.currency,
        images=store_images(settings, uploads), ships_from=data.ships_from,
        quantity=data.quantity, gtin=data.gtin, status="held",
    )  # fmt: skip
    session.add(listing)
    session.flush()
    audit.record(
        session, actor=actor, action="marketplace.listing.submitted", object_type="listing",
        object_id=listing.id, detail={"seller_id": listing.seller_id, "brand_id": listing.brand_id},
    )  # fmt: skip
    return _decide(session, actor=actor, listing=listing, scorer=scorer, now=now, as_of=None)


def edit(
    session: Session,
    *,
    actor: Actor,
    listing_id: str,
    data: ListingUpdate,
    uploads: Sequence[Upload] | None,
    settings: Settings,
    scorer: OnlineScorer,
    now: datetime | None = None,
) -> Submitted:
    """Apply an edit to a listing and score it again, as of the edit."""
    _require_submitter(actor)
    now = as_utc(now or utcnow())
    listing = session.get(Listing, listing_id)
    if listing is None:
        raise NotFound(f"listing {listing_id!r} not found")
    _require_editable(session, listing)
    changed = _apply(session, listing, data)
    if uploads is not None:
        listing.images = store_images(settings, uploads)
        changed.append("images")
    floor = listing.status
    listing.status = "held"
    session.flush()
    audit.record(
        session, actor=actor, action="marketplace.listing.edited", object_type="listing",
        object_id=listing.id, detail={"fields": changed},
    )  # fmt: skip
    return _decide(
        session, actor=actor, listing=listing, scorer=scorer, now=now, as_of=now, floor=floor
    )


def _require_editable(session: Session, listing: Listing) -> None:
    if listing.status == "removed":
        raise Conflict(f"listing {listing.id!r} was removed: it cannot be edited")
    latest = session.scalars(
        select(Verdict.verdict)
        .where(Verdict.listing_id == listing.id)
        .order_by(Verdict.decided_at.desc(), Verdict.id.desc())
        .limit(1)
    ).first()
    if latest == "counterfeit":
        raise Conflict(f"listing {listing.id!r} was confirmed counterfeit: it cannot be edited")


def _apply(session: Session, listing: Listing, data: ListingUpdate) -> list[str]:
    given = data.model_fields_set
    changed = []
    for name in EDITABLE:
        if name in given and getattr(data, name) is not None:
            value = getattr(data, name)
            setattr(listing, name, Decimal(str(value)) if name == "price" else value)
            changed.append(name)
    if "gtin" in given:
        listing.gtin = data.gtin
        changed.append("gtin")
    if "brand" in given:
        listing.brand_claim = data.brand or None
        listing.brand_id = resolve_brand(data.brand, registry.brand_claim_index(session))
        changed.append("brand")
    return changed


def _decide(
    session: Session,
    *,
    actor: Actor,
    listing: Listing,
    scorer: OnlineScorer,
    now: datetime,
    as_of: datetime | None,
    floor: str = "live",
) -> Submitted:
    """Score and decide; an edit never lowers a held or blocked listing (only a review does)."""
    provider = detection_network.provider_for(session, seller_ids=[listing.seller_id])
    decision = scorer.score(session, listing_id=listing.id, network=provider, as_of=as_of)
    reasons = list(decision.reasons)
    if listing.brand_claim and listing.brand_id is None:
        reasons.append(_unknown_brand(listing.brand_claim))
    if decision.model_version == RULES_ONLY:
        reasons.append(dict(RULES_ONLY_REASON))
    decision = detection.Decision(
        listing.id, decision.score, decision.decision, reasons, decision.model_version
    )
    row = detection.record_decision(session, actor=actor, decision=decision, at=now)
    listing.status = _stricter(STATUS_OF_DECISION[decision.decision], floor)
    session.flush()
    return Submitted(listing, row)


def _stricter(status: str, floor: str) -> str:
    """The stricter of two statuses: live < held < blocked."""
    order = ("live", "held", "blocked")
    rank = {name: i for i, name in enumerate(order)}
    return max((status, floor if floor in rank else "live"), key=lambda name: rank[name])


def _unknown_brand(claim: str) -> dict[str, Any]:
    return {
        "code": "BRAND_NOT_IN_REGISTRY",
        "weight": 0.0,
        "detail": f"the claimed brand {claim[:100]!r} is not a brand or alias of the registry",
    }


@dataclass(frozen=True)
class Opened:
    """A new seller account and where incremental linking placed it."""

    seller: Seller
    linked: bool
    network_id: str | None
    note: str


def open_account(
    session: Session,
    *,
    actor: Actor,
    data: SellerCreate,
    models_dir: Any,
    now: datetime | None = None,
) -> Opened:
    """Create a seller account, and link it into the networks when a linking run exists."""
    _require_submitter(actor)
    if session.get(Seller, data.id) is not None:
        raise Conflict(f"seller {data.id!r} exists already")
    fields = data.model_dump(exclude={"created_at", "address"})
    seller = Seller(
        **fields,
        address=data.address.model_dump() if data.address else None,
        created_at=as_utc(data.created_at or now or utcnow()),
    )
    session.add(seller)
    session.flush()
    audit.record(
        session, actor=actor, action="marketplace.seller.opened", object_type="seller",
        object_id=seller.id, detail={"country": seller.country},
    )  # fmt: skip
    if actors.latest_run(session) is None:
        return Opened(seller, False, None, "no linking run yet: the account is not linked")
    try:
        found = actors.link_new(session, actor=actor, seller_id=seller.id, models_dir=models_dir)
    except GuetteurError as exc:  # e.g. the linkage model of the last run is missing
        return Opened(seller, False, None, f"not linked: {exc.detail}")
    where = f"network {found.network_id}" if found.network_id else "no network"
    return Opened(seller, True, found.network_id, f"linked incrementally: {where}")
