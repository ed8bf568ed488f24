"""The listing detector: LightGBM over the features plus the text score, calibrated, with costs.

- `fit_gbm`: a small, deterministic LightGBM binary model.
- `Calibration`: isotonic (enough held-out rows of both classes) or Platt (fewer), fitted on the
  latest slice of time before the cutoff, mapping raw scores to probabilities of counterfeit.
- `Costs` → `Thresholds`: the Bayes decision on a calibrated probability p, with the cost of a
  missed fake, of a wrongly blocked honest listing and of one human review. Allow costs p·miss,
  hold costs review, block costs (1-p)·false_block: hold from p > review/miss, block from
  p > 1 - review/false_block (or, when reviewing never pays, one threshold between allow and block).
  The hold threshold is then raised, if needed, to fit the review team's capacity on the recent
  flow of listings (labelled or not) before the cutoff.
- `DetectorModel`: the whole artefact, saved as plain files (LightGBM text model, NumPy arrays,
  JSON), never pickles.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import lightgbm as lgb
import numpy as np
from sklearn.isotonic import IsotonicRegression
from sklearn.linear_model import LogisticRegression

from guetteur.detection.text_model import TextModel

GBM_PARAMS: dict[str, Any] = {
    "objective": "binary",
    "learning_rate": 0.1,
    "num_leaves": 15,
    "min_data_in_leaf": 20,
    "feature_fraction": 0.9,
    "bagging_fraction": 0.9,
    "bagging_freq": 1,
    "lambda_l2": 1.0,
    "seed": 7,
    "deterministic": True,
    "force_row_wise": True,
    "num_threads": 2,
    "verbose": -1,
}
ROUNDS = 400
MIN_ROUNDS = 20
PATIENCE = 30
EARLY_STOPPING_SHARE = 0.15
MIN_ISOTONIC = 150


@dataclass(frozen=True)
class Costs:
    """What each kind of decision costs, in any one unit, and how much review there is.

    `review_capacity`: the share of submitted listings the review team can examine; the hold
    threshold is raised so that no more than that share of recent listings would be held."""

    missed_fake: float = 20.0
    false_block: float = 10.0
    review: float = 1.0
    review_capacity: float = 0.05


@dataclass(frozen=True)
class Thresholds:
    """Hold from `hold`, block from `block` (calibrated probability of counterfeit)."""

    hold: float
    block: float


def thresholds_from_costs(costs: Costs) -> Thresholds:
    """The decision thresholds that minimise the expected cost of a calibrated probability."""
    hold = costs.review / costs.missed_fake
    block = 1.0 - costs.review / costs.false_block
    if hold >= block:
        single = costs.false_block / (costs.false_block + costs.missed_fake)
        return Thresholds(single, single)
    return Thresholds(hold, block)


def with_capacity(thresholds: Thresholds, scores: np.ndarray, capacity: float) -> Thresholds:
    """Thresholds whose hold band takes at most `capacity` of listings scored like `scores`."""
    if not len(scores) or thresholds.hold >= thresholds.block:
        return thresholds
    blocked = float(np.mean(scores >= thresholds.block))
    quantile = float(np.quantile(scores, max(0.0, 1.0 - capacity - blocked)))
    hold = min(max(thresholds.hold, np.nextafter(quantile, 1.0)), thresholds.block)
    return Thresholds(float(hold), thresholds.block)


def best_rounds(x: np.ndarray, y: np.ndarray, names: list[str]) -> int:
    """How many boosting rounds to use: early stopping on the latest 15 % of the (time-ordered)
    rows, or `ROUNDS` when there are too few rows of either class to tell."""
    cut = int(len(y) * (1 - EARLY_STOPPING_SHARE))
    if cut < 50 or len(np.unique(y[cut:])) < 2 or len(np.unique(y[:cut])) < 2:
        return ROUNDS
    train = lgb.Dataset(x[:cut], label=y[:cut], feature_name=names)
    valid = lgb.Dataset(x[cut:], label=y[cut:], feature_name=names, reference=train)
    booster = lgb.train(
        {**GBM_PARAMS, "metric": "binary_logloss"}, train, num_boost_round=ROUNDS,
        valid_sets=[valid], callbacks=[lgb.early_stopping(PATIENCE, verbose=False)],
    )  # fmt: skip
    return max(booster.best_iteration, MIN_ROUNDS)


def fit_gbm(x: np.ndarray, y: np.ndarray, names: list[str]) -> lgb.Booster:
    """A LightGBM binary classifier on these rows (time-ordered), with early-stopped rounds."""
    rounds = best_rounds(x, y, names)
    data = lgb.Dataset(x, label=y, feature_name=names, free_raw_data=True)
    return lgb.train(GBM_PARAMS, data, num_boost_round=rounds)


def sigmoid(margin: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-margin))


@dataclass(frozen=True)
class Calibration:
    """Raw model margin → calibrated probability (isotonic table, Platt line, or identity)."""

    kind: str = "identity"
    x: tuple[float, ...] = ()
    y: tuple[float, ...] = ()
    a: float = 1.0
    b: float = 0.0

    def apply(self, margin: np.ndarray) -> np.ndarray:
        if self.kind == "isotonic":
            return np.interp(sigmoid(margin), np.array(self.x), np.array(self.y))
        return sigmoid(self.a * margin + self.b)


def fit_calibration(margin: np.ndarray, y: np.ndarray) -> Calibration:
    """Isotonic on enough held-out rows of both classes, Platt on fewer, identity on one class."""
    if len(np.unique(y)) < 2:
        return Calibration()
    if len(y) >= MIN_ISOTONIC and min(y.sum(), len(y) - y.sum()) >= 15:
        iso = IsotonicRegression(y_min=0.0, y_max=1.0, out_of_bounds="clip")
        iso.fit(sigmoid(margin), y)
        return Calibration("isotonic", tuple(iso.X_thresholds_), tuple(iso.y_thresholds_))
    platt = LogisticRegression(C=1e6, max_iter=1000)
    platt.fit(margin.reshape(-1, 1), y)
    return Calibration("platt", a=float(platt.coef_[0, 0]), b=float(platt.intercept_[0]))


@dataclass
class DetectorModel:
    """A trained detector: features, boosted trees, text model, calibration and thresholds."""

    version: str
    features: list[str]
    booster: lgb.Booster
    text: TextModel
    calibration: Calibration
    costs: Costs
    thresholds: Thresholds
    info: dict[str, Any] = field(default_factory=dict)

    def margin(self, x: np.ndarray) -> np.ndarray:
        return np.asarray(self.booster.predict(x, raw_score=True, num_threads=1))

    def contributions(self, x: np.ndarray) -> np.ndarray:
        """Per-feature SHAP contributions to the margin (last column: the expected value)."""
        return np.asarray(self.booster.predict(x, pred_contrib=True, num_threads=1))

    def save(self, folder: Path) -> None:
        """Write the artefact into `folder` (model.txt, text.npz, meta.json)."""
        folder.mkdir(parents=True, exist_ok=True)
        self.booster.save_model(str(folder / "model.txt"))
        self.text.save(folder / "text.npz")
        meta = {
            "version": self.version,
            "features": self.features,
            "calibration": asdict(self.calibration),
            "costs": asdict(self.costs),
            "thresholds": asdict(self.thresholds),
            "info": self.info,
        }
        (folder / "meta.json").write_text(json.dumps(meta, indent=2) + "\n", encoding="utf-8")

    @classmethod
    def load(cls, folder: Path) -> DetectorModel:
        meta = json.loads((folder / "meta.json").read_text(encoding="utf-8"))
        cal = meta["calibration"]
        return cls(
            version=meta["version"],
            features=list(meta["features"]),
            booster=lgb.Booster(model_file=str(folder / "model.txt")),
            text=TextModel.load(folder / "text.npz"),
            calibration=Calibration(
                cal["kind"], tuple(cal["x"]), tuple(cal["y"]), cal["a"], cal["b"]
            ),
            costs=Costs(**meta["costs"]),
            thresholds=Thresholds(**meta["thresholds"]),
            info=meta.get("info", {}),
        )
