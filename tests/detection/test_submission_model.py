"""Submission through the API with a trained model (a copy of the detection world's store)."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from guetteur.auth import service as auth
from guetteur.auth.actor import system_actor
from guetteur.config import Settings
from guetteur.db import make_engine, make_session_factory, transaction
from guetteur.detection.online import current_version
from guetteur.marketplace.models import Seller
from guetteur.registry.models import AuthorisedSeller, Brand
from guetteur.web.app import create_app
from tests.detection.conftest import World


@pytest.fixture
def copy(trained: World, tmp_path: Path) -> Iterator[tuple[TestClient, str, str, str]]:
    data_dir = tmp_path / "data"
    shutil.copytree(trained.settings.data_dir, data_dir)
    settings = Settings(environment="test", data_dir=data_dir, secret_key="test-secret")
    engine = make_engine(settings)
    actor = system_actor("test")
    with transaction(make_session_factory(engine)) as session:
        org = auth.create_organisation(
            session, actor=actor, slug="mkt", name="M", kind="marketplace"
        )
        user = auth.create_user(
            session, actor=actor, organisation_id=org.id, email="a@mkt.example",
            display_name="A", role="analyst", password="a-long-test-passphrase-1",
        )  # fmt: skip
        _row, token = auth.create_token(session, actor=actor, user_id=user.id, name="t")
        authorised = set(session.scalars(select(AuthorisedSeller.seller_id)))
        seller = next(s for s in session.scalars(select(Seller.id)) if s not in authorised)
        brand = session.scalars(select(Brand.name).order_by(Brand.id)).first()
        version = current_version(session)
    assert brand is not None and version is not None
    with TestClient(create_app(settings, engine=engine)) as client:
        client.headers["Authorization"] = f"Bearer {token}"
        yield client, seller, brand, version
    engine.dispose()


def test_a_submission_is_scored_by_the_current_model(
    copy: tuple[TestClient, str, str, str],
) -> None:
    client, seller, brand, version = copy
    body = {
        "id": "fresh-1", "seller_id": seller, "brand": brand, "category": "sneakers",
        "title": f"{brand} replica 1:1 AAA mirror quality same factory",
        "description": "Top replica, 1:1 copy.", "price": 4.0, "currency": "EUR",
        "ships_from": "CN", "quantity": 500,
    }  # fmt: skip
    response = client.post("/api/listings", json=body)
    assert response.status_code == 201, response.text
    decision = response.json()["decision"]
    assert decision["model_version"] == version
    assert decision["decision"] in ("hold", "block") and decision["reasons"]
    assert response.json()["status"] in ("held", "blocked")
    assert all(r["code"] != "RULES_ONLY" for r in decision["reasons"])
