from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from guetteur.detection import service
from guetteur.marketplace.models import Listing, Notice, Verdict
from tests.detection.conftest import World


def _busy_seller_listing(world: World) -> tuple[str, str, str]:
    """A listing in the middle of a seller's history: (listing, earlier sibling, seller)."""
    with world.sessions() as session:
        seller_id = session.scalar(
            select(Listing.seller_id)
            .where(Listing.brand_id.is_not(None))
            .group_by(Listing.seller_id)
            .order_by(func.count().desc(), Listing.seller_id)
            .limit(1)
        )
        ids = session.scalars(
            select(Listing.id).where(Listing.seller_id == seller_id).order_by(Listing.created_at)
        ).all()
    assert seller_id is not None and len(ids) >= 3
    return ids[len(ids) // 2], ids[0], seller_id


def _score(world: World, session: object, listing_id: str) -> service.Decision:
    return service.score_listing(
        session,  # type: ignore[arg-type]
        listing_id=listing_id,
        models_dir=world.settings.models_dir,
        media_dir=world.settings.media_dir,
    )


def test_future_verdicts_and_notices_do_not_change_a_past_score(trained: World) -> None:
    listing_id, sibling_id, _ = _busy_seller_listing(trained)
    with trained.sessions() as session:
        listing = session.get(Listing, listing_id)
        sibling = session.get(Listing, sibling_id)
        assert listing is not None and sibling is not None
        before = _score(trained, session, listing_id)
        later = listing.created_at + timedelta(seconds=1)
        for n, target in enumerate((sibling, listing)):
            session.add(Verdict(listing_id=target.id, verdict="counterfeit", source="seizure",
                                decided_at=later + timedelta(minutes=n)))  # fmt: skip
            session.add(Notice(id=f"future-{n}", brand_id=listing.brand_id or sibling.brand_id,
                               listing_id=target.id, reason="counterfeit",
                               submitted_at=later + timedelta(minutes=n)))  # fmt: skip
        session.flush()
        after = _score(trained, session, listing_id)
        assert after == before
        registry = service.context_for(
            session, models_dir=trained.settings.models_dir, media_dir=trained.settings.media_dir
        )
        reused = service.score_listing(
            session, listing_id=listing_id, models_dir=trained.settings.models_dir,
            media_dir=trained.settings.media_dir, registry=registry,
        )  # fmt: skip
        assert reused == before
        session.rollback()


def test_past_verdicts_do_count(trained: World) -> None:
    listing_id, sibling_id, _ = _busy_seller_listing(trained)
    with trained.sessions() as session:
        listing = session.get(Listing, listing_id)
        assert listing is not None
        ctx = service.context_for(
            session, models_dir=trained.settings.models_dir,
            media_dir=trained.settings.media_dir, seller_ids=[listing.seller_id],
        )  # fmt: skip
        earlier = listing.created_at - timedelta(seconds=1)
        record = ctx.history.seller_record(
            listing.seller_id, as_of=listing.created_at, ships_from="XX", brand_id=None
        )
        session.add(Verdict(listing_id=sibling_id, verdict="counterfeit", source="seizure",
                            decided_at=earlier))  # fmt: skip
        session.flush()
        ctx = service.context_for(
            session, models_dir=trained.settings.models_dir,
            media_dir=trained.settings.media_dir, seller_ids=[listing.seller_id],
        )  # fmt: skip
        again = ctx.history.seller_record(
            listing.seller_id, as_of=listing.created_at, ships_from="XX", brand_id=None
        )
        assert again.prior_counterfeit >= record.prior_counterfeit
        assert (again.prior_counterfeit, again.prior_genuine) != (
            record.prior_counterfeit, record.prior_genuine,
        ) or record.prior_counterfeit > 0  # fmt: skip
        session.rollback()
