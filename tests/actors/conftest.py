"""Shared fixtures of the actors tests: a small synthetic world and one model trained on it."""

from __future__ import annotations

from pathlib import Path

import pytest

from guetteur.actors import linkage, synthetic
from guetteur.actors.records import LinkRecord, from_seller, to_arrow


@pytest.fixture(scope="session")
def world() -> synthetic.World:
    return synthetic.generate(1200, seed=3, ring_share=0.15, super_addresses=2, emulators=2)


@pytest.fixture(scope="session")
def world_records(world: synthetic.World) -> list[LinkRecord]:
    return [from_seller(s) for s in world.sellers]


@pytest.fixture(scope="session")
def trained(world_records: list[LinkRecord], tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A models folder holding one linkage model trained on the world."""
    models_dir = tmp_path_factory.mktemp("models")
    model = linkage.train(to_arrow(world_records), max_pairs=2e5, seed=1)
    linkage.save(models_dir, model, engine="duckdb", training={"records": len(world_records)})
    return models_dir
