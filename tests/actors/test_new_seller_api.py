"""`POST /api/sellers` links a new account into its network at once when a linking run exists."""

from __future__ import annotations

import shutil
from datetime import datetime
from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient

from guetteur.actors import pipeline, service, synthetic
from guetteur.actors.models import NetworkMember
from guetteur.auth.actor import system_actor
from guetteur.marketplace.models import Seller
from tests.conftest import Store, TenantWorld
from tests.web.helpers import bearer


def test_a_new_account_joins_the_network_it_shares_identifiers_with(
    store: Store, tenants: TenantWorld, client: TestClient, trained: Path, world: synthetic.World
) -> None:
    shutil.copytree(trained, store.settings.models_dir, dirs_exist_ok=True)
    sellers = world.sellers[:500]
    with store.sessions.begin() as session:
        for data in sellers:
            fields = {k: v for k, v in data.items() if k != "created_at"}
            session.add(Seller(**fields, created_at=datetime.fromisoformat(data["created_at"])))
    with store.sessions.begin() as session:
        service.link(
            session, actor=system_actor("test"), models_dir=store.settings.models_dir,
            options=pipeline.Options(cap=20),
        )  # fmt: skip
    with store.sessions() as session:
        linked = {m.member_id: m.network_id for m in session.query(NetworkMember)}
    member = next(s for s in sellers if s["id"] in linked and s.get("bank_account"))
    network_id = linked[member["id"]]
    body: dict[str, Any] = {
        "id": "NEW0001", "display_name": "Fresh Start Shop", "country": "FR",
        "email": "fresh@example.net", "phone": member["phone"],
        "bank_account": member["bank_account"], "devices": ["dev-new"],
        "created_at": "2025-06-01T00:00:00+00:00",
    }  # fmt: skip
    response = client.post("/api/sellers", json=body, headers=bearer(tenants.tokens["analyst"]))
    assert response.status_code == 201, response.text
    found = response.json()
    assert found["linked"] is True and found["network_id"] == network_id
