"""THE scoring function: a feature batch in, scores, decisions and reasons out.

`score_batch` is pure: its result depends only on the batch and the model artefact, never on
the store, the clock or the engine running it (local DuckDB/Arrow, Spark `mapInArrow`, the API),
so every engine gives identical decisions. Without a trained model the rules alone decide
(`model_version` "rules-only").
"""

from __future__ import annotations

import json
from typing import Any

import numpy as np
import pyarrow as pa

from guetteur.detection.model import DetectorModel
from guetteur.detection.reasons import REASON_OF, detail
from guetteur.detection.rules import ALLOW, BLOCK, DECISIONS, HOLD, Rule, apply_rules

RULES_ONLY = "rules-only"
RULES_ONLY_SCORE = {ALLOW: 0.05, HOLD: 0.5, BLOCK: 0.95}
TOP_REASONS = 3
MIN_WEIGHT = 0.05
OUTPUT_SCHEMA = pa.schema(
    [
        ("listing_id", pa.string()),
        ("score", pa.float64()),
        ("decision", pa.string()),
        ("reasons", pa.string()),
        ("model_version", pa.string()),
    ]
)


def columns_of(batch: pa.RecordBatch) -> dict[str, np.ndarray]:
    """The batch's float feature columns as NumPy arrays (nulls as NaN)."""
    out: dict[str, np.ndarray] = {}
    for name, column in zip(batch.schema.names, batch.columns, strict=True):
        if pa.types.is_floating(column.type) or pa.types.is_integer(column.type):
            out[name] = column.to_numpy(zero_copy_only=False).astype(np.float64)
    return out


def matrix(columns: dict[str, np.ndarray], names: list[str], n: int) -> np.ndarray:
    """The model's input matrix, a NaN column for any feature the batch lacks."""
    x = np.full((n, len(names)), np.nan)
    for j, name in enumerate(names):
        if name in columns:
            x[:, j] = columns[name]
    return x


def _code_matrix(features: list[str]) -> tuple[list[str], np.ndarray]:
    codes = sorted({REASON_OF.get(f, f.upper()) for f in features})
    index = {c: i for i, c in enumerate(codes)}
    groups = np.zeros((len(features), len(codes)))
    for j, name in enumerate(features):
        groups[j, index[REASON_OF.get(name, name.upper())]] = 1.0
    return codes, groups


def _model_reasons(
    weights: np.ndarray, codes: list[str], row: dict[str, float]
) -> list[dict[str, Any]]:
    order = np.argsort(-weights, kind="stable")
    chosen = [k for k in order[:TOP_REASONS] if weights[k] >= MIN_WEIGHT]
    return [
        {"code": codes[k], "weight": round(float(weights[k]), 4), "detail": detail(codes[k], row)}
        for k in chosen
    ]


def _rule_reasons(rules: list[Rule]) -> list[dict[str, Any]]:
    return [{"code": r.code, "weight": 1.0, "detail": r.detail} for r in rules]


def _explain(
    model: DetectorModel, x: np.ndarray, decision: np.ndarray, fired: list[list[Rule]]
) -> list[list[dict[str, Any]]]:
    """Rule reasons, then model reasons ranked by contribution (SHAP values summed per code).

    Contributions are computed for held and blocked listings only: they are what an analyst acts
    on, and TreeSHAP is the costliest step of scoring. Allowed listings carry rule reasons only."""
    reasons = [_rule_reasons(rules) for rules in fired]
    flagged = np.flatnonzero(decision != ALLOW)
    if not len(flagged):
        return reasons
    codes, groups = _code_matrix(model.features)
    weights = model.contributions(x[flagged])[:, : len(model.features)] @ groups
    for k, i in enumerate(flagged.tolist()):
        row = dict(zip(model.features, x[i].tolist(), strict=True))
        reasons[i] += _model_reasons(weights[k], codes, row)
    return reasons


def _decide(score: np.ndarray, floor: np.ndarray, model: DetectorModel) -> np.ndarray:
    """The model's decision raised to the rules' floor. A rule's block stands where blocking costs
    less than allowing at the model's probability (p ≥ false_block / (false_block + missed_fake));
    below that the listing is held instead: it does not go live, and a human decides."""
    decision = np.full(len(score), ALLOW, dtype=np.int8)
    decision[score >= model.thresholds.hold] = HOLD
    decision[score >= model.thresholds.block] = BLOCK
    costs = model.costs
    keep_block = score >= costs.false_block / (costs.false_block + costs.missed_fake)
    floor = np.where((floor == BLOCK) & ~keep_block, HOLD, floor)
    return np.maximum(decision, floor).astype(np.int8)


def predict(batch: pa.RecordBatch, model: DetectorModel) -> tuple[np.ndarray, np.ndarray]:
    """(calibrated scores, model input matrix) of a feature batch."""
    columns = columns_of(batch)
    texts = batch.column("text").to_pylist()
    columns["text_score"] = model.text.predict([t or "" for t in texts])
    x = matrix(columns, model.features, batch.num_rows)
    return model.calibration.apply(model.margin(x)), x


def score_batch(batch: pa.RecordBatch, model: DetectorModel | None) -> pa.RecordBatch:
    """Scores, decisions and reasons of every listing of a feature batch (pure)."""
    n = batch.num_rows
    columns = columns_of(batch)
    floor, fired = apply_rules(columns, n)
    reasons: list[list[dict[str, Any]]]
    if model is None:
        decision = floor
        score = np.array([RULES_ONLY_SCORE[int(d)] for d in decision], dtype=np.float64)
        reasons = [_rule_reasons(rules) for rules in fired]
        version = RULES_ONLY
    else:
        score, x = predict(batch, model)
        decision = _decide(score, floor, model)
        reasons = _explain(model, x, decision, fired)
        version = model.version
    return pa.RecordBatch.from_arrays(
        [
            batch.column("listing_id").cast(pa.string()),
            pa.array(np.round(score, 6), pa.float64()),
            pa.array([DECISIONS[int(d)] for d in decision], pa.string()),
            pa.array([json.dumps(r, ensure_ascii=False) for r in reasons], pa.string()),
            pa.array([version] * n, pa.string()),
        ],
        schema=OUTPUT_SCHEMA,
    )
