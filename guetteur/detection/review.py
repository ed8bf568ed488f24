"""The review queue: held listings, most urgent first, and the analyst's one-click verdict.

Priority is the expected value of counterfeit goods at stake if the listing went live:
`priority = score × price in EUR × quantity offered` (score: the calibrated probability of the
listing's latest decision; a currency without a rate counts at face value). Ties go to the oldest
listing. A verdict recorded here is a training label (`Verdict` source `review`, with the user
who decided) and settles the listing: counterfeit → blocked, genuine → live. It is audited.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from guetteur.actors import risk as actors_risk
from guetteur.actors.models import Network, NetworkMember
from guetteur.audit import service as audit
from guetteur.auth import permissions as perms
from guetteur.auth.actor import Actor
from guetteur.auth.tenancy import brand_scope
from guetteur.clock import as_utc, utcnow
from guetteur.detection.features import FeatureContext
from guetteur.detection.images import MATCH_DISTANCE, Reference
from guetteur.detection.models import DetectionDecision
from guetteur.detection.price import EUR_PER_UNIT
from guetteur.errors import Conflict, Forbidden, InvalidInput, NotFound
from guetteur.marketplace.models import VERDICTS, Listing, Notice, Seller, Verdict
from guetteur.registry.models import BrandImage

STATUS_OF_VERDICT = {"counterfeit": "blocked", "genuine": "live"}


@dataclass(frozen=True)
class QueueItem:
    """A held listing, its latest decision, and how urgent it is."""

    listing: Listing
    decision: DetectionDecision | None
    exposure_eur: float
    priority: float


@dataclass(frozen=True)
class ImagePair:
    """A listing's picture and the reference picture nearest to it (if near enough)."""

    listing_index: int
    reference: Reference | None
    brand_image_index: int | None
    distance: float | None
    exact: bool
    mirrored: bool


@dataclass(frozen=True)
class SellerHistory:
    """What the marketplace knows about the seller now: listings, verdicts, notices, network."""

    seller: Seller
    listings: int
    counterfeit: int
    genuine: int
    notices: int
    network_id: str | None
    network_size: int
    network_risk: dict[str, object] | None


@dataclass(frozen=True)
class ReviewItem:
    """Everything the analyst sees for one held listing."""

    item: QueueItem
    pairs: list[ImagePair]
    history: SellerHistory


def require_reviewer(actor: Actor) -> None:
    """Forbidden unless the actor works the marketplace's review queue."""
    if not actor.can(perms.LISTINGS_REVIEW) or brand_scope(actor) is not None:
        raise Forbidden("only the marketplace's analysts review held listings")


def _latest_decisions(session: Session, listing_ids: list[str]) -> dict[str, DetectionDecision]:
    if not listing_ids:
        return {}
    latest = (
        select(func.max(DetectionDecision.id))
        .where(DetectionDecision.listing_id.in_(listing_ids))
        .group_by(DetectionDecision.listing_id)
    )
    rows = session.scalars(select(DetectionDecision).where(DetectionDecision.id.in_(latest)))
    return {row.listing_id: row for row in rows}


def _item(listing: Listing, decision: DetectionDecision | None) -> QueueItem:
    rate = EUR_PER_UNIT.get((listing.currency or "").upper(), 1.0)
    exposure = float(listing.price) * rate * max(int(listing.quantity or 0), 1)
    score = decision.score if decision is not None else 0.5
    return QueueItem(listing, decision, round(exposure, 2), round(score * exposure, 2))


def count_queue(session: Session, *, actor: Actor) -> int:
    """How many listings wait for review."""
    require_reviewer(actor)
    query = select(func.count(Listing.id)).where(Listing.status == "held")
    return int(session.scalar(query) or 0)


def queue(session: Session, *, actor: Actor, limit: int = 50, offset: int = 0) -> list[QueueItem]:
    """Held listings by priority (score × price in EUR × quantity), highest first."""
    require_reviewer(actor)
    held = list(session.scalars(select(Listing).where(Listing.status == "held")))
    decisions = _latest_decisions(session, [x.id for x in held])
    items = [_item(x, decisions.get(x.id)) for x in held]
    items.sort(key=lambda i: (-i.priority, as_utc(i.listing.created_at), i.listing.id))
    return items[offset : offset + limit]


def _pair(index: int, sha: str | None, brand_id: str | None, ctx: FeatureContext) -> ImagePair:
    """The reference nearest to a picture: the picture itself, else the nearest of the listing's
    brand within the match distance, else the nearest of any brand."""
    refs = ctx.index
    if sha is not None and sha in refs.by_sha:
        return ImagePair(index, refs.by_sha[sha], None, 0.0, True, False)
    key = ctx.hasher.key(sha) if sha else None
    own = refs.brand_rows.get(brand_id or "")
    for rows in ([own] if own is not None else []) + [None]:
        found = refs.nearest_row(key, rows)
        if found is not None and found[1] <= MATCH_DISTANCE:
            row, distance, mirrored = found
            return ImagePair(index, refs.references[row], None, distance, False, mirrored)
    return ImagePair(index, None, None, None, False, False)


def image_pairs(session: Session, listing: Listing, ctx: FeatureContext) -> list[ImagePair]:
    """Each picture of the listing beside the brand's reference picture nearest to it."""
    pairs = []
    for index, ref in enumerate(listing.images or []):
        sha = ref.get("sha256") if isinstance(ref, dict) else None
        pairs.append(_pair(index, sha, listing.brand_id, ctx))
    return [_with_brand_index(session, p, ctx) for p in pairs]


def _with_brand_index(session: Session, pair: ImagePair, ctx: FeatureContext) -> ImagePair:
    if pair.reference is None or pair.reference.product_id is not None:
        return pair
    shas = list(
        session.scalars(
            select(BrandImage.sha256)
            .where(BrandImage.brand_id == pair.reference.brand_id)
            .order_by(BrandImage.id)
        )
    )
    index = shas.index(pair.reference.sha256) if pair.reference.sha256 in shas else None
    return ImagePair(
        pair.listing_index, pair.reference, index, pair.distance, pair.exact, pair.mirrored
    )


def seller_history(session: Session, *, seller_id: str, now: datetime) -> SellerHistory:
    """The seller's listings, verdicts (latest per listing), notices and network, as of now."""
    seller = session.get(Seller, seller_id)
    if seller is None:
        raise NotFound(f"seller {seller_id!r} not found")
    listings = select(Listing.id).where(Listing.seller_id == seller_id)
    verdicts = session.execute(
        select(Verdict.listing_id, Verdict.verdict)
        .where(Verdict.listing_id.in_(listings))
        .order_by(Verdict.decided_at, Verdict.id)
    )
    latest = {listing: verdict for listing, verdict in verdicts}
    notices = session.scalar(select(func.count(Notice.id)).where(Notice.listing_id.in_(listings)))
    member = session.get(NetworkMember, seller_id)
    network = session.get(Network, member.network_id) if member else None
    risk = actors_risk.network_risk(session, member_id=seller_id, as_of=now) if member else None
    return SellerHistory(
        seller=seller,
        listings=int(session.scalar(select(func.count()).select_from(listings.subquery())) or 0),
        counterfeit=sum(v == "counterfeit" for v in latest.values()),
        genuine=sum(v == "genuine" for v in latest.values()),
        notices=int(notices or 0),
        network_id=network.id if network else None,
        network_size=network.size if network else 0,
        network_risk=risk.as_dict() if risk else None,
    )


def detail(
    session: Session,
    *,
    actor: Actor,
    listing_id: str,
    context: FeatureContext,
    now: datetime | None = None,
) -> ReviewItem:
    """A listing for review: reasons, matching reference pictures, the seller's history."""
    require_reviewer(actor)
    listing = session.get(Listing, listing_id)
    if listing is None:
        raise NotFound(f"listing {listing_id!r} not found")
    decision = _latest_decisions(session, [listing_id]).get(listing_id)
    history = seller_history(session, seller_id=listing.seller_id, now=as_utc(now or utcnow()))
    return ReviewItem(_item(listing, decision), image_pairs(session, listing, context), history)


def record_verdict(
    session: Session,
    *,
    actor: Actor,
    listing_id: str,
    verdict: str,
    now: datetime | None = None,
) -> Verdict:
    """The analyst's verdict on a held listing: a training label; the listing is settled."""
    require_reviewer(actor)
    if verdict not in VERDICTS:
        raise InvalidInput("unknown verdict", [])
    listing = session.get(Listing, listing_id)
    if listing is None:
        raise NotFound(f"listing {listing_id!r} not found")
    if listing.status != "held":
        raise Conflict(f"listing {listing_id!r} is {listing.status}, not held for review")
    row = Verdict(
        listing_id=listing_id, verdict=verdict, source="review",
        decided_at=as_utc(now or utcnow()), decided_by_user_id=actor.user_id,
    )  # fmt: skip
    session.add(row)
    listing.status = STATUS_OF_VERDICT[verdict]
    session.flush()
    audit.record(
        session, actor=actor, action="detection.review.verdict", object_type="listing",
        object_id=listing_id, detail={"verdict": verdict, "status": listing.status},
    )  # fmt: skip
    return row


def as_json(found: ReviewItem) -> dict[str, Any]:
    """A review item as the JSON route returns it."""
    item, history = found.item, found.history
    decision = item.decision
    return {
        "listing_id": item.listing.id,
        "title": item.listing.title,
        "status": item.listing.status,
        "priority": item.priority,
        "exposure_eur": item.exposure_eur,
        "decision": None if decision is None else {
            "score": decision.score, "decision": decision.decision,
            "reasons": list(decision.reasons), "model_version": decision.model_version,
            "decided_at": decision.decided_at.isoformat(),
        },
        "images": [
            {
                "listing_index": p.listing_index,
                "reference_brand_id": p.reference.brand_id if p.reference else None,
                "reference_product_id": p.reference.product_id if p.reference else None,
                "brand_image_index": p.brand_image_index,
                "distance": p.distance, "exact": p.exact, "mirrored": p.mirrored,
            }
            for p in found.pairs
        ],
        "seller": {
            "id": history.seller.id, "display_name": history.seller.display_name,
            "listings": history.listings, "counterfeit": history.counterfeit,
            "genuine": history.genuine, "notices": history.notices,
            "network_id": history.network_id, "network_size": history.network_size,
            "network_risk": history.network_risk,
        },
    }  # fmt: skip
