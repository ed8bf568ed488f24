"""Online scoring: the current model and the registry loaded once per process, reused per request.

`OnlineScorer` keeps the promoted detector and the registry's feature context (catalogue, brand
names, reference-picture hashes) in memory. Each call asks the store which model is current (one
indexed query) and reloads only when a new one was promoted; the registry context is reloaded
with the model, or when it is older than `registry_ttl` seconds (so a new brand or picture is
seen within that delay). The seller's own facts are always read afresh by `score_listing`.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from guetteur.detection import service
from guetteur.detection.features import FeatureContext
from guetteur.detection.model import DetectorModel
from guetteur.detection.models import DetectionModel
from guetteur.detection.seller import NetworkRiskProvider

REGISTRY_TTL_SECONDS = 300.0
_NONE = "none"


def current_version(session: Session) -> str | None:
    """The version of the promoted detector, or None when none has been promoted yet."""
    query = (
        select(DetectionModel.version)
        .where(DetectionModel.status == "current")
        .order_by(DetectionModel.promoted_at.desc())
        .limit(1)
    )
    return session.scalars(query).first()


class OnlineScorer:
    """The current model and registry context of one process, refreshed when they change."""

    def __init__(
        self,
        *,
        models_dir: Path,
        media_dir: Path,
        registry_ttl: float = REGISTRY_TTL_SECONDS,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.models_dir = models_dir
        self.media_dir = media_dir
        self.registry_ttl = registry_ttl
        self.clock = clock
        self._lock = threading.Lock()
        self._version: str | None = None
        self._model: DetectorModel | None = None
        self._context: FeatureContext | None = None
        self._loaded_at = -float("inf")
        self.loads = 0

    def refresh(self, session: Session) -> tuple[DetectorModel | None, FeatureContext]:
        """The model and registry context to score with, reloaded if a new model is current."""
        version = current_version(session) or _NONE
        stale = self.clock() - self._loaded_at > self.registry_ttl
        if version == self._version and self._context is not None and not stale:
            return self._model, self._context
        with self._lock:
            if version != self._version or self._context is None or stale:
                self._load(session, version)
            assert self._context is not None
            return self._model, self._context

    def _load(self, session: Session, version: str) -> None:
        model = self._model
        if version != self._version:
            model = service.current_model(session, models_dir=self.models_dir)
        context = service.context_for(
            session, models_dir=self.models_dir, media_dir=self.media_dir, seller_ids=[]
        )
        context.hasher.save()
        context.hasher.cache_file = None  # per-request pictures stay in memory, not rewritten
        self._model, self._context, self._version = model, context, version
        self._loaded_at = self.clock()
        self.loads += 1

    def invalidate(self) -> None:
        """Forget what was loaded (the next call reloads)."""
        with self._lock:
            self._version, self._model, self._context = None, None, None

    def score(
        self,
        session: Session,
        *,
        listing_id: str,
        network: NetworkRiskProvider | None = None,
        as_of: datetime | None = None,
    ) -> service.Decision:
        """Score one stored listing with the current model (rules alone when there is none)."""
        model, context = self.refresh(session)
        return service.score_listing(
            session, listing_id=listing_id, models_dir=self.models_dir, media_dir=self.media_dir,
            model=model, network=network, registry=context, as_of=as_of,
        )  # fmt: skip
