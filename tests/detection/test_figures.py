"""The proactive-rate figures of the dashboards (SQLite and PostgreSQL), own brands only."""

from __future__ import annotations

from datetime import UTC, datetime

from fastapi.testclient import TestClient

from guetteur.auth.actor import Actor
from guetteur.detection import figures
from guetteur.detection.models import DetectionDecision
from tests.conftest import Factory, Store, TenantWorld
from tests.web.helpers import log_in

NOW = datetime(2025, 3, 20, tzinfo=UTC)


def _facts(factory: Factory, tenants: TenantWorld) -> None:
    stopped = factory.listing("a-fake", tenants.seller_a, tenants.brand_a, status="blocked")
    honest = factory.listing("a-honest", tenants.seller_a, tenants.brand_a, status="live")
    factory.verdict(stopped, "counterfeit")
    factory.verdict(honest, "genuine")
    for listing_id in ("a-fake", "a-honest"):
        factory.session.add(
            DetectionDecision(listing_id=listing_id, score=0.97, decision="block", reasons=[],
                              model_version="m", decided_at=datetime(2025, 3, 1, tzinfo=UTC))
        )  # fmt: skip
    factory.commit()


def _actor(tenants: TenantWorld, who: str, kind: str, brands: frozenset[str]) -> Actor:
    return Actor(label=who, organisation_kind=kind, role="analyst", user_id=tenants.users[who].id,
                 brand_ids=brands, permissions=frozenset({"listings:read"}))  # fmt: skip


def test_proactive_and_false_block_rates_per_tenant(
    store: Store, factory: Factory, tenants: TenantWorld
) -> None:
    _facts(factory, tenants)
    market = _actor(tenants, "analyst", "marketplace", frozenset())
    brand_a = _actor(tenants, "brand_a", "brand", frozenset({"acme"}))
    with store.sessions() as session:
        recent, ever = figures.recent_and_all_time(session, actor=market, now=NOW)
        own, _ = figures.recent_and_all_time(session, actor=brand_a, now=NOW)
    # marketplace: l-b (reported while live) and a-fake (stopped before any notice)
    assert recent.confirmed_counterfeit == 2 and recent.proactive_rate == 50.0
    assert recent.confirmed_genuine == 1 and recent.false_block_rate == 100.0
    assert recent.notices_per_thousand_listings is not None
    assert ever.proactive_rate == 50.0
    assert own.confirmed_counterfeit == 1 and own.proactive_rate == 100.0


def test_the_dashboards_show_them(
    store: Store, factory: Factory, tenants: TenantWorld, client: TestClient
) -> None:
    _facts(factory, tenants)
    for who in ("analyst", "brand_a"):
        log_in(client, tenants.users[who].email)
        page = client.get("/").text
        assert "Proactive rate (%)" in page and "Detection, all time" in page
        client.post("/logout", data={})
