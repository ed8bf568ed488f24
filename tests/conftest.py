"""Shared fixtures: settings, a store on SQLite and on PostgreSQL, sessions.

Every test that takes `store` (or `session`) runs twice, once per database. Without a PostgreSQL
server the PostgreSQL leg is skipped with a visible notice, unless GUETTEUR_REQUIRE_POSTGRES=1
(set by .ci/run), which turns the skip into a failure.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.orm import Session, sessionmaker

from guetteur.config import Settings
from guetteur.db import Base, import_all_models, make_engine, make_session_factory

POSTGRES_URL = os.environ.get(
    "GUETTEUR_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)
REQUIRE_POSTGRES = os.environ.get("GUETTEUR_REQUIRE_POSTGRES") == "1"
REQUIRE_SHARED = os.environ.get("GUETTEUR_REQUIRE_SHARED") == "1"
SHARED_DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data"
_notices: list[str] = []


def postgres_available() -> bool:
    """Whether the PostgreSQL test server answers (checked once)."""
    if not hasattr(postgres_available, "answer"):
        try:
            probe = create_engine(POSTGRES_URL, connect_args={"connect_timeout": 3})
            with probe.connect() as conn:
                conn.execute(text("select 1"))
            probe.dispose()
            postgres_available.answer = True  # type: ignore[attr-defined]
        except Exception as exc:
            _notices.append(
                f"PostgreSQL leg SKIPPED: no server at {POSTGRES_URL} ({exc.__class__.__name__})"
            )
            postgres_available.answer = False  # type: ignore[attr-defined]
    return postgres_available.answer  # type: ignore[attr-defined]


def require_postgres() -> None:
    """Skip (visibly) or fail, depending on GUETTEUR_REQUIRE_POSTGRES, when there is no server."""
    if postgres_available():
        return
    if REQUIRE_POSTGRES:
        pytest.fail(
            f"GUETTEUR_REQUIRE_POSTGRES=1 but PostgreSQL is not reachable at {POSTGRES_URL}"
        )
    pytest.skip(f"PostgreSQL not reachable at {POSTGRES_URL}")


def require_shared_data() -> Path:
    """The ../shared/data folder, or a visible skip (a failure when GUETTEUR_REQUIRE_SHARED=1)."""
    if SHARED_DATA.is_dir():
        return SHARED_DATA
    message = f"../shared/data not found at {SHARED_DATA}"
    if REQUIRE_SHARED:
        pytest.fail(f"GUETTEUR_REQUIRE_SHARED=1 but {message}")
    _notices.append(f"tests needing shared data SKIPPED: {message}")
    pytest.skip(message)


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    for notice in dict.fromkeys(_notices):
        terminalreporter.write_line(f"NOTICE: {notice}", yellow=True, bold=True)


@dataclass
class Store:
    """A migrated, empty store for one test."""

    kind: str
    settings: Settings
    engine: Engine
    sessions: sessionmaker[Session]


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    path = tmp_path / "guetteur-data"
    path.mkdir()
    return path


@pytest.fixture
def sqlite_settings(data_dir: Path) -> Settings:
    return Settings(environment="test", data_dir=data_dir, secret_key="test-secret")


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, data_dir: Path) -> Iterator[str]:
    """A fresh, empty database: a SQLite file, or a PostgreSQL schema of its own."""
    if request.param == "sqlite":
        yield f"sqlite:///{data_dir / 'guetteur.db'}"
        return
    require_postgres()
    schema = f"t_{uuid.uuid4().hex[:12]}"
    admin = create_engine(POSTGRES_URL)
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    try:
        yield f"{POSTGRES_URL}?options=-csearch_path%3D{schema}"
    finally:
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


@pytest.fixture
def store(database_url: str, data_dir: Path) -> Iterator[Store]:
    """An empty store with every table, on SQLite and on PostgreSQL."""
    import_all_models()
    settings = Settings(
        environment="test", data_dir=data_dir, database_url=database_url, secret_key="test-secret"
    )
    engine = make_engine(settings)
    Base.metadata.create_all(engine)
    try:
        yield Store(
            database_url.split(":")[0].split("+")[0], settings, engine, make_session_factory(engine)
        )
    finally:
        engine.dispose()


@pytest.fixture
def session(store: Store) -> Iterator[Session]:
    """A session on the store; the test decides when to commit."""
    with store.sessions() as session:
        yield session
