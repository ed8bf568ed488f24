"""Held-out figures of `guetteur scan` decisions against a demo world's full truth.

    .venv/bin/python benchmarks/detection_truth.py WORLD_DIR DECISIONS.jsonl

`guetteur train` evaluates on the listings that received a verdict after the cutoff (what a
marketplace knows). A generated world also knows the label of every listing (truth/): this
script scores the decisions of `guetteur scan --since CUTOFF` on all of them, and counts as
proactive the counterfeits stopped (blocked, or held for review) at submission; the notices
file says how many of those a brand reported later. Evaluation only: truth/ is read nowhere else.
"""

from __future__ import annotations

import json
import sys
from collections import Counter
from pathlib import Path

from sklearn.metrics import average_precision_score


def _jsonl(path: Path) -> list[dict[str, object]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]


def main(world: Path, decisions_file: Path) -> None:
    truth = {r["listing_id"]: r for r in _jsonl(world / "truth" / "listings.jsonl")}
    noticed = {r["listing_id"] for r in _jsonl(world / "notices.jsonl")}
    rows = _jsonl(decisions_file)
    fake = [truth[str(r["listing_id"])]["label"] == "counterfeit" for r in rows]
    decision = [str(r["decision"]) for r in rows]
    n_fake = sum(fake)
    n_honest = len(rows) - n_fake
    blocked_fake = sum(f and d == "block" for f, d in zip(fake, decision, strict=True))
    stopped_fake = sum(f and d != "allow" for f, d in zip(fake, decision, strict=True))
    blocked_honest = sum(not f and d == "block" for f, d in zip(fake, decision, strict=True))
    held_honest = sum(not f and d == "hold" for f, d in zip(fake, decision, strict=True))
    noticed_fake = [str(r["listing_id"]) in noticed for r, f in zip(rows, fake, strict=True) if f]
    print(f"listings scored: {len(rows)} ({n_fake} counterfeit, {n_honest} genuine by truth)")
    print(f"decisions: {dict(sorted(Counter(decision).items()))}")
    print(
        f"proactive rate (counterfeits blocked or held at submission): {stopped_fake / n_fake:.4f}"
    )
    print(f"recall at block: {blocked_fake / n_fake:.4f}")
    print(f"precision at block: {blocked_fake / max(decision.count('block'), 1):.4f}")
    print(f"false-block rate among genuine: {blocked_honest / n_honest:.4f}")
    print(f"genuine held for review: {held_honest / n_honest:.4f}")
    print(f"PR-AUC: {average_precision_score(fake, [float(r['score']) for r in rows]):.4f}")  # type: ignore[arg-type]
    print(f"counterfeits a brand reported later: {sum(noticed_fake)} of {n_fake}")


if __name__ == "__main__":
    main(Path(sys.argv[1]), Path(sys.argv[2]))
