"""Registry JSON API."""

from __future__ import annotations

from fastapi.testclient import TestClient

from tests.conftest import TenantWorld
from tests.web.helpers import bearer


def test_brands_api_applies_tenancy(tenants: TenantWorld, client: TestClient) -> None:
    mine = client.get("/api/brands", headers=bearer(tenants.tokens["brand_a"])).json()
    assert [b["id"] for b in mine["items"]] == ["acme"] and mine["total"] == 1
    everyone = client.get("/api/brands?limit=1", headers=bearer(tenants.tokens["analyst"])).json()
    assert everyone["total"] == 2 and len(everyone["items"]) == 1
    acme = client.get("/api/brands/acme", headers=bearer(tenants.tokens["officer"])).json()
    assert acme["name"] == "Acme Sneakers"
    hidden = client.get("/api/brands/zenith", headers=bearer(tenants.tokens["brand_a"]))
    assert hidden.status_code == 404 and hidden.json()["code"] == "not_found"


def test_brands_api_validates_paging(tenants: TenantWorld, client: TestClient) -> None:
    headers = bearer(tenants.tokens["analyst"])
    for query in ("limit=0", "limit=100000", "offset=-1", "q=" + "x" * 201):
        assert client.get(f"/api/brands?{query}", headers=headers).status_code == 422, query
