"""Point-in-time features of declarations, from a plain frame of canonical columns.

The frame has one row per declaration: `id`, `at` (lodging time, UTC), `office`, `declarant`,
`importer`, `consignor`, `seller`, `hs` (HS code digits), `origin`, `transport`, `quantity`,
`weight`, `value`, `description`, and optionally `departure` and any extra columns named in the
`FeatureSpec`. Labels are a frame of `id`, `known_at` (when the inspection result became known),
`y` (any finding) and `y2` (the critical finding, e.g. IP infringement).

Nothing about a row uses information from after its own lodging time: target encodings count
only inspection results known strictly before it, frequency and typical-value features only
declarations lodged before it. That keeps training rows and rows to score alike, and is what
lets the same code run on history and on today's flow.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from guetteur.customs.targeting.rules import vague_description

SMOOTHING = 20.0
MISSING = ""


@dataclass(frozen=True)
class FeatureSpec:
    """Which columns are encoded how."""

    entities: tuple[str, ...] = (
        "importer",
        "declarant",
        "consignor",
        "consignor_phone",
        "consignor_email",
        "seller",
        "hs6",
        "hs4",
        "origin",
        "office",
        "route",
        "office_hs4",
        "origin_hs4",
    )
    categoricals: tuple[str, ...] = ("office", "origin", "transport", "hs2")
    numerics: tuple[str, ...] = ()
    extra_keys: dict[str, tuple[str, ...]] = field(default_factory=dict)

    @property
    def columns(self) -> list[str]:
        """The model's input columns, in order."""
        names = [f"{e}_{s}" for e in self.entities for s in ("n", "rate", "rate2", "seen")]
        return [*names, *NUMERIC, *self.numerics, *self.categoricals]


NUMERIC = (
    "log_value",
    "log_quantity",
    "log_weight",
    "log_unit_value",
    "log_value_per_kg",
    "unit_value_vs_hs",
    "value_per_kg_vs_hs",
    "kg_per_unit",
    "vague",
    "description_words",
)


def prepare(frame: pd.DataFrame, spec: FeatureSpec) -> pd.DataFrame:
    """Derived keys (HS levels, route, crossed keys) on a copy of the frame, sorted by time."""
    df = frame.sort_values(["at", "id"], kind="stable").reset_index(drop=True).copy()
    hs = df["hs"].astype(str).str.replace(r"\D", "", regex=True)
    df["hs6"], df["hs4"], df["hs2"] = hs.str[:6], hs.str[:4], hs.str[:2]
    departure = df["departure"].astype(str) if "departure" in df else df["origin"].astype(str)
    df["route"] = departure + ">" + df["origin"].astype(str) + ">" + df["transport"].astype(str)
    df["route"] = df["route"] + ">" + df["office"].astype(str)
    df["office_hs4"] = df["office"].astype(str) + ":" + df["hs4"]
    df["origin_hs4"] = df["origin"].astype(str) + ":" + df["hs4"]
    for name, parts in spec.extra_keys.items():
        df[name] = df[list(parts)].astype(str).agg(":".join, axis=1)
    for column in spec.entities:
        if column not in df:
            df[column] = MISSING
        df[column] = df[column].fillna(MISSING).astype(str)
    return df


def build(
    frame: pd.DataFrame, labels: pd.DataFrame, spec: FeatureSpec
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(prepared frame, model inputs) for every row of `frame`, point-in-time."""
    df = prepare(frame, spec)
    events = labels.merge(df[["id", *spec.entities]], on="id", how="inner")
    events = events.sort_values("known_at", kind="stable")
    prior = (float(events["y"].mean()) if len(events) else 0.0, _mean(events, "y2"))
    out = pd.DataFrame(index=df.index)
    for entity in spec.entities:
        n, pos, pos2 = _label_counts(df, events, entity)
        missing = (df[entity] == MISSING).to_numpy()
        df[f"{entity}__n"], df[f"{entity}__pos"], df[f"{entity}__pos2"] = n, pos, pos2
        out[f"{entity}_n"] = np.where(missing, np.nan, n)
        out[f"{entity}_rate"] = np.where(missing, np.nan, _smooth(pos, n, prior[0]))
        out[f"{entity}_rate2"] = np.where(missing, np.nan, _smooth(pos2, n, prior[1]))
        seen = df.groupby(entity, sort=False).cumcount().to_numpy(dtype=float)
        out[f"{entity}_seen"] = np.where(missing, np.nan, seen)
    _values(df, out)
    for column in spec.numerics:
        out[column] = pd.to_numeric(df[column], errors="coerce")
    for column in spec.categoricals:
        out[column] = df[column].fillna(MISSING).astype(str)
    return df, out[spec.columns]


def _mean(events: pd.DataFrame, column: str) -> float:
    return float(events[column].mean()) if len(events) else 0.0


def _smooth(pos: np.ndarray, n: np.ndarray, prior: float) -> np.ndarray:
    return (pos + SMOOTHING * prior) / (n + SMOOTHING)


def _label_counts(
    df: pd.DataFrame, events: pd.DataFrame, entity: str
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """For each row: labelled declarations of its entity known before it, and their positives."""
    zeros = np.zeros(len(df))
    ev = events[events[entity] != MISSING][[entity, "known_at", "y", "y2"]]
    if ev.empty:
        return zeros, zeros.copy(), zeros.copy()
    ev = ev.sort_values("known_at", kind="stable").copy()
    grouped = ev.groupby(entity, sort=False)
    ev["cn"] = grouped.cumcount() + 1.0
    ev["cp"] = grouped["y"].cumsum().astype(float)
    ev["cp2"] = grouped["y2"].cumsum().astype(float)
    queries = pd.DataFrame({"row": np.arange(len(df)), entity: df[entity], "at": df["at"]})
    merged = pd.merge_asof(
        queries.sort_values("at", kind="stable"),
        ev[[entity, "known_at", "cn", "cp", "cp2"]],
        left_on="at",
        right_on="known_at",
        by=entity,
        allow_exact_matches=False,
        direction="backward",
    ).sort_values("row")
    filled = merged[["cn", "cp", "cp2"]].fillna(0.0).to_numpy()
    return filled[:, 0], filled[:, 1], filled[:, 2]


def _values(df: pd.DataFrame, out: pd.DataFrame) -> None:
    value = pd.to_numeric(df["value"], errors="coerce").clip(lower=0).fillna(0.0)
    quantity = pd.to_numeric(df["quantity"], errors="coerce").clip(lower=1).fillna(1.0)
    weight = pd.to_numeric(df["weight"], errors="coerce").clip(lower=0.001).fillna(0.001)
    out["log_value"] = np.log1p(value)
    out["log_quantity"] = np.log1p(quantity)
    out["log_weight"] = np.log1p(weight)
    out["log_unit_value"] = np.log1p(value / quantity)
    out["log_value_per_kg"] = np.log1p(value / weight)
    out["unit_value_vs_hs"] = out["log_unit_value"] - _typical(df, out["log_unit_value"])
    out["value_per_kg_vs_hs"] = out["log_value_per_kg"] - _typical(df, out["log_value_per_kg"])
    out["kg_per_unit"] = weight / quantity
    descriptions = df["description"].fillna("").astype(str)
    out["vague"] = descriptions.map(lambda text: float(vague_description(text) is not None))
    out["description_words"] = descriptions.str.split().str.len().astype(float)


def _typical(df: pd.DataFrame, values: pd.Series) -> np.ndarray:
    """The mean of `values` over declarations of the same HS6 (else HS4, HS2) lodged earlier."""
    result = np.full(len(df), np.nan)
    for level in ("hs6", "hs4", "hs2"):
        frame = pd.DataFrame({"key": df[level], "v": values.to_numpy()})
        grouped = frame.groupby("key", sort=False)["v"]
        count = grouped.cumcount().to_numpy(dtype=float)
        total = (grouped.cumsum() - frame["v"]).to_numpy()
        mean = np.where(count >= 3, total / np.maximum(count, 1), np.nan)
        result = np.where(np.isnan(result), mean, result)
    return result
