"""Ranking figures: precision and recall when the top n % of declarations are inspected."""

from __future__ import annotations

import math

import numpy as np

FRACTIONS = (0.01, 0.02, 0.05, 0.10)


def top(scores: np.ndarray, fraction: float) -> np.ndarray:
    """A boolean mask of the ceil(fraction * n) highest scores (ties broken by position)."""
    count = math.ceil(fraction * len(scores))
    order = np.argsort(-np.asarray(scores, dtype=float), kind="stable")
    mask = np.zeros(len(scores), dtype=bool)
    mask[order[:count]] = True
    return mask


def at_fraction(
    scores: np.ndarray, y: np.ndarray, y2: np.ndarray, fraction: float
) -> dict[str, float]:
    """Precision and recall on `y` and recall on `y2` when the top `fraction` is inspected."""
    chosen = top(scores, fraction)
    return selection_figures(chosen, y, y2)


def selection_figures(chosen: np.ndarray, y: np.ndarray, y2: np.ndarray) -> dict[str, float]:
    """Precision and recall on `y`, precision and recall on `y2`, of a selection mask."""
    y, y2 = np.asarray(y, dtype=bool), np.asarray(y2, dtype=bool)
    picked = int(chosen.sum())
    return {
        "selected": float(picked),
        "precision": float((y & chosen).sum() / picked) if picked else 0.0,
        "recall": float((y & chosen).sum() / y.sum()) if y.sum() else 0.0,
        "critical_precision": float((y2 & chosen).sum() / picked) if picked else 0.0,
        "critical_recall": float((y2 & chosen).sum() / y2.sum()) if y2.sum() else 0.0,
    }
