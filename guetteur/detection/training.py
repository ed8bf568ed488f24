"""`train(cutoff)`: learn from verdicts decided before the cutoff, evaluate on what follows.

Training rows are the listings with a verdict decided before the cutoff (the latest such verdict
is the label). They are ordered by `created_at`: the earlier 80 % fit the text model (out of fold)
and the boosted trees, the latest 20 % calibrate the probabilities; every listing submitted over
that latest slice (labelled or not) sizes the hold band to the review capacity. Evaluation rows
are the listings created at or after the cutoff that have a verdict (their latest). Features are
point-in-time, so building them for all rows at once leaks nothing.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import numpy as np
import pyarrow as pa
from sqlalchemy import select
from sqlalchemy.orm import Session

from guetteur.clock import as_utc, utcnow
from guetteur.detection.evaluation import metrics, rule_hits
from guetteur.detection.features import FAMILIES, FEATURES, FeatureContext, build_batch
from guetteur.detection.history import ListingFacts, load_listings, ts
from guetteur.detection.model import (
    Costs,
    DetectorModel,
    fit_calibration,
    fit_gbm,
    thresholds_from_costs,
    with_capacity,
)
from guetteur.detection.scoring import columns_of, matrix, predict, score_batch
from guetteur.detection.text_model import fit_text_model, out_of_fold
from guetteur.errors import InvalidInput
from guetteur.marketplace.models import Verdict

CALIBRATION_SHARE = 0.2
MIN_TRAINING = 30
MIN_PER_CLASS = 5
Labels = dict[str, tuple[int, float]]


@dataclass
class Dataset:
    """Feature batches and labels of the training and evaluation listings."""

    fit: pa.RecordBatch
    y_fit: np.ndarray
    calibrate: pa.RecordBatch
    y_calibrate: np.ndarray
    evaluate: pa.RecordBatch
    y_evaluate: np.ndarray
    recent: pa.RecordBatch | None = None
    info: dict[str, Any] = field(default_factory=dict)


def latest_verdicts(session: Session, *, before: datetime | None = None) -> Labels:
    """listing id → (1 counterfeit, 0 genuine; decided_at) of its latest verdict before `before`."""
    query = select(Verdict.listing_id, Verdict.verdict, Verdict.decided_at, Verdict.source)
    if before is not None:
        query = query.where(Verdict.decided_at < before)
    labels: dict[str, tuple[int, float, str]] = {}
    for listing_id, verdict, decided, source in session.execute(query):
        at = ts(decided)
        known = labels.get(listing_id)
        if known is None or (at, source) > (known[1], known[2]):
            labels[listing_id] = (int(verdict == "counterfeit"), at, source)
    return {k: (v[0], v[1]) for k, v in labels.items()}


def _split(
    listings: list[ListingFacts], labels: Labels
) -> tuple[list[ListingFacts], list[ListingFacts]]:
    rows = [x for x in listings if x.id in labels]
    cut = round(len(rows) * (1 - CALIBRATION_SHARE))
    return rows[:cut], rows[cut:]


def _check(labels: Labels, cutoff: datetime) -> None:
    y = np.array([v[0] for v in labels.values()])
    if len(y) < MIN_TRAINING or min(y.sum(), len(y) - y.sum()) < MIN_PER_CLASS:
        raise InvalidInput(
            f"not enough verdicts before {cutoff.isoformat()} to train: {len(y)} labelled listings "
            f"({int(y.sum())} counterfeit); need {MIN_TRAINING}, at least {MIN_PER_CLASS} of each"
        )


def build_dataset(session: Session, ctx: FeatureContext, *, cutoff: datetime) -> Dataset:
    """Training (fit + calibration) and evaluation rows with their features and labels."""
    cutoff = as_utc(cutoff)
    train_labels = latest_verdicts(session, before=cutoff)
    _check(train_labels, cutoff)
    all_labels = latest_verdicts(session)
    listings = load_listings(session)
    before = [x for x in listings if x.created_at < cutoff]
    fit_rows, cal_rows = _split(before, train_labels)
    eval_rows = [x for x in listings if x.created_at >= cutoff and x.id in all_labels]
    start = cal_rows[0].created_at if cal_rows else cutoff
    recent = [x for x in before if x.created_at >= start and x.id not in train_labels]
    batch = build_batch([*fit_rows, *cal_rows, *eval_rows, *recent], ctx)
    a, b = len(fit_rows), len(fit_rows) + len(cal_rows)
    c = b + len(eval_rows)

    def y(rows: list[ListingFacts], labels: Labels) -> np.ndarray:
        return np.array([labels[x.id][0] for x in rows], dtype=np.int64)

    return Dataset(
        fit=batch.slice(0, a),
        y_fit=y(fit_rows, train_labels),
        calibrate=batch.slice(a, b - a),
        y_calibrate=y(cal_rows, train_labels),
        evaluate=batch.slice(b, c - b),
        y_evaluate=y(eval_rows, all_labels),
        recent=batch.slice(c),
        info={
            "cutoff": cutoff.isoformat(),
            "fit": a,
            "calibrate": b - a,
            "evaluate": len(eval_rows),
        },
    )


def fit_detector(
    data: Dataset, *, version: str, costs: Costs, features: list[str] | None = None
) -> DetectorModel:
    """A detector fitted on `data.fit` and calibrated on `data.calibrate`."""
    names = list(features if features is not None else [*FEATURES, "text_score"])
    texts = [t or "" for t in data.fit.column("text").to_pylist()]
    use_text = "text_score" in names
    columns = columns_of(data.fit)
    if use_text:
        columns["text_score"] = out_of_fold(texts, data.y_fit)
    text = fit_text_model(texts if use_text else [], data.y_fit if use_text else np.zeros(0))
    booster = fit_gbm(matrix(columns, names, data.fit.num_rows), data.y_fit, names)
    model = DetectorModel(
        version, names, booster, text, fit_calibration(np.zeros(0), np.zeros(0)), costs,
        thresholds_from_costs(costs),
    )  # fmt: skip
    if data.calibrate.num_rows:
        cal_columns = columns_of(data.calibrate)
        cal_texts = [t or "" for t in data.calibrate.column("text").to_pylist()]
        cal_columns["text_score"] = text.predict(cal_texts)
        margin = model.margin(matrix(cal_columns, names, data.calibrate.num_rows))
        model.calibration = fit_calibration(margin, data.y_calibrate)
        flow = (
            data.calibrate
            if data.recent is None
            else pa.concat_batches([data.calibrate, data.recent])
        )
        scores, _ = predict(flow, model)
        model.thresholds = with_capacity(model.thresholds, scores, costs.review_capacity)
    return model


def evaluate(model: DetectorModel | None, data: Dataset, costs: Costs) -> dict[str, Any]:
    """The model's figures on the evaluation rows (the rules alone when `model` is None)."""
    scored = score_batch(data.evaluate, model)
    return {**metrics(scored, data.y_evaluate, costs), "rules": rule_hits(scored, data.y_evaluate)}


def ablation(data: Dataset, costs: Costs) -> dict[str, dict[str, Any]]:
    """Figures of the detector retrained without each signal family (and without the text)."""
    families = {**FAMILIES, "text": ("text_score",)}
    out: dict[str, dict[str, Any]] = {}
    for family, dropped in families.items():
        kept = [f for f in [*FEATURES, "text_score"] if f not in dropped]
        model = fit_detector(data, version=f"without-{family}", costs=costs, features=kept)
        figures = metrics(score_batch(data.evaluate, model), data.y_evaluate, costs)
        out[f"without_{family}"] = {
            k: figures[k]
            for k in ("pr_auc", "proactive_rate", "recall_at_block", "precision_at_block",
                      "false_block_rate", "expected_cost")
        }  # fmt: skip
    rules_only = metrics(score_batch(data.evaluate, None), data.y_evaluate, costs)
    kept_figures = ("proactive_rate", "recall_at_block", "precision_at_block", "false_block_rate")
    out["rules_only"] = {k: rules_only[k] for k in kept_figures}
    return out


def new_version(cutoff: datetime, now: datetime) -> str:
    """A sortable, unique model version: creation time, then a hash of the cutoff and time."""
    digest = hashlib.sha256(f"{cutoff.isoformat()}|{now.isoformat()}".encode()).hexdigest()[:6]
    return f"{as_utc(now):%Y%m%dT%H%M%S}-{digest}"


def default_now() -> datetime:
    return utcnow()
