"""Targeting: point-in-time features, rules, selection within capacity, intelligence, reasons."""

from __future__ import annotations

import numpy as np
import pandas as pd

from guetteur.customs.targeting import features, selection
from guetteur.customs.targeting.intelligence import Match, PartyIntelligence, boost
from guetteur.customs.targeting.rules import vague_description


def _frame(n: int) -> pd.DataFrame:
    at = pd.date_range("2025-01-01", periods=n, freq="6h", tz="UTC")
    return pd.DataFrame(
        {
            "id": [f"d{i}" for i in range(n)],
            "at": at,
            "office": ["FR000730"] * n,
            "declarant": ["dcl"] * n,
            "importer": [f"imp{i % 3}" for i in range(n)],
            "consignor": ["shop"] * n,
            "seller": [""] * n,
            "hs": ["640411"] * n,
            "origin": ["CN"] * n,
            "transport": ["postal"] * n,
            "quantity": [2.0] * n,
            "weight": [1.0] * n,
            "value": [50.0] * (n - 1) + [1.0],
            "description": ["sneakers"] * (n - 1) + ["gift"],
        }
    )


def test_encodings_use_only_results_known_before_the_row() -> None:
    frame = _frame(8)
    labels = pd.DataFrame(
        {
            "id": ["d0", "d1"],
            "known_at": [frame["at"][0] + pd.Timedelta(hours=1), frame["at"][5]],
            "y": [1, 1],
            "y2": [1, 0],
        }
    )
    prepared, x = features.build(frame, labels, features.FeatureSpec())
    n = x["consignor_n"].to_numpy()
    # d0's result is known from 01:00 on day 1 (before d1); d1's exactly at d5: not before d5
    assert n.tolist() == [0, 1, 1, 1, 1, 1, 2, 2]
    assert x["consignor_seen"].tolist() == list(range(8))
    assert prepared["consignor__pos2"].tolist() == [0, 1, 1, 1, 1, 1, 1, 1]
    assert x["vague"].tolist() == [0.0] * 7 + [1.0]
    assert x["unit_value_vs_hs"].iloc[-1] < -2  # 0.50 a pair against 25 before


def test_vague_descriptions() -> None:
    assert vague_description("Gift") == "goods described only as 'Gift'"
    assert vague_description("  ") == "no goods description"
    assert vague_description("spare parts") is not None
    assert vague_description("Acme Runner 2 sneakers, size 42") is None


def test_selection_respects_each_office_daily_capacity() -> None:
    rng = np.random.default_rng(1)
    rows = []
    for office, per_day in (("FR1", 100), ("BE1", 7)):
        for day in range(10):
            rows += [{"office": office, "day": day, "score": rng.random()} for _ in range(per_day)]
    queue = pd.DataFrame(rows)
    out = selection.select(queue, capacity=0.05, exploration=0.2, seed=3)
    picked = queue.join(out)
    per_day = picked[picked["selected"]].groupby(["office", "day"]).size()
    assert per_day.loc["FR1"].tolist() == [5] * 10
    assert per_day.loc["BE1"].sum() == 4  # 5 % of 70, carried over the days
    fr = picked[picked["office"] == "FR1"]
    assert fr["exploration"].sum() == 10  # 20 % of the 50 picks
    top = fr[fr["selected"] & ~fr["exploration"]]
    assert (top["propensity"] == 1.0).all()
    rest = fr[~fr.index.isin(top.index)]
    assert np.allclose(rest["propensity"], 1 / 96)
    assert fr.groupby("day")["queue_rank"].max().tolist() == [100] * 10
    again = selection.select(queue, capacity=0.05, exploration=0.2, seed=3)
    assert again.equals(out)


def test_party_intelligence_matches_sellers_and_networks() -> None:
    provider = PartyIntelligence(
        flagged_sellers={"s1": "2 listings confirmed counterfeit"},
        member_network={"s1": "net-1", "d2:consignor": "net-1", "d3:importer": "net-9"},
        flagged_networks={"net-1": "seller s1 flagged"},
    )
    frame = pd.DataFrame({"id": ["d1", "d2", "d3"], "seller": ["s1", "", None]})
    found = provider.matches(frame, as_of=pd.Timestamp("2025-01-01", tz="UTC").to_pydatetime())
    assert [m.code for m in found["d1"]] == ["intel.seller_flagged", "intel.network_flagged"]
    assert [m.code for m in found["d2"]] == ["intel.network_flagged"]
    assert "d3" not in found
    assert boost(0.2, [Match("x", 0.5, "")]) == 0.6
