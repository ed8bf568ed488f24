"""The auth JSON API: /api/me, /api/auth/token, /api/tokens."""

from __future__ import annotations

from fastapi.testclient import TestClient

from tests.conftest import DEFAULT_PASSWORD, TenantWorld
from tests.web.helpers import bearer


def test_me(tenants: TenantWorld, client: TestClient) -> None:
    me = client.get("/api/me", headers=bearer(tenants.tokens["brand_a"])).json()
    assert me["email"] == "manager@brand-a.example"
    assert me["organisation"]["kind"] == "brand"
    assert me["brand_ids"] == ["acme"]
    assert "sellers:read" not in me["permissions"]


def test_no_or_bad_credentials_get_401_in_the_json_shape(
    client: TestClient, tenants: TenantWorld
) -> None:
    for headers in ({}, {"Authorization": "Basic abc"}, bearer("gt_not-a-real-token-at-all")):
        response = client.get("/api/me", headers=headers)
        assert response.status_code == 401
        assert response.json()["code"] == "unauthorized"
        assert response.headers["www-authenticate"] == "Bearer"


def test_token_for_password_and_wrong_password(tenants: TenantWorld, client: TestClient) -> None:
    email = tenants.users["officer"].email
    wrong = client.post("/api/auth/token", json={"email": email, "password": "bad password"})
    assert wrong.status_code == 401
    ok = client.post("/api/auth/token", json={"email": email, "password": DEFAULT_PASSWORD})
    assert ok.status_code == 201
    assert client.get("/api/me", headers=bearer(ok.json()["token"])).status_code == 200
    extra = client.post(
        "/api/auth/token", json={"email": email, "password": DEFAULT_PASSWORD, "admin": True}
    )
    assert extra.status_code == 422
    assert extra.json()["errors"][0]["field"] == "body.admin"


def test_create_list_and_revoke_own_tokens(tenants: TenantWorld, client: TestClient) -> None:
    headers = bearer(tenants.tokens["investigator"])
    created = client.post("/api/tokens", json={"name": "laptop"}, headers=headers)
    assert created.status_code == 201
    new = created.json()
    listed = client.get("/api/tokens", headers=headers).json()
    assert [t["name"] for t in listed] == ["laptop", "test"]
    assert all("token" not in t for t in listed)
    assert client.post("/api/tokens", json={"name": ""}, headers=headers).status_code == 422
    assert client.delete(f"/api/tokens/{new['id']}", headers=headers).json()["revoked_at"]
    assert client.get("/api/me", headers=bearer(new["token"])).status_code == 401
    assert client.delete("/api/tokens/99999", headers=headers).status_code == 404
    assert client.delete("/api/tokens/abc", headers=headers).status_code == 422
