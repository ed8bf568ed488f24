"""Direct removal by brands whose notices are at least 90 % accurate: audited and reversible."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from fastapi.testclient import TestClient

from guetteur.audit.models import AuditEntry
from guetteur.clock import utcnow
from guetteur.marketplace.models import Listing, Notice, StatementOfReasons
from tests.conftest import Store, TenantWorld
from tests.web.helpers import bearer, log_in


def _track_record(factory: Any, tenants: TenantWorld, valid: int, invalid: int) -> None:
    for i in range(valid + invalid):
        listing = factory.listing(f"l-hist-{i}", tenants.seller_a, tenants.brand_a)
        factory.session.add(
            Notice(
                id=f"n-hist-{i}",
                brand_id="acme",
                listing_id=listing.id,
                reason="counterfeit",
                submitted_at=utcnow() - timedelta(days=30, minutes=i),
                decision="valid" if i < valid else "invalid",
            )
        )
    factory.commit()


BODY = {"reason": "counterfeit", "explanation": "Our pictures, a tenth of the price."}


def test_brand_below_ninety_percent_cannot_remove(
    store: Store, tenants: TenantWorld, client: TestClient, factory: Any
) -> None:
    _track_record(factory, tenants, valid=8, invalid=2)  # 80 %
    brand = bearer(tenants.tokens["brand_a"])
    accuracy = client.get("/api/brands/acme/notice-accuracy", headers=brand).json()
    assert accuracy["accuracy"] == 0.8 and accuracy["eligible"] is False
    refused = client.post("/api/listings/l-a/removal", json=BODY, headers=brand)
    assert refused.status_code == 403 and "80%" in refused.json()["detail"]
    assert client.get("/api/brands/zenith/notice-accuracy", headers=brand).status_code == 404
    log_in(client, tenants.users["brand_a"].email)
    assert "file a notice instead" in client.get("/listings/l-a/removal").text
    with store.sessions() as session:
        assert session.get(Listing, "l-a").status == "live"  # type: ignore[union-attr]


def test_accurate_brand_removes_its_own_listing_and_the_marketplace_undoes_it(
    store: Store, tenants: TenantWorld, client: TestClient, factory: Any
) -> None:
    _track_record(factory, tenants, valid=10, invalid=0)
    brand = bearer(tenants.tokens["brand_a"])
    assert client.post("/api/listings/l-b/removal", json=BODY, headers=brand).status_code == 404
    bad = client.post("/api/listings/l-a/removal", json={"reason": "counterfeit"}, headers=brand)
    assert bad.status_code == 422
    done = client.post("/api/listings/l-a/removal", json=BODY, headers=brand)
    assert done.status_code == 201, done.text
    removal = done.json()
    assert removal["accuracy"] == 1.0 and removal["previous_status"] == "live"
    assert client.post("/api/listings/l-a/removal", json=BODY, headers=brand).status_code == 409
    assert [r["id"] for r in client.get("/api/removals", headers=brand).json()] == [removal["id"]]
    other = client.get("/api/removals", headers=bearer(tenants.tokens["brand_b"])).json()
    assert other == []
    assert (
        client.post(f"/api/removals/{removal['id']}/restore", json={}, headers=brand).status_code
        == 403
    )
    csrf = log_in(client, tenants.users["analyst"].email)
    assert removal["id"] in client.get("/removals").text
    undone = client.post(
        f"/removals/{removal['id']}/restore",
        data={"csrf_token": csrf, "note": "licensed stock"},
        follow_redirects=False,
    )
    assert undone.status_code == 303
    with store.sessions() as session:
        assert session.get(Listing, "l-a").status == "live"  # type: ignore[union-attr]
        statement = session.query(StatementOfReasons).filter_by(removal_id=removal["id"]).one()
        assert statement.status == "reversed" and statement.automated_decision is False
        actions = {e.action for e in session.query(AuditEntry)}
        assert {"listing.direct_remove", "listing.direct_remove_undo"} <= actions
    # an undone removal counts against the brand: 10 valid of 11 decided is still above 90 %
    accuracy = client.get("/api/brands/acme/notice-accuracy", headers=brand).json()
    assert accuracy["decided"] == 11 and accuracy["valid"] == 10


def test_too_few_decided_notices_is_not_enough(
    tenants: TenantWorld, client: TestClient, factory: Any
) -> None:
    _track_record(factory, tenants, valid=3, invalid=0)
    brand = bearer(tenants.tokens["brand_a"])
    accuracy = client.get("/api/brands/acme/notice-accuracy", headers=brand).json()
    assert accuracy["accuracy"] == 1.0 and accuracy["eligible"] is False
    assert "10 needed" in accuracy["explanation"]
