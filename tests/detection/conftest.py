"""One small generated world, imported once into a SQLite store and trained once via the CLI."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import pytest
import typer
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker
from typer.testing import CliRunner

from guetteur import migrate
from guetteur.auth.actor import system_actor
from guetteur.config import Settings
from guetteur.db import Base, import_all_models, make_engine, make_session_factory, transaction
from guetteur.demo.world import generate
from guetteur.detection.cli import register
from guetteur.interchange import service as interchange

SCALE = 0.06
FILES = ("brands.jsonl", "products.jsonl", "sellers.jsonl", "listings.jsonl", "verdicts.jsonl",
         "notices.jsonl")  # fmt: skip


@dataclass
class World:
    """A generated world in a store, with a cutoff splitting its listings about 70/30."""

    folder: Path
    settings: Settings
    engine: Engine
    sessions: sessionmaker[Session]
    cutoff: datetime
    env: dict[str, str]


def cli() -> typer.Typer:
    app = typer.Typer()
    register(app)

    @app.command("version")
    def _version() -> None:  # a second command keeps typer's sub-command names
        """Unused."""

    return app


def _cutoff(folder: Path) -> datetime:
    lines = (folder / "listings.jsonl").read_text(encoding="utf-8").splitlines()
    times = sorted(json.loads(line)["created_at"] for line in lines)
    return datetime.fromisoformat(times[int(len(times) * 0.7)]).astimezone(UTC)


def _create_schema(engine: Engine) -> None:
    """Every table of the models, stamped at the migration head (so the CLI does not migrate):
    these tests exercise detection, not migrations, which other domains may be changing."""
    import_all_models()
    Base.metadata.create_all(engine)
    migrate.stamp_head(engine)


@pytest.fixture(scope="session")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    root = tmp_path_factory.mktemp("detection-world")
    generate(root / "world", scale=SCALE, seed=11)
    data_dir = root / "data"
    settings = Settings(environment="test", data_dir=data_dir, secret_key="test-secret")
    engine = make_engine(settings)
    _create_schema(engine)
    sessions = make_session_factory(engine)
    with transaction(sessions) as session:
        for name in FILES:
            interchange.import_file(
                session, path=root / "world" / name, actor=system_actor("test"), settings=settings
            )
    env = {"GUETTEUR_DATA_DIR": str(data_dir), "GUETTEUR_DATABASE_URL": settings.database_url}
    yield World(root / "world", settings, engine, sessions, _cutoff(root / "world"), env)
    engine.dispose()


@pytest.fixture(scope="session")
def trained(world: World) -> World:
    """The world after `guetteur train --cutoff` (without ablation, to stay fast)."""
    cutoff = world.cutoff.isoformat().replace("+00:00", "Z")
    result = CliRunner().invoke(
        cli(), ["train", "--cutoff", cutoff, "--no-ablation"], env=world.env
    )
    assert result.exit_code == 0, result.output
    return world
