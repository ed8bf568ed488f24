"""The store itself: migrations reach head on both databases with no drift from the models."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import inspect

from guetteur import migrate
from guetteur.config import Settings
from guetteur.db import make_engine


def test_upgrade_empty_database_to_head_has_no_drift(database_url: str, data_dir: Path) -> None:
    engine = make_engine(Settings(environment="test", data_dir=data_dir, database_url=database_url))
    try:
        migrate.upgrade(engine)
        tables = set(inspect(engine).get_table_names())
        assert {"organisations", "users", "audit_entries", "listings", "alembic_version"} <= tables
        assert migrate.drift(engine) == []
        migrate.upgrade(engine)  # running it again is a no-op
    finally:
        engine.dispose()
