"""Loader for the Korea Customs Service synthetic import declarations (../shared/data/customs).

Jeong, Kim, Park, Choi, "Customs Import Declaration Datasets", arXiv:2208.02484 (2022), MIT
licence, (c) 2022 Institute for Basic Science & Korea Customs Service. The files are split by
date (train 2020, valid 2021-Q1, test 2021-Q2): tune on train and valid, keep test for the final
figures. Every row was inspected; `Fraud` is any finding and `Critical Fraud` = 2 the critical
one (the closest public proxy for IP infringement).
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from guetteur.customs.targeting.features import FeatureSpec

FILES = {
    "train": "df_syn_train_eng.csv",
    "valid": "df_syn_valid_eng.csv",
    "test": "df_syn_test_eng.csv",
}
ID_COLUMNS = ("Declaration ID", "Declarant ID", "Importer ID", "Seller ID", "Courier ID")
CODE_COLUMNS = (
    "Office ID",
    "Process Type",
    "Import Type",
    "Import Use",
    "Payment Type",
    "Mode of Transport",
    "HS6 Code",
    "Country of Departure",
    "Country of Origin",
    "Tax Type",
    "Country of Origin Indicator",
)
EXTRA_CATEGORICALS = (
    "process",
    "import_type",
    "import_use",
    "payment",
    "tax_type",
    "origin_indicator",
)
LABEL_DELAY = pd.Timedelta(days=1)

KCS_SPEC = FeatureSpec(
    entities=(
        "importer",
        "declarant",
        "consignor",
        "courier",
        "hs6",
        "hs4",
        "origin",
        "departure",
        "office",
        "route",
        "office_hs4",
        "origin_hs4",
        "importer_hs4",
        "declarant_office",
    ),
    categoricals=("office", "origin", "transport", "hs2", *EXTRA_CATEGORICALS),
    numerics=("tax_rate",),
    extra_keys={"importer_hs4": ("importer", "hs4"), "declarant_office": ("declarant", "office")},
)


def read(path: Path) -> pd.DataFrame:
    """One KCS file, ids and codes as strings (leading zeros of HS codes kept)."""
    dtypes = dict.fromkeys((*ID_COLUMNS, *CODE_COLUMNS), str)
    return pd.read_csv(path, dtype=dtypes, keep_default_na=False, na_values={"Net Mass": [""]})


def canonical(raw: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(declarations frame, labels frame) in the columns `targeting.features` takes."""
    at = pd.to_datetime(raw["Date"], utc=True)
    frame = pd.DataFrame(
        {
            "id": raw["Declaration ID"],
            "at": at,
            "office": raw["Office ID"],
            "declarant": raw["Declarant ID"],
            "importer": raw["Importer ID"],
            "consignor": raw["Seller ID"],
            "courier": raw["Courier ID"],
            "seller": "",
            "hs": raw["HS6 Code"].str.zfill(6),
            "origin": raw["Country of Origin"],
            "departure": raw["Country of Departure"],
            "transport": raw["Mode of Transport"],
            "quantity": 1.0,
            "weight": pd.to_numeric(raw["Net Mass"], errors="coerce"),
            "value": pd.to_numeric(raw["Item Price"], errors="coerce"),
            "description": "n/a",
            "process": raw["Process Type"],
            "import_type": raw["Import Type"],
            "import_use": raw["Import Use"],
            "payment": raw["Payment Type"],
            "tax_type": raw["Tax Type"],
            "origin_indicator": raw["Country of Origin Indicator"],
            "tax_rate": pd.to_numeric(raw["Tax Rate"], errors="coerce"),
        }
    )
    labels = pd.DataFrame(
        {
            "id": raw["Declaration ID"],
            "known_at": at + LABEL_DELAY,
            "y": raw["Fraud"].astype(int),
            "y2": (raw["Critical Fraud"].astype(int) == 2).astype(int),
        }
    )
    return frame, labels


def load(directory: Path, split: str) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """(raw, frame, labels) of one split: `train`, `valid` or `test`."""
    raw = read(directory / FILES[split])
    frame, labels = canonical(raw)
    return raw, frame, labels
