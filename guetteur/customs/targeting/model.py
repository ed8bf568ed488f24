"""The learned risk model: two LightGBM heads, one for any finding, one for the critical one.

The main head learns whether an inspection finds anything; the critical head learns the rare
finding that matters most here (IP infringement; `Critical Fraud` = 2 on the KCS data). The
score ranks by `(p_any + weight * p_critical) / (1 + weight)`, so the critical head pulls rare,
serious cases up the queue without losing the main head's precision. Training rows carry weights
(inverse selection propensities) so that retraining on what was selected is not biased towards
what the previous model liked.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import lightgbm as lgb
import numpy as np
import pandas as pd

MIN_POSITIVES = 5
CRITICAL_WEIGHT = 1.0
MAIN_PARAMS: dict[str, Any] = {
    "objective": "binary",
    "learning_rate": 0.03,
    "num_leaves": 31,
    "min_child_samples": 20,
    "feature_fraction": 0.8,
    "bagging_fraction": 0.8,
    "bagging_freq": 1,
    "lambda_l2": 1.0,
    "cat_smooth": 10.0,
    "verbose": -1,
    "num_threads": 2,
    "seed": 7,
}
CRITICAL_PARAMS: dict[str, Any] = MAIN_PARAMS | {
    "learning_rate": 0.02,
    "num_leaves": 15,
    "min_child_samples": 40,
    "feature_fraction": 0.7,
}
MAIN_ROUNDS = 400
CRITICAL_ROUNDS = 300


@dataclass
class RiskModel:
    """Two boosters, the categories they were trained with, and the score's critical weight."""

    columns: list[str]
    categoricals: list[str]
    categories: dict[str, list[str]]
    main: lgb.Booster | None
    critical: lgb.Booster | None
    critical_weight: float = CRITICAL_WEIGHT
    base_rates: tuple[float, float] = (0.0, 0.0)
    version: str = ""
    trained_on: dict[str, Any] = field(default_factory=dict)

    def matrix(self, features: pd.DataFrame) -> pd.DataFrame:
        """The features as the boosters take them (categoricals with the training categories)."""
        frame = features[self.columns].copy()
        for column in self.categoricals:
            frame[column] = pd.Categorical(frame[column], categories=self.categories[column])
        return frame

    def predict(self, features: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
        """(p_any, p_critical) per row; a head that could not be trained gives its base rate."""
        frame = self.matrix(features)
        p1 = _predict(self.main, frame, self.base_rates[0])
        p2 = _predict(self.critical, frame, self.base_rates[1])
        return p1, p2

    def score(self, features: pd.DataFrame) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(score, p_any, p_critical) per row."""
        p1, p2 = self.predict(features)
        return combine(p1, p2, self.critical_weight), p1, p2

    def contributions(self, features: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
        """Per-row, per-feature contributions (log-odds) of each head (zeros for a missing one)."""
        frame = self.matrix(features)
        shape = (len(frame), len(self.columns))
        out = []
        for booster in (self.main, self.critical):
            if booster is None:
                out.append(np.zeros(shape))
            else:
                out.append(np.asarray(booster.predict(frame, pred_contrib=True))[:, :-1])
        return out[0], out[1]

    def save(self, directory: Path) -> Path:
        """Write the boosters and metadata under `directory/version`."""
        target = directory / self.version
        target.mkdir(parents=True, exist_ok=True)
        for name, booster in (("main", self.main), ("critical", self.critical)):
            if booster is not None:
                booster.save_model(str(target / f"{name}.txt"))
        meta = {
            "version": self.version,
            "columns": self.columns,
            "categoricals": self.categoricals,
            "categories": self.categories,
            "critical_weight": self.critical_weight,
            "base_rates": list(self.base_rates),
            "trained_on": self.trained_on,
        }
        (target / "meta.json").write_text(json.dumps(meta, indent=1, default=str))
        return target


def combine(p1: np.ndarray, p2: np.ndarray, weight: float) -> np.ndarray:
    """The ranking score from the two heads."""
    return (p1 + weight * p2) / (1.0 + weight)


def _predict(booster: lgb.Booster | None, frame: pd.DataFrame, base: float) -> np.ndarray:
    if booster is None:
        return np.full(len(frame), base)
    return np.asarray(booster.predict(frame), dtype=float)


def train(
    features: pd.DataFrame,
    y: np.ndarray,
    y2: np.ndarray,
    *,
    categoricals: list[str],
    weights: np.ndarray | None = None,
    critical_weight: float = CRITICAL_WEIGHT,
    main_rounds: int = MAIN_ROUNDS,
    critical_rounds: int = CRITICAL_ROUNDS,
) -> RiskModel:
    """Fit both heads on labelled rows (weights: inverse selection propensities, or None)."""
    columns = list(features.columns)
    categories = {
        c: sorted(features[c].dropna().astype(str).unique().tolist()) for c in categoricals
    }
    weights = np.ones(len(features)) if weights is None else np.asarray(weights, dtype=float)
    model = RiskModel(columns, categoricals, categories, None, None, critical_weight)
    model.base_rates = (_rate(y, weights), _rate(y2, weights))
    frame = model.matrix(features)
    model.main = _fit(frame, y, weights, MAIN_PARAMS, main_rounds, categoricals)
    model.critical = _fit(frame, y2, weights, CRITICAL_PARAMS, critical_rounds, categoricals)
    model.trained_on = {
        "rows": len(features),
        "positives": int(np.sum(y)),
        "critical_positives": int(np.sum(y2)),
        "weighted_rows": float(np.sum(weights)),
    }
    model.version = _version(model, frame, y, y2, weights)
    return model


def _rate(y: np.ndarray, weights: np.ndarray) -> float:
    total = float(np.sum(weights))
    return float(np.sum(np.asarray(y) * weights) / total) if total else 0.0


def _fit(
    frame: pd.DataFrame,
    y: np.ndarray,
    weights: np.ndarray,
    params: dict[str, Any],
    rounds: int,
    categoricals: list[str],
) -> lgb.Booster | None:
    labels = np.asarray(y, dtype=float)
    positives = int(labels.sum())
    if positives < MIN_POSITIVES or positives > len(labels) - MIN_POSITIVES:
        return None
    dataset = lgb.Dataset(
        frame, label=labels, weight=weights, categorical_feature=categoricals, free_raw_data=False
    )
    return lgb.train(params, dataset, num_boost_round=rounds)


def _version(
    model: RiskModel, frame: pd.DataFrame, y: np.ndarray, y2: np.ndarray, w: np.ndarray
) -> str:
    digest = hashlib.sha256()
    digest.update(json.dumps(model.columns).encode())
    digest.update(pd.util.hash_pandas_object(frame.astype(str), index=False).to_numpy().tobytes())
    for array in (y, y2, w):
        digest.update(np.asarray(array, dtype=float).tobytes())
    digest.update(json.dumps([MAIN_PARAMS, CRITICAL_PARAMS, model.critical_weight]).encode())
    return f"customs-lgbm-{digest.hexdigest()[:12]}"
