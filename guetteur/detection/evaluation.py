"""Evaluation: how a detector did on listings whose verdicts it never saw.

- proactive rate: of the confirmed counterfeits, the share stopped at submission (blocked, or
  held for review), so before any brand could see and report them;
- recall and precision at the block threshold (blocked listings only);
- false-block rate: of the confirmed genuine listings, the share blocked;
- PR-AUC (average precision) of the calibrated score;
- expected cost per listing under the model's costs (what promotion compares).
"""

from __future__ import annotations

import json
from collections import Counter
from typing import Any

import numpy as np
import pyarrow as pa
from sklearn.metrics import average_precision_score, roc_auc_score

from guetteur.detection.model import Costs


def _share(numerator: int, denominator: int) -> float | None:
    return round(numerator / denominator, 4) if denominator else None


def expected_cost(decisions: np.ndarray, y: np.ndarray, costs: Costs) -> float:
    """Mean cost per listing: missed fakes, wrongly blocked honest listings, and reviews."""
    if not len(y):
        return 0.0
    missed = (decisions == "allow") & (y == 1)
    wrong_block = (decisions == "block") & (y == 0)
    held = decisions == "hold"
    total = (
        missed.sum() * costs.missed_fake
        + wrong_block.sum() * costs.false_block
        + held.sum() * costs.review
    )
    return round(float(total) / len(y), 5)


def metrics(scored: pa.RecordBatch, y: np.ndarray, costs: Costs) -> dict[str, Any]:
    """The evaluation figures of scored listings against their labels (1 = counterfeit)."""
    score = scored.column("score").to_numpy(zero_copy_only=False)
    decision = np.array(scored.column("decision").to_pylist())
    fakes, honest = y == 1, y == 0
    blocked, stopped = decision == "block", decision != "allow"
    both = 0 < fakes.sum() < len(y)
    return {
        "listings": len(y),
        "counterfeit": int(fakes.sum()),
        "genuine": int(honest.sum()),
        "proactive_rate": _share(int((stopped & fakes).sum()), int(fakes.sum())),
        "recall_at_block": _share(int((blocked & fakes).sum()), int(fakes.sum())),
        "precision_at_block": _share(int((blocked & fakes).sum()), int(blocked.sum())),
        "false_block_rate": _share(int((blocked & honest).sum()), int(honest.sum())),
        "held_share": _share(int((decision == "hold").sum()), len(y)),
        "pr_auc": round(float(average_precision_score(y, score)), 4) if both else None,
        "roc_auc": round(float(roc_auc_score(y, score)), 4) if both else None,
        "expected_cost": expected_cost(decision, y, costs),
        "decisions": dict(sorted(Counter(decision.tolist()).items())),
    }


def rule_hits(scored: pa.RecordBatch, y: np.ndarray) -> dict[str, dict[str, int]]:
    """How often each rule fired, on counterfeit and on genuine listings."""
    hits: dict[str, dict[str, int]] = {}
    for reasons, label in zip(scored.column("reasons").to_pylist(), y.tolist(), strict=True):
        for reason in json.loads(reasons):
            if reason["code"].startswith("RULE_"):
                entry = hits.setdefault(reason["code"], {"counterfeit": 0, "genuine": 0})
                entry["counterfeit" if label == 1 else "genuine"] += 1
    return hits
