"""The text model: hashed character n-grams of a listing's words into a logistic regression
(fitted by stochastic gradient descent, fast on 2**18 sparse columns).

Its probability is one feature of the gradient-boosted model. On training rows it is predicted
out of fold (each row by a model that never saw it), so the boosted model does not learn to trust
a text score that memorised its own labels. The vectoriser is stateless (hashing), so a saved text
model is just its coefficients.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from scipy import sparse
from sklearn.linear_model import SGDClassifier
from sklearn.model_selection import KFold

from guetteur.detection.brand_signals import normalise

N_FEATURES = 2**18
NGRAMS = (2, 3, 4)
MAX_CHARS = 600
FOLDS = 5
ALPHA = 1e-5
_PRIME = np.uint64(1_000_003)
_MIX = np.uint64(0x9E3779B97F4A7C15)
_SHIFT = np.uint64(64 - 18)


def _codes(texts: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
    """Code points of all texts (normalised, padded with spaces) joined by 0, and each's row."""
    docs = [" " + normalise(t)[:MAX_CHARS].replace("\x00", "") + " " for t in texts]
    joined = "\x00".join(docs)
    codes = np.frombuffer(joined.encode("utf-32-le"), dtype=np.uint32).astype(np.uint64)
    lengths = np.array([len(d) + 1 for d in docs], dtype=np.int64)
    rows = np.repeat(np.arange(len(docs)), lengths)[: len(codes)]
    return codes, rows


def hashed(texts: Sequence[str]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(row, bucket) of every character 2-4-gram of the normalised texts, and each row's weight
    1/sqrt(number of its n-grams).

    Vectorised with NumPy: a polynomial hash of each n-gram, mixed into 2**18 buckets."""
    codes, rows = _codes(texts)
    all_rows, all_cols = [], []
    for k in NGRAMS:
        m = len(codes) - k + 1
        if m <= 0:
            continue
        value = np.full(m, np.uint64(k))
        valid = np.ones(m, dtype=bool)
        for j in range(k):
            window = codes[j : j + m]
            value = value * _PRIME + window
            valid &= window != 0
        all_rows.append(rows[:m][valid])
        all_cols.append(((value * _MIX) >> _SHIFT)[valid].astype(np.int64))
    r = np.concatenate(all_rows) if all_rows else np.zeros(0, dtype=np.int64)
    c = np.concatenate(all_cols) if all_cols else np.zeros(0, dtype=np.int64)
    per_row = np.bincount(r, minlength=len(texts)).astype(np.float64)
    return r, c, 1.0 / np.sqrt(np.maximum(per_row, 1.0))


def vectorise(texts: Sequence[str]) -> sparse.csr_matrix:
    """n-gram counts of each text divided by the square root of its number of n-grams."""
    r, c, weight = hashed(texts)
    matrix = sparse.csr_matrix((weight[r], (r, c)), shape=(len(texts), N_FEATURES))
    matrix.sum_duplicates()
    return matrix


@dataclass(frozen=True)
class TextModel:
    """A linear model over hashed n-grams: p = sigmoid(x . coef + intercept)."""

    coef: np.ndarray
    intercept: float

    def predict(self, texts: Sequence[str]) -> np.ndarray:
        """The probability of counterfeit each text alone suggests."""
        if not len(texts):
            return np.zeros(0)
        r, c, weight = hashed(texts)
        margin = np.bincount(r, weights=self.coef[c], minlength=len(texts)) * weight
        return 1.0 / (1.0 + np.exp(-(margin + self.intercept)))

    def save(self, path: Path) -> None:
        np.savez_compressed(path, coef=self.coef, intercept=np.array([self.intercept]))

    @classmethod
    def load(cls, path: Path) -> TextModel:
        with np.load(path) as data:
            return cls(coef=data["coef"], intercept=float(data["intercept"][0]))


def _prior(y: np.ndarray) -> TextModel:
    rate = float(np.clip(y.mean() if len(y) else 0.5, 1e-3, 1 - 1e-3))
    return TextModel(np.zeros(N_FEATURES), float(np.log(rate / (1 - rate))))


def fit_text_model(texts: Sequence[str], y: np.ndarray, *, seed: int = 0) -> TextModel:
    """A text model fitted on these texts (the base rate alone when only one class is seen)."""
    if len(np.unique(y)) < 2:
        return _prior(y)
    model = SGDClassifier(
        loss="log_loss", alpha=ALPHA, max_iter=300, tol=1e-4, random_state=seed, average=False
    )
    model.fit(vectorise(texts), y)
    return TextModel(model.coef_[0].astype(np.float64), float(model.intercept_[0]))


def out_of_fold(texts: Sequence[str], y: np.ndarray, *, seed: int = 0) -> np.ndarray:
    """Each row's text probability from a model fitted on the other folds."""
    scores = np.zeros(len(texts))
    if len(texts) < FOLDS:
        return scores + _prior(y).predict(["x"])[0]
    texts = list(texts)
    for train, test in KFold(FOLDS, shuffle=True, random_state=seed).split(texts):
        model = fit_text_model([texts[i] for i in train], y[train], seed=seed)
        scores[test] = model.predict([texts[i] for i in test])
    return scores
