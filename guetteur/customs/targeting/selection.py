"""Selection within each office's daily capacity, with a random exploration slice.

Each office opens `capacity` of its daily flow (the fraction is carried over from day to day so
that small offices are neither starved nor over-served). Of those picks, an `exploration` share
is drawn uniformly at random from the declarations the model would not have picked, so the
model keeps learning about what it ranks low. Every declaration's probability of being picked
(its propensity) is logged: 1 for the top of the queue, the exploration rate for the rest; the
inverse of it weighs inspection results when the model is retrained.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from guetteur.customs.targeting.defaults import DEFAULT_CAPACITY, DEFAULT_EXPLORATION


def _quotas(counts: list[int], fraction: float) -> list[int]:
    """Picks per period: `fraction` of each count, remainders carried (rounded overall)."""
    carry = 0.5
    quotas = []
    for count in counts:
        exact = fraction * count + carry
        quota = min(count, int(np.floor(exact)))
        carry = exact - quota
        quotas.append(quota)
    return quotas


def select(
    queue: pd.DataFrame,
    *,
    capacity: float = DEFAULT_CAPACITY,
    exploration: float = DEFAULT_EXPLORATION,
    seed: int = 0,
) -> pd.DataFrame:
    """Columns `selected`, `exploration`, `propensity`, `queue_rank` for `queue` rows.

    `queue` has `office`, `day` and `score`; the result has the same index.
    """
    if not 0.0 <= capacity <= 1.0 or not 0.0 <= exploration <= 1.0:
        raise ValueError("capacity and exploration are fractions between 0 and 1")
    rng = np.random.default_rng(seed)
    out = pd.DataFrame(
        {"selected": False, "exploration": False, "propensity": 0.0, "queue_rank": 0},
        index=queue.index,
    )
    for _office, rows in queue.groupby("office", sort=True):
        days = sorted(rows["day"].unique())
        groups = [rows[rows["day"] == day] for day in days]
        picks = _quotas([len(g) for g in groups], capacity)
        explore = _quotas(picks, exploration)
        for group, k, e in zip(groups, picks, explore, strict=True):
            _select_day(group, k, e, rng, out)
    return out


def _select_day(
    group: pd.DataFrame, k: int, e: int, rng: np.random.Generator, out: pd.DataFrame
) -> None:
    order = group.sort_values("score", ascending=False, kind="stable").index.to_numpy()
    out.loc[order, "queue_rank"] = np.arange(1, len(order) + 1)
    exploit, rest = order[: k - e], order[k - e :]
    out.loc[exploit, ["selected", "propensity"]] = [True, 1.0]
    if len(rest) == 0:
        return
    out.loc[rest, "propensity"] = e / len(rest)
    if e > 0:
        explored = rng.choice(rest, size=e, replace=False)
        out.loc[explored, ["selected", "exploration"]] = [True, True]
