"""Probabilistic linkage with Splink (Fellegi-Sunter): settings, training, prediction, artefacts.

The comparisons are declared once (`SPEC`) and turned into Splink settings here; `scorer.py`
applies the same trained weights to one new record without a database round trip.
"""

from __future__ import annotations

import copy
import json
import logging
import math
import re
import uuid
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import pyarrow as pa

from guetteur.clock import utcnow
from guetteur.errors import GuetteurError

ARTEFACT_FORMAT = "guetteur.linkage/1"
ENGINES = ("duckdb", "spark")
SQL_DIALECT = {"duckdb": "duckdb", "spark": "spark"}
DEFAULT_THRESHOLD = 0.99
_VERSION_FILE = re.compile(r"linkage-v(\d+)\.json")
log = logging.getLogger(__name__)


@dataclass(frozen=True)
class ComparisonSpec:
    """One compared column: null, exact, Jaro-Winkler levels (highest first), anything else."""

    column: str
    label: str
    jaro_winkler: tuple[float, ...] = ()
    term_frequency: bool = False


SPEC: tuple[ComparisonSpec, ...] = (
    ComparisonSpec("name", "shop name", (0.95, 0.88), term_frequency=True),
    ComparisonSpec("company", "company name", (0.95, 0.88), term_frequency=True),
    ComparisonSpec("address_key", "address", (0.95, 0.88), term_frequency=True),
    ComparisonSpec("postcode", "postcode", term_frequency=True),
    ComparisonSpec("phone", "phone"),
    ComparisonSpec("email", "e-mail"),
    ComparisonSpec("bank", "bank account"),
    ComparisonSpec("registration", "registration number"),
)
# Pairs are compared when they share one of these keys (a Splink blocking rule each).
BLOCKING_KEYS: tuple[str, ...] = (
    "bank",
    "phone",
    "email",
    "registration",
    "address_key",
    "company",
    "name_block",
)
# EM sessions: each estimates the m probabilities of every comparison but its own column.
TRAINING_BLOCKS: tuple[str, ...] = ("bank", "phone", "address_key", "name_block")


def splink_settings(
    spec: tuple[ComparisonSpec, ...] = SPEC, blocking_keys: tuple[str, ...] = BLOCKING_KEYS
) -> Any:
    """The Splink `SettingsCreator` for seller and party deduplication."""
    import splink.comparison_library as cl
    from splink import SettingsCreator, block_on

    comparisons: list[Any] = []
    for item in spec:
        comparison: Any
        if item.jaro_winkler:
            comparison = cl.JaroWinklerAtThresholds(item.column, list(item.jaro_winkler))
        else:
            comparison = cl.ExactMatch(item.column)
        if item.term_frequency:
            comparison = comparison.configure(term_frequency_adjustments=True)
        comparisons.append(comparison)
    return SettingsCreator(
        link_type="dedupe_only",
        comparisons=comparisons,
        blocking_rules_to_generate_predictions=[block_on(key) for key in blocking_keys],
        retain_matching_columns=False,
        retain_intermediate_calculation_columns=True,
        probability_two_random_records_match=1e-4,
    )


def db_api(engine: str = "duckdb") -> Any:
    """The Splink database API of an engine; Spark fails with one clear line when missing."""
    if engine == "duckdb":
        from splink import DuckDBAPI

        return DuckDBAPI()
    if engine == "spark":
        from guetteur.spark import spark_session

        session = spark_session("guetteur-link")  # one clear line when PySpark or Java is missing
        from splink.backends.spark import SparkAPI

        # Intermediate tables are cached in memory (spilling to local disk), not written as files.
        return SparkAPI(spark_session=session, break_lineage_method="persist")
    raise GuetteurError(f"unknown engine {engine!r}: choose one of {', '.join(ENGINES)}")


def for_dialect(model: dict[str, Any], dialect: str) -> dict[str, Any]:
    """A trained model on another SQL dialect: the same comparisons, levels and parameters, with
    the SQL of `splink_settings()` written for that dialect. Artefacts are kept in DuckDB's."""
    if model.get("sql_dialect", "duckdb") == dialect:
        return copy.deepcopy(model)
    fresh = splink_settings().create_settings_dict(dialect)
    out = copy.deepcopy(model)
    out["sql_dialect"] = dialect
    out["blocking_rules_to_generate_predictions"] = fresh["blocking_rules_to_generate_predictions"]
    for saved, written in zip(out["comparisons"], fresh["comparisons"], strict=True):
        levels, conditions = saved["comparison_levels"], written["comparison_levels"]
        if saved["output_column_name"] != written["output_column_name"] or len(levels) != len(
            conditions
        ):
            raise GuetteurError(f"model does not match the comparison spec on {saved!r:.60}")
        for level, condition in zip(levels, conditions, strict=True):
            level["sql_condition"] = condition["sql_condition"]
    return out


def _linker(table: pa.Table, settings: Any, engine: str) -> Any:
    from splink import Linker

    api = db_api(engine)
    # a Spark session outlives the linker: each run registers its records under its own name
    name = "records" if engine == "duckdb" else f"records_{uuid.uuid4().hex[:12]}"
    frame = api.register(table, dataset_display_name="records", table_name=name)
    return Linker(frame, settings, log_level=logging.ERROR)


def _close(linker: Any) -> None:
    """Free the linker's database now (its tables can take gigabytes on a million records)."""
    api = linker._db_api
    connection = getattr(api, "_con", None)
    if connection is not None:
        connection.close()
    elif getattr(api, "spark", None) is not None:  # Spark: drop this run's views, uncache them
        api.delete_tables_created_by_splink_from_db()
        for name in api._registered_table_names:
            api.spark.catalog.dropTempView(name)


def train(
    table: pa.Table,
    *,
    engine: str = "duckdb",
    seed: int = 42,
    max_pairs: float = 2e6,
    em_sample: float = 1.0,
) -> dict[str, Any]:
    """Train the model on the records: prior from exact keys, u by sampling, m by EM."""
    from splink import block_on

    linker = _linker(table, splink_settings(), engine)
    try:
        linker.training.estimate_probability_two_random_records_match(
            [block_on("bank"), block_on("phone")], recall=0.6
        )
    except Exception as exc:  # too few exact matches to estimate; keep the default prior
        log.info("prior not estimated: %s", exc)
    pairs = min(max_pairs, max(table.num_rows * (table.num_rows - 1) / 2, 1))
    linker.training.estimate_u_using_random_sampling(max_pairs=pairs, seed=seed)
    for key in TRAINING_BLOCKS:
        # a failed session can leave its blocked comparison out of the model: restore it
        saved = copy.deepcopy(linker._settings_obj)
        try:
            linker.training.estimate_parameters_using_expectation_maximisation(
                block_on(key), record_sample_proportion=em_sample
            )
        except Exception as exc:  # a block with no pairs (or a degenerate one) teaches nothing
            log.info("EM on %s skipped: %s", key, exc)
            linker._settings_obj = saved
    model = for_dialect(dict(linker.misc.save_model_to_json()), "duckdb")
    _close(linker)
    columns = [c["output_column_name"] for c in model["comparisons"]]
    if columns != [item.column for item in SPEC]:
        raise GuetteurError(f"training lost comparisons: got {columns}")
    return model


def predict(
    table: pa.Table,
    model: dict[str, Any],
    *,
    engine: str = "duckdb",
    threshold: float = DEFAULT_THRESHOLD,
) -> pa.Table:
    """Scored pairs at or above the threshold: ids, match weight, probability, gamma levels."""
    linker = _linker(table, for_dialect(model, SQL_DIALECT[engine]), engine)
    result = linker.inference.predict(threshold_match_probability=threshold, warning_mode="never")
    pairs: pa.Table = result.as_pyarrow_table()
    _close(linker)
    keep = [c for c in pairs.column_names if c in _PAIR_COLUMNS or c.startswith("mw_")]
    return pairs.select(keep)


_PAIR_COLUMNS = ("unique_id_l", "unique_id_r", "match_weight", "match_probability")


@dataclass(frozen=True)
class Artefact:
    """A saved model: its version, file, chart and content."""

    version: int
    path: Path
    chart_path: Path
    content: dict[str, Any]

    @property
    def model(self) -> dict[str, Any]:
        return dict(self.content["splink_model"])

    @property
    def weights(self) -> dict[str, Any]:
        """The exported weights the fast scorer applies (saved with the model)."""
        return dict(self.content["weights"])

    @property
    def name(self) -> str:
        return f"linkage-v{self.version:04d}"


def _folder(models_dir: Path) -> Path:
    return models_dir / "linkage"


def _versions(models_dir: Path) -> list[int]:
    folder = _folder(models_dir)
    if not folder.is_dir():
        return []
    found = (_VERSION_FILE.fullmatch(p.name) for p in folder.iterdir())
    return sorted(int(m.group(1)) for m in found if m)


def save(
    models_dir: Path, model: dict[str, Any], *, engine: str, training: dict[str, Any]
) -> Artefact:
    """Write the model as the next versioned artefact, with its match-weight chart (SVG)."""
    from splink import __version__ as splink_version

    from guetteur.actors.charts import match_weights_svg

    version = (_versions(models_dir) or [0])[-1] + 1
    folder = _folder(models_dir)
    folder.mkdir(parents=True, exist_ok=True)
    content = {
        "format": ARTEFACT_FORMAT,
        "version": version,
        "created_at": utcnow().isoformat(),
        "engine": engine,
        "splink_version": splink_version,
        "spec": [asdict(item) for item in SPEC],
        "blocking_keys": list(BLOCKING_KEYS),
        "training": training,
        "splink_model": model,
        "weights": export_weights(model),
    }
    path = folder / f"linkage-v{version:04d}.json"
    path.write_text(json.dumps(content, indent=1, sort_keys=True), encoding="utf-8")
    chart_path = folder / f"linkage-v{version:04d}-weights.svg"
    chart_path.write_text(match_weights_svg(model, title=f"linkage v{version}"), encoding="utf-8")
    return Artefact(version, path, chart_path, content)


def latest_file(models_dir: Path) -> Path | None:
    """The file of the latest artefact, without reading it (None when none was trained)."""
    versions = _versions(models_dir)
    return _folder(models_dir) / f"linkage-v{versions[-1]:04d}.json" if versions else None


def load(models_dir: Path, version: int | None = None) -> Artefact | None:
    """The artefact of a version (default: the latest), or None when none was trained."""
    versions = _versions(models_dir)
    if not versions:
        return None
    chosen = versions[-1] if version is None else version
    path = _folder(models_dir) / f"linkage-v{chosen:04d}.json"
    if not path.exists():
        raise GuetteurError(f"no linkage model version {chosen} in {path.parent}")
    content = json.loads(path.read_text(encoding="utf-8"))
    return Artefact(chosen, path, path.with_name(f"{path.stem}-weights.svg"), content)


def export_weights(
    model: dict[str, Any], spec: tuple[ComparisonSpec, ...] = SPEC
) -> dict[str, Any]:
    """The weights exactly as Splink applies them: per level, term-frequency terms, prior."""
    from splink import SettingsCreator

    settings = SettingsCreator.from_path_or_dict(copy.deepcopy(model)).get_settings("duckdb")
    comparisons = []
    for item, comparison in zip(spec, settings.comparisons, strict=True):
        levels = [lv for lv in comparison.comparison_levels if not lv.is_null_level]
        kinds = ["exact", *(f"jw:{t}" for t in item.jaro_winkler), "else"]
        if len(kinds) != len(levels):
            raise GuetteurError(f"model does not match the comparison spec on {item.column}")
        comparisons.append(
            {
                "column": item.column,
                "label": item.label,
                "levels": [
                    _level(lv, kind, levels) for lv, kind in zip(levels, kinds, strict=True)
                ],
            }
        )
    lam = float(settings._probability_two_random_records_match)
    return {"prior": math.log2(lam / (1 - lam)), "comparisons": comparisons}


def _level(level: Any, kind: str, levels: list[Any]) -> dict[str, Any]:
    out: dict[str, Any] = {
        "label": str(level.label_for_charts),
        "kind": kind,
        "weight": float(level._match_weight or 0.0),
    }
    if level._has_tf_adjustments and level._tf_adjustment_weight and not level._is_else_level:
        out["tf_weight"] = float(level._tf_adjustment_weight)
        u_exact = level._u_probability_corresponding_to_exact_match(levels)
        out["tf_log2_u"] = math.log2(u_exact)
        out["tf_min_u"] = float(level._tf_minimum_u_value)
    return out
