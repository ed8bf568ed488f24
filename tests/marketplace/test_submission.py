"""Listing submission through the API (SQLite and PostgreSQL): scored and decided before going
live, edits re-scored, decisions stored and audited, bad input a 422 naming the field."""

from __future__ import annotations

import base64
import io
import json
from datetime import UTC, datetime
from typing import Any

from fastapi.testclient import TestClient
from PIL import Image
from sqlalchemy import select

from guetteur.actors.models import LinkageRun
from guetteur.audit.models import AuditEntry
from guetteur.detection.models import DetectionDecision
from guetteur.marketplace.models import Listing, Seller
from tests.conftest import Store, TenantWorld
from tests.web.helpers import bearer


def _png(size: tuple[int, int] = (64, 64), mode: str = "RGB") -> bytes:
    out = io.BytesIO()
    Image.new(mode, size, color=1 if mode == "1" else (200, 30, 30)).save(out, format="PNG")
    return out.getvalue()


def _listing(**fields: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "id": "new-1",
        "seller_id": "s-a",
        "title": "Acme runner trainers, size 42",
        "description": "Barely worn.",
        "brand": "Acme Sneakers",
        "category": "sneakers",
        "price": 89.0,
        "currency": "EUR",
        "ships_from": "FR",
        "quantity": 1,
    }
    return body | fields


def _post(client: TestClient, tenants: TenantWorld, body: dict[str, Any]) -> Any:
    return client.post("/api/listings", json=body, headers=bearer(tenants.tokens["analyst"]))


def test_a_submitted_listing_is_decided_stored_and_audited_before_it_goes_live(
    store: Store, tenants: TenantWorld, client: TestClient
) -> None:
    image = base64.b64encode(_png()).decode()
    body = _listing(images=[{"filename": "front.png", "data": image}])
    response = _post(client, tenants, body)
    assert response.status_code == 201, response.text
    found = response.json()
    decision = found["decision"]
    assert decision["decision"] in ("allow", "hold", "block")
    assert (
        found["status"]
        == {"allow": "live", "hold": "held", "block": "blocked"}[decision["decision"]]
    )
    assert decision["model_version"] == "rules-only"
    assert any(r["code"] == "RULES_ONLY" for r in decision["reasons"])
    with store.sessions() as session:
        listing = session.get(Listing, "new-1")
        assert listing is not None and listing.brand_id == "acme"
        assert listing.images[0]["sha256"] and listing.images[0]["source"] == "front.png"
        rows = session.scalars(
            select(DetectionDecision).where(DetectionDecision.listing_id == "new-1")
        )
        assert [r.model_version for r in rows] == ["rules-only"]
        actions = set(session.scalars(select(AuditEntry.action)))
        assert {"marketplace.listing.submitted", "detection.decision"} <= actions
    response = client.get("/listings/new-1/images/0", follow_redirects=False)
    assert response.status_code == 303  # the picture is served to logged-in users


def test_an_edit_is_scored_again(store: Store, tenants: TenantWorld, client: TestClient) -> None:
    assert _post(client, tenants, _listing()).status_code == 201
    response = client.put(
        "/api/listings/new-1",
        json={"title": "Acme replica 1:1 AAA mirror quality", "price": 9.0},
        headers=bearer(tenants.tokens["analyst"]),
    )
    assert response.status_code == 200, response.text
    assert response.json()["listing"]["title"].startswith("Acme replica")
    with store.sessions() as session:
        rows = session.scalars(
            select(DetectionDecision).where(DetectionDecision.listing_id == "new-1")
        )
        assert len(list(rows)) == 2
        assert "marketplace.listing.edited" in set(session.scalars(select(AuditEntry.action)))


def test_an_edit_never_releases_a_held_listing(
    store: Store, tenants: TenantWorld, client: TestClient
) -> None:
    """Only an analyst's verdict puts a held listing live: a clean edit keeps it held."""
    assert _post(client, tenants, _listing()).status_code == 201
    with store.sessions.begin() as session:
        listing = session.get(Listing, "new-1")
        assert listing is not None
        listing.status = "held"
    response = client.put(
        "/api/listings/new-1",
        json={"description": "Genuine, bought in store, receipt included."},
        headers=bearer(tenants.tokens["analyst"]),
    )
    assert response.status_code == 200, response.text
    assert response.json()["status"] in ("held", "blocked")


def test_multipart_pictures_are_stored(
    store: Store, tenants: TenantWorld, client: TestClient
) -> None:
    response = client.post(
        "/api/listings",
        data={"listing": json.dumps(_listing(id="mp-1"))},
        files=[
            ("images", ("a.png", _png(), "image/png")),
            ("images", ("b.png", _png((32, 32)), "image/png")),
        ],
        headers=bearer(tenants.tokens["analyst"]),
    )
    assert response.status_code == 201, response.text
    assert len(response.json()["listing"]["images"]) == 2


BAD_INPUT: list[tuple[dict[str, Any], str]] = [
    ({"title": "   "}, "title"),
    ({"price": 0}, "price"),
    ({"price": 5e9}, "price"),
    ({"currency": "XAU"}, "currency"),
    ({"currency": "ZZZ"}, "currency"),
    ({"seller_id": "nobody"}, "seller_id"),
    ({"ships_from": "XX"}, "ships_from"),
    ({"quantity": -3}, "quantity"),
    ({"images": [{"data": "not base64!"}]}, "images.0.data"),
    ({"images": [{"data": base64.b64encode(b"GIF89a broken").decode()}]}, "images.0"),
]


def test_bad_input_is_a_422_naming_the_field(tenants: TenantWorld, client: TestClient) -> None:
    for fields, field in BAD_INPUT:
        response = _post(client, tenants, _listing(**fields))
        assert response.status_code == 422, response.text
        assert field in [e["field"] for e in response.json()["errors"]], response.json()


def test_a_huge_picture_is_refused(tenants: TenantWorld, client: TestClient) -> None:
    bomb = base64.b64encode(_png((9000, 9000), mode="1")).decode()  # 81 Mpx, a few kB
    response = _post(client, tenants, _listing(images=[{"data": bomb}]))
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "images.0"
    too_big = b"\x89PNG" + b"0" * (4 * 1024 * 1024 + 10)
    response = client.post(
        "/api/listings",
        data={"listing": json.dumps(_listing())},
        files=[("images", ("big.png", too_big, "image/png"))],
        headers=bearer(tenants.tokens["analyst"]),
    )
    assert response.status_code == 422 and "larger than" in response.text


def test_an_unknown_brand_is_scored_with_a_reason(tenants: TenantWorld, client: TestClient) -> None:
    response = _post(client, tenants, _listing(brand="Nobody Knows Inc"))
    assert response.status_code == 201
    codes = [r["code"] for r in response.json()["decision"]["reasons"]]
    assert "BRAND_NOT_IN_REGISTRY" in codes


def test_only_the_marketplace_submits(tenants: TenantWorld, client: TestClient) -> None:
    for who in ("brand_a", "officer"):
        response = client.post(
            "/api/listings", json=_listing(), headers=bearer(tenants.tokens[who])
        )
        assert response.status_code == 403
    assert _post(client, tenants, _listing(id="l-a")).status_code == 409


def test_a_new_seller_account_is_opened_and_linked_when_a_run_exists(
    store: Store, tenants: TenantWorld, client: TestClient
) -> None:
    body = {"id": "s-new", "display_name": "New Shop", "country": "FR", "kyb_verified": False}
    headers = bearer(tenants.tokens["analyst"])
    response = client.post("/api/sellers", json=body, headers=headers)
    assert response.status_code == 201, response.text
    assert response.json()["linked"] is False and "no linking run" in response.json()["note"]
    with store.sessions.begin() as session:
        session.add(LinkageRun(finished_at=datetime(2025, 1, 1, tzinfo=UTC)))
    response = client.post("/api/sellers", json=body | {"id": "s-new2"}, headers=headers)
    assert response.status_code == 201
    assert response.json()["note"].startswith("not linked")  # the run's model is not on disk
    with store.sessions() as session:
        assert session.get(Seller, "s-new2") is not None
    assert client.post("/api/sellers", json=body, headers=headers).status_code == 409
