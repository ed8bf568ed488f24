"""Marketplace JSON API."""

from __future__ import annotations

from fastapi.testclient import TestClient

from tests.conftest import TenantWorld
from tests.web.helpers import bearer


def test_listings_api(tenants: TenantWorld, client: TestClient) -> None:
    mine = client.get("/api/listings", headers=bearer(tenants.tokens["brand_a"])).json()
    assert mine["total"] == 2
    item = mine["items"][0]
    assert item["seller_display_name"] == "Alpha Shop"
    assert "email" not in item and "phone" not in item
    held = client.get("/api/listings?status=held", headers=bearer(tenants.tokens["analyst"]))
    assert [x["id"] for x in held.json()["items"]] == ["l-a-held"]
    one = client.get("/api/listings/l-b", headers=bearer(tenants.tokens["analyst"])).json()
    assert one["price"] == "49.9000" or float(one["price"]) == 49.9
    bad = client.get("/api/listings?status=gone", headers=bearer(tenants.tokens["analyst"]))
    assert bad.status_code == 422


def test_sellers_api_by_role(tenants: TenantWorld, client: TestClient) -> None:
    summary = client.get("/api/sellers", headers=bearer(tenants.tokens["analyst"])).json()
    assert summary["total"] == 2 and "email" not in summary["items"][0]
    detail = client.get("/api/sellers/s-b", headers=bearer(tenants.tokens["investigator"]))
    assert detail.json()["email"] == "bravo@secret.example"
    for who in ("brand_a", "officer"):
        refused = client.get("/api/sellers/s-b", headers=bearer(tenants.tokens[who]))
        assert refused.status_code == 403, who
        assert "bravo" not in refused.text
    officer = client.get("/api/listings", headers=bearer(tenants.tokens["officer"]))
    assert officer.status_code == 403
