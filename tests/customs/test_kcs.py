"""The KCS loader keeps ids as strings, HS codes with their zeros, and the split by date."""

from __future__ import annotations

from guetteur.customs import kcs
from tests.conftest import require_shared_data


def test_kcs_valid_file_loads_into_canonical_columns() -> None:
    folder = require_shared_data() / "customs"
    raw, frame, labels = kcs.load(folder, "valid")
    assert len(raw) == len(frame) == len(labels) == 8134
    assert frame["hs"].str.len().eq(6).all() and frame["id"].is_unique
    assert frame["at"].min().isoformat().startswith("2021-01-01")
    assert frame["at"].max().isoformat().startswith("2021-03-31")
    assert int(labels["y"].sum()) == 1704 and int(labels["y2"].sum()) == 78
    assert (labels["known_at"] > frame["at"]).all()
