"""Rules: what must not wait for a model, each with its own reason code.

A rule reads the feature columns of a batch and sets a floor on the decision (hold or block) for
the listings it fires on. Rules also run when no model has been trained yet. With a model, a
rule's block on a listing where blocking costs more than allowing at the model's probability
becomes a hold: the listing still does not go live, and a human decides (see `scoring._decide`).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

import numpy as np

from guetteur.detection.images import MATCH_DISTANCE

Columns = Mapping[str, np.ndarray]
ALLOW, HOLD, BLOCK = 0, 1, 2
DECISIONS = ("allow", "hold", "block")
FAR_BELOW_RETAIL = 0.5


@dataclass(frozen=True)
class Rule:
    """A named condition over feature columns and the decision it forces."""

    code: str
    decision: int
    detail: str
    fires: Callable[[Columns], np.ndarray]


def _is(c: Columns, name: str, value: float) -> np.ndarray:
    return np.asarray(c[name] == value)


def _unauthorised_brand(c: Columns) -> np.ndarray:
    return _is(c, "brand_known", 1) & _is(c, "seller_authorised", 0)


def _own_images_cheap(c: Columns) -> np.ndarray:
    own = np.nan_to_num(c["img_own_distance"], nan=99.0) <= MATCH_DISTANCE
    cheap = np.nan_to_num(c["price_ratio"], nan=1.0) < FAR_BELOW_RETAIL
    return own & cheap & _unauthorised_brand(c)


def _replica_terms(c: Columns) -> np.ndarray:
    return (c["vocab_strong"] >= 1) & _unauthorised_brand(c) & _is(c, "descriptive_only", 0)


def _disguised(c: Columns) -> np.ndarray:
    return _is(c, "brand_disguised", 1) & _is(c, "seller_authorised", 0)


def _no_rate(c: Columns) -> np.ndarray:
    return _is(c, "currency_known", 0) & _is(c, "brand_known", 1)


RULES: tuple[Rule, ...] = (
    Rule(
        "RULE_OWN_IMAGES_FAR_BELOW_RETAIL",
        BLOCK,
        "unauthorised seller uses the brand's own pictures at less than half the retail price",
        _own_images_cheap,
    ),
    Rule(
        "RULE_REPLICA_TERMS",
        BLOCK,
        "unauthorised seller offers a registry brand with words like 'replica', '1:1', 'AAA'",
        _replica_terms,
    ),
    Rule(
        "RULE_DISGUISED_BRAND",
        HOLD,
        "brand name disguised (look-alike letters, leetspeak, spacing) by an unauthorised seller",
        _disguised,
    ),
    Rule(
        "RULE_PRICE_NOT_COMPARABLE",
        HOLD,
        "price in a currency without a reference rate for a registry brand",
        _no_rate,
    ),
)


def apply_rules(columns: Columns, n: int) -> tuple[np.ndarray, list[list[Rule]]]:
    """(decision floor per row, rules fired per row), rules in order of severity."""
    floor = np.zeros(n, dtype=np.int8)
    fired: list[list[Rule]] = [[] for _ in range(n)]
    for rule in sorted(RULES, key=lambda r: -r.decision):
        hits = np.flatnonzero(rule.fires(columns))
        floor[hits] = np.maximum(floor[hits], rule.decision)
        for i in hits:
            fired[i].append(rule)
    return floor, fired
