"""Detection services: train and promote models, load the current one, score listings.

`train` writes a versioned artefact under `models_dir/detection/<version>/` with its
`metrics.json`, records it in the model registry, and promotes it only if its PR-AUC on the
evaluation window is not worse than the current model's on the same window.
`score_listing` scores one stored listing for online use, point-in-time correct.
"""

from __future__ import annotations

import copy
import dataclasses
import json
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from guetteur.audit import service as audit
from guetteur.auth.actor import Actor
from guetteur.clock import as_utc, utcnow
from guetteur.detection import training
from guetteur.detection.features import FeatureContext, build_batch, load_context
from guetteur.detection.history import load_history, load_listings, load_sellers
from guetteur.detection.model import Costs, DetectorModel
from guetteur.detection.models import DetectionDecision, DetectionModel
from guetteur.detection.scoring import score_batch
from guetteur.detection.seller import NetworkRiskProvider
from guetteur.errors import NotFound

PR_AUC_TOLERANCE = 1e-9


@dataclass(frozen=True)
class TrainResult:
    """What `train` produced: the new version, its figures, and whether it is now in use."""

    version: str
    path: Path
    metrics: dict[str, Any]
    promoted: bool
    previous_version: str | None


@dataclass(frozen=True)
class Decision:
    """A scored listing: calibrated score, allow/hold/block, reasons, model version."""

    listing_id: str
    score: float
    decision: str
    reasons: list[dict[str, Any]]
    model_version: str


def artefact_dir(models_dir: Path, version: str) -> Path:
    """Where the artefact of a model version lives."""
    return models_dir / "detection" / version


def current_model(session: Session, *, models_dir: Path) -> DetectorModel | None:
    """The promoted detector, or None when none has been promoted yet."""
    row = session.scalars(
        select(DetectionModel)
        .where(DetectionModel.status == "current")
        .order_by(DetectionModel.promoted_at.desc())
    ).first()
    if row is None:
        return None
    return DetectorModel.load(artefact_dir(models_dir, row.version))


def _compare(
    current: DetectorModel | None, data: training.Dataset, costs: Costs, new: dict[str, Any]
) -> tuple[bool, dict[str, Any] | None]:
    """Whether the new model is not worse than the current one on the same window: by PR-AUC
    (ranking quality, independent of thresholds), by expected cost when PR-AUC is undefined."""
    if current is None:
        return True, None
    figures = training.evaluate(current, data, costs)
    if new["pr_auc"] is not None and figures["pr_auc"] is not None:
        return new["pr_auc"] >= figures["pr_auc"] - PR_AUC_TOLERANCE, figures
    return new["expected_cost"] <= figures["expected_cost"], figures


def train(
    session: Session,
    *,
    actor: Actor,
    models_dir: Path,
    media_dir: Path,
    cutoff: datetime | None = None,
    costs: Costs | None = None,
    network: NetworkRiskProvider | None = None,
    with_ablation: bool = True,
    now: datetime | None = None,
) -> TrainResult:
    """Train on verdicts before `cutoff`, evaluate after it, save, and promote if not worse."""
    now = as_utc(now or utcnow())
    cutoff = as_utc(cutoff or now)
    costs = costs or Costs()
    ctx = load_context(session, media_dir=media_dir, cache_file=_cache(models_dir), network=network)
    data = training.build_dataset(session, ctx, cutoff=cutoff)
    version = training.new_version(cutoff, now)
    model = training.fit_detector(data, version=version, costs=costs)
    figures = training.evaluate(model, data, costs)
    current = current_model(session, models_dir=models_dir)
    promoted, previous = _compare(current, data, costs, figures)
    model.info = {**data.info, "trained_at": now.isoformat(), "calibration": model.calibration.kind}
    report = {
        "version": version,
        **data.info,
        "thresholds": {"hold": model.thresholds.hold, "block": model.thresholds.block},
        "costs": costs.__dict__,
        "evaluation": figures,
        "ablation": training.ablation(data, costs) if with_ablation else None,
        "current_model": {"version": current.version, "evaluation": previous} if current else None,
        "promoted": promoted,
    }
    folder = artefact_dir(models_dir, version)
    model.save(folder)
    (folder / "metrics.json").write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    _register(session, actor=actor, version=version, cutoff=cutoff, folder=folder,
              report=report, promoted=promoted, now=now)  # fmt: skip
    return TrainResult(version, folder, report, promoted, current.version if current else None)


def _register(
    session: Session,
    *,
    actor: Actor,
    version: str,
    cutoff: datetime,
    folder: Path,
    report: dict[str, Any],
    promoted: bool,
    now: datetime,
) -> None:
    if promoted:
        for row in session.scalars(
            select(DetectionModel).where(DetectionModel.status == "current")
        ):
            row.status = "retired"
    session.add(
        DetectionModel(
            version=version, created_at=now, cutoff=cutoff, path=str(folder),
            status="current" if promoted else "candidate", metrics=report["evaluation"],
            promoted_at=now if promoted else None,
        )
    )  # fmt: skip
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="detection.model.promoted" if promoted else "detection.model.trained",
        object_type="detection_model",
        object_id=version,
        detail={"cutoff": cutoff.isoformat(), "promoted": promoted},
    )


def _cache(models_dir: Path) -> Path:
    return models_dir / "detection" / "image-hashes.json"


def context_for(
    session: Session,
    *,
    models_dir: Path,
    media_dir: Path,
    seller_ids: list[str] | None = None,
    network: NetworkRiskProvider | None = None,
) -> FeatureContext:
    """The feature context for scoring (all sellers, or only these)."""
    return load_context(
        session, media_dir=media_dir, cache_file=_cache(models_dir), network=network,
        seller_ids=seller_ids,
    )  # fmt: skip


def score_listing(
    session: Session,
    *,
    listing_id: str,
    models_dir: Path,
    media_dir: Path,
    model: DetectorModel | None = None,
    network: NetworkRiskProvider | None = None,
    registry: FeatureContext | None = None,
    as_of: datetime | None = None,
) -> Decision:
    """Score one stored listing with the current model (or `model`), as of its `created_at`
    (or of `as_of`: an edited listing is judged on what is known when it is edited).

    `registry`: a context loaded earlier whose catalogue and reference pictures are reused (the
    seller's facts are always read afresh), so online scoring need not reload the registry."""
    listings = load_listings(session, ids=[listing_id])
    if not listings:
        raise NotFound(f"listing {listing_id!r} not found")
    listing = listings[0]
    if as_of is not None:
        listing = dataclasses.replace(listing, created_at=as_utc(as_of))
    if registry is None:
        ctx = context_for(
            session, models_dir=models_dir, media_dir=media_dir, seller_ids=[listing.seller_id],
            network=network,
        )  # fmt: skip
    else:
        ctx = copy.copy(registry)
        ctx.history = load_history(session, seller_ids=[listing.seller_id])
        ctx.sellers = load_sellers(session, ids=[listing.seller_id])
        ctx.network = network or registry.network
    if model is None:
        model = current_model(session, models_dir=models_dir)
    row = score_batch(build_batch([listing], ctx), model).to_pylist()[0]
    return Decision(
        listing_id, row["score"], row["decision"], json.loads(row["reasons"]), row["model_version"]
    )


def record_decision(
    session: Session, *, actor: Actor, decision: Decision, at: datetime | None = None
) -> DetectionDecision:
    """Store a decision and audit it (the caller owns the transaction)."""
    row = DetectionDecision(
        listing_id=decision.listing_id, score=decision.score, decision=decision.decision,
        reasons=decision.reasons, model_version=decision.model_version, decided_at=at or utcnow(),
    )  # fmt: skip
    session.add(row)
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="detection.decision",
        object_type="listing",
        object_id=decision.listing_id,
        detail={"decision": decision.decision, "score": decision.score,
                "model_version": decision.model_version},
    )  # fmt: skip
    return row
