"""Reasons in words: which features pushed a declaration up the queue, and by how much."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pandas as pd

from guetteur.customs.targeting.features import NUMERIC, FeatureSpec
from guetteur.customs.targeting.rules import vague_description

LABELS = {
    "importer": "importer",
    "declarant": "declarant",
    "consignor": "consignor",
    "consignor_phone": "consignor phone",
    "consignor_email": "consignor e-mail",
    "seller": "marketplace seller",
    "hs6": "HS code",
    "hs4": "HS heading",
    "hs2": "HS chapter",
    "origin": "origin",
    "departure": "departure country",
    "office": "office",
    "route": "route",
    "office_hs4": "office and HS heading",
    "origin_hs4": "origin and HS heading",
    "transport": "transport mode",
    "courier": "courier",
}
VALUE_FEATURES = frozenset(NUMERIC) - {"vague", "description_words"}
MAX_REASONS = 3


def groups(spec: FeatureSpec) -> dict[str, list[int]]:
    """Feature positions by the idea they stand for (an entity, the value, the description)."""
    found: dict[str, list[int]] = {}
    for index, column in enumerate(spec.columns):
        if column in VALUE_FEATURES:
            key = "value"
        elif column in {"vague", "description_words"}:
            key = "description"
        elif column in spec.categoricals or column in spec.numerics:
            key = column
        else:
            key = column.rsplit("_", 1)[0]
        found.setdefault(key, []).append(index)
    return found


def model_reasons(
    row: pd.Series, contributions: np.ndarray, spec: FeatureSpec, positions: dict[str, list[int]]
) -> list[dict[str, Any]]:
    """Up to three reasons, strongest first, from one row's feature contributions."""
    totals = {key: float(contributions[idx].sum()) for key, idx in positions.items()}
    ranked = sorted((v, k) for k, v in totals.items() if v > 0.05)[::-1][:MAX_REASONS]
    return [
        {"code": f"model.{key}", "weight": round(value, 3), "detail": _detail(row, key, spec)}
        for value, key in ranked
    ]


def rule_reasons(description: str, strength: float) -> list[dict[str, Any]]:
    """The vague-description rule, if it fires."""
    why = vague_description(description)
    if why is None:
        return []
    return [{"code": "rule.vague_description", "weight": strength, "detail": why}]


def _detail(row: pd.Series, key: str, spec: FeatureSpec) -> str:
    if key == "value":
        return _value_detail(row)
    if key == "description":
        return f"goods description {str(row.get('description', ''))[:80]!r}"
    label = LABELS.get(key, key.replace("_", " "))
    value = row.get(key, "")
    if key in spec.entities:
        n, pos, pos2 = (int(row.get(f"{key}__{s}", 0)) for s in ("n", "pos", "pos2"))
        if n:
            critical = f", {pos2} critical" if pos2 else ""
            return f"{label} {value}: {pos} of {n} earlier inspections found something{critical}"
        return f"{label} {value}: no earlier inspection"
    return f"{label} {value}"


def _value_detail(row: pd.Series) -> str:
    hs = row.get("hs6", "")
    quantity = max(float(row.get("quantity", 1) or 1), 1.0)
    unit = float(row.get("value", 0) or 0) / quantity
    ratio = row.get("_unit_vs_hs")
    if ratio is None or (isinstance(ratio, float) and math.isnan(ratio)):
        return f"declared value {unit:,.2f} per unit for HS {hs}"
    typical_share = math.exp(float(ratio))
    if typical_share < 1:
        return (
            f"declared value {unit:,.2f} per unit, {1 - typical_share:.0%} below usual for HS {hs}"
        )
    return f"declared value {unit:,.2f} per unit, {typical_share - 1:.0%} above usual for HS {hs}"
