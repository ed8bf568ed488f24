"""Targeting on the KCS synthetic declarations: our model against a plain LightGBM.

    .venv/bin/python benchmarks/customs_kcs.py            # final figures on the test file
    .venv/bin/python benchmarks/customs_kcs.py --tune     # train -> valid, for choosing settings

Final mode trains both models on train + valid and reports, on the held-out test file,
precision and recall of `Fraud` and recall of `Critical Fraud` = 2 when the top 1, 2, 5 and 10 %
of declarations (by score) are inspected. The plain baseline is LightGBM on every column, ids
as categories, 400 trees, default settings, trained on `Fraud`. Tune mode trains on train and
reports on valid (the test file is not read).
Data: ../shared/data/customs (Korea Customs Service / IBS, MIT licence, arXiv:2208.02484).
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

import lightgbm as lgb
import numpy as np
import pandas as pd

from guetteur.customs import kcs
from guetteur.customs.targeting import evaluate, features, model

DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "customs"
LABELS = ("Fraud", "Critical Fraud")
SKIP = ("Declaration ID", "Date", *LABELS)


def plain_lightgbm(train: pd.DataFrame, test: pd.DataFrame) -> np.ndarray:
    """The anchor: every column, ids and codes as categories, 400 trees, defaults."""
    columns = [c for c in train.columns if c not in SKIP]
    both = pd.concat([train[columns], test[columns]], ignore_index=True)
    for column in columns:
        if both[column].dtype == object:
            both[column] = both[column].astype("category")
    clf = lgb.LGBMClassifier(n_estimators=400, verbose=-1, n_jobs=2, random_state=7)
    clf.fit(both.iloc[: len(train)], train["Fraud"].astype(int))
    return np.asarray(clf.predict_proba(both.iloc[len(train) :])[:, 1])


def ours(
    train_frames: list[tuple[pd.DataFrame, pd.DataFrame]], test_frame: pd.DataFrame
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Our two-head model; (p_any, p_critical, ids order) on the test rows."""
    frame = pd.concat([f for f, _ in train_frames] + [test_frame], ignore_index=True)
    labels = pd.concat([lab for _, lab in train_frames], ignore_index=True)
    prepared, x = features.build(frame, labels, kcs.KCS_SPEC)
    is_train = prepared["id"].isin(set(labels["id"])).to_numpy()
    by_id = labels.set_index("id")
    ids = prepared.loc[is_train, "id"]
    fitted = model.train(
        x[is_train],
        by_id.loc[ids, "y"].to_numpy(),
        by_id.loc[ids, "y2"].to_numpy(),
        categoricals=list(kcs.KCS_SPEC.categoricals),
    )
    p1, p2 = fitted.predict(x[~is_train])
    order = prepared.loc[~is_train, "id"].to_numpy()
    return p1, p2, order


def figures(scores: np.ndarray, raw: pd.DataFrame) -> list[dict[str, float]]:
    y = raw["Fraud"].astype(int).to_numpy()
    y2 = (raw["Critical Fraud"].astype(int) == 2).to_numpy()
    return [{"fraction": f, **evaluate.at_fraction(scores, y, y2, f)} for f in evaluate.FRACTIONS]


def show(name: str, rows: list[dict[str, float]]) -> None:
    cells = "  ".join(
        f"{r['fraction']:.0%}: P {r['precision']:.3f} R {r['recall']:.3f} "
        f"crit-R {r['critical_recall']:.3f}"
        for r in rows
    )
    print(f"{name:<28} {cells}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tune", action="store_true", help="train on train, report on valid")
    parser.add_argument("--json-out", type=Path, default=None)
    args = parser.parse_args()
    started = time.perf_counter()
    raws = {s: kcs.read(DATA / kcs.FILES[s]) for s in ("train", "valid", "test")}
    fit_splits, eval_split = (("train",), "valid") if args.tune else (("train", "valid"), "test")
    train_raw = pd.concat([raws[s] for s in fit_splits], ignore_index=True)
    eval_raw = raws[eval_split]
    print(f"train on {'+'.join(fit_splits)} ({len(train_raw)} rows), report on {eval_split} "
          f"({len(eval_raw)} rows, {int(eval_raw['Fraud'].sum())} fraud, "
          f"{int((eval_raw['Critical Fraud'] == 2).sum())} critical)")  # fmt: skip
    baseline = figures(plain_lightgbm(train_raw, eval_raw), eval_raw)
    show("plain LightGBM (anchor)", baseline)
    p1, p2, order = ours([kcs.canonical(raws[s]) for s in fit_splits], kcs.canonical(eval_raw)[0])
    aligned = eval_raw.set_index("Declaration ID").loc[order].reset_index()
    results: dict[str, object] = {"split": eval_split, "plain_lightgbm": baseline}
    weights = (0.0, 0.5, 1.0, 2.0, 4.0) if args.tune else (0.0, model.CRITICAL_WEIGHT)
    for weight in weights:
        rows = figures(model.combine(p1, p2, weight), aligned)
        label = f"guetteur (critical w={weight:g})"
        show(label + (" *" if weight == model.CRITICAL_WEIGHT else ""), rows)
        results[label] = rows
    print(f"* the configured weight; {time.perf_counter() - started:.0f} s in all")
    if args.json_out is not None:
        args.json_out.write_text(json.dumps(results, indent=1))


if __name__ == "__main__":
    main()
