"""A targeting run in the store (SQLite and PostgreSQL): stored, audited, learns from labels."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from guetteur.audit import service as audit
from guetteur.auth.actor import system_actor
from guetteur.customs.models import Inspection, Selection, TargetingRun
from guetteur.customs.targeting import run as targeting
from guetteur.customs.targeting import store as frames
from guetteur.db import transaction
from guetteur.demo.world import generate
from guetteur.errors import Forbidden, InvalidInput
from guetteur.interchange import service as interchange
from tests.conftest import Factory, Store
from tests.customs.helpers import BRAND_MANAGER
from tests.web.helpers import bearer, log_in

ACTOR = system_actor("test")


@pytest.fixture(scope="module")
def small_world(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("world")
    generate(folder, scale=0.05, seed=5)
    return folder


def test_run_is_stored_and_later_runs_weigh_by_propensity(store: Store, small_world: Path) -> None:
    with transaction(store.sessions) as session:
        interchange.import_dir(session, directory=small_world, actor=ACTOR, settings=store.settings)
    first_since = datetime(2025, 9, 1, tzinfo=UTC)
    with transaction(store.sessions) as session:
        provider = frames.party_intelligence(session, as_of=first_since)
        result = targeting.target(
            session, actor=ACTOR, since=first_since, provider=provider,
            options=targeting.Options(capacity=0.2, exploration=0.5),
        )  # fmt: skip
        run_id = result.run.id
    with store.sessions() as session:
        run = session.get_one(TargetingRun, run_id)
        stored = session.scalar(select(func.count()).where(Selection.run_id == run_id))
        assert stored == run.declarations == len(result.rows)
        explored = session.scalars(
            select(Selection).where(Selection.run_id == run_id, Selection.exploration)
        ).all()
        assert explored and all(0 < s.propensity <= 1 for s in explored)
        assert audit.count(session, action="targeting.run") == 1
        # the declarations explored, once inspected, weigh 1 / propensity in the next run
        ids = [s.declaration_id for s in explored]
        logged = frames.propensities(session, ids=ids, before=datetime(2025, 11, 1, tzinfo=UTC))
        assert logged == {s.declaration_id: max(s.propensity, 0.02) for s in explored}
        labels = frames.labels_frame(session, before=first_since)
        inspected = session.scalar(
            select(func.count(func.distinct(Inspection.declaration_id))).where(
                Inspection.inspected_at < first_since
            )
        )
        assert len(labels) <= inspected and set(labels["y2"]) <= {0, 1}
    with transaction(store.sessions) as session:
        later = targeting.target(session, actor=ACTOR, since=datetime(2025, 11, 1, tzinfo=UTC))
        assert later.run.training["rows"] >= run.training["rows"]
        with pytest.raises(Forbidden):
            targeting.target(session, actor=BRAND_MANAGER, since=first_since)
        with pytest.raises(InvalidInput):
            targeting.target(session, actor=ACTOR, since=datetime(2030, 1, 1, tzinfo=UTC))


def test_queue_and_inspection_screen(
    store: Store, small_world: Path, factory: Factory, client: TestClient
) -> None:
    with transaction(store.sessions) as session:
        interchange.import_dir(session, directory=small_world, actor=ACTOR, settings=store.settings)
        since = datetime(2025, 10, 1, tzinfo=UTC)
        result = targeting.target(session, actor=ACTOR, since=since)
    officer = factory.user(factory.org("customs", "douane"), "officer", "o@douane.example")
    token = factory.token(officer)
    factory.commit()
    log_in(client, officer.email)
    first = result.rows[0]
    page = client.get(f"/customs?office={first['office']}")
    assert page.status_code == 200 and first["declaration_id"] in page.text
    screen = client.get(f"/customs/declarations/{first['declaration_id']}")
    assert screen.status_code == 200 and "Why it was selected" in screen.text
    api = client.get("/api/customs/selections", headers=bearer(token))
    assert api.status_code == 200
