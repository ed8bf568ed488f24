"""The process-level cache links exactly as the store index does: same candidates, same term
frequencies, same match weights; refreshed on a new run, caught up with other writers."""

from __future__ import annotations

import shutil
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

from guetteur.actors import cache, pipeline, service, synthetic
from guetteur.actors import index as store_index
from guetteur.actors.records import from_seller
from guetteur.actors.scorer import Scorer, link_one
from guetteur.auth.actor import system_actor
from guetteur.marketplace.models import Seller
from tests.conftest import Store

ACTOR = system_actor("test")


@pytest.fixture
def models_dir(trained: Path, tmp_path: Path) -> Path:
    target = tmp_path / "models"
    shutil.copytree(trained, target)
    return target


def _seller(data: dict[str, Any]) -> Seller:
    fields = {k: v for k, v in data.items() if k != "created_at"}
    return Seller(**fields, created_at=datetime.fromisoformat(data["created_at"]))


def test_cached_index_scores_like_the_store(
    store: Store, models_dir: Path, world: synthetic.World
) -> None:
    sellers = world.sellers[:300]
    with store.sessions.begin() as session:
        session.add_all(_seller(s) for s in sellers)
    with store.sessions.begin() as session:
        service.link(session, actor=ACTOR, models_dir=models_dir, options=pipeline.Options(cap=20))
    found = cache.scorer(models_dir)
    assert found is not None and cache.scorer(models_dir) is found  # read once
    scorer = Scorer(found[0].weights)
    with store.sessions() as session:
        run = service.latest_run(session)
        assert run is not None
        cached = cache.run_cache(session, run)
        assert cache.run_cache(session, run) is cached
        stored = store_index.StoreIndex(session, run.tf_totals)
        for data in world.sellers[300:340]:
            record = from_seller(data).without(cached.excluded)
            expected = link_one(scorer, stored, record, threshold=0.5)
            got = link_one(found[1], cached.index, record, threshold=0.5)
            assert [(m.other_id, m.match_weight) for m in got] == [
                (m.other_id, m.match_weight) for m in expected
            ]
            assert {r.unique_id for r in cached.index.candidates(record)} == {
                r.unique_id for r in stored.candidates(record)
            }
    # another writer adds a record to the store's index: the next use catches up
    newcomer = from_seller(world.sellers[400])
    with store.sessions.begin() as session:
        store_index.add(session, newcomer)
    with store.sessions() as session:
        assert newcomer.unique_id not in cached.index.records
        run = service.latest_run(session)
        assert run is not None
        assert cache.run_cache(session, run) is cached
        assert newcomer.unique_id in cached.index.records
