"""Online scoring: the current model is loaded once per process and reloaded when it changes."""

from __future__ import annotations

from sqlalchemy import select

from guetteur.detection.history import load_listings
from guetteur.detection.models import DetectionModel
from guetteur.detection.online import OnlineScorer
from guetteur.detection.scoring import RULES_ONLY
from guetteur.detection.service import score_listing
from tests.detection.conftest import World


def test_the_model_is_cached_and_refreshed_when_the_current_one_changes(trained: World) -> None:
    settings = trained.settings
    scorer = OnlineScorer(models_dir=settings.models_dir, media_dir=settings.media_dir)
    with trained.sessions() as session:
        model, _context = scorer.refresh(session)
        assert model is not None and scorer.loads == 1
        listing = load_listings(session)[-1]
        online = scorer.score(session, listing_id=listing.id)
        assert scorer.loads == 1 and online.model_version == model.version
        batch = score_listing(
            session, listing_id=listing.id, models_dir=settings.models_dir,
            media_dir=settings.media_dir,
        )  # fmt: skip
        assert (online.score, online.decision, online.reasons) == (
            batch.score,
            batch.decision,
            batch.reasons,
        )
        current = session.scalars(select(DetectionModel).where(DetectionModel.status == "current"))
        for row in current:
            row.status = "retired"
        session.flush()
        assert scorer.score(session, listing_id=listing.id).model_version == RULES_ONLY
        assert scorer.loads == 2
        session.rollback()
