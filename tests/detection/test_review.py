"""The review queue (SQLite and PostgreSQL): priority order, the evidence shown, one-click
verdicts that become training labels, CSRF on the form, analysts only."""

from __future__ import annotations

import io
from datetime import UTC, datetime
from decimal import Decimal

from fastapi.testclient import TestClient
from PIL import Image, ImageDraw, ImageOps
from sqlalchemy import select

from guetteur.audit.models import AuditEntry
from guetteur.detection.models import DetectionDecision
from guetteur.interchange.media import store_bytes
from guetteur.marketplace.models import Listing, Verdict
from guetteur.registry.models import BrandImage
from tests.conftest import Factory, Store, TenantWorld
from tests.web.helpers import bearer, csrf_from, log_in


def _picture() -> Image.Image:
    image = Image.new("RGB", (128, 128), "white")
    draw = ImageDraw.Draw(image)
    draw.rectangle((10, 20, 70, 110), fill="black")
    draw.ellipse((60, 10, 120, 70), fill="red")
    return image


def _bytes(image: Image.Image, fmt: str = "PNG") -> bytes:
    out = io.BytesIO()
    image.save(out, format=fmt)
    return out.getvalue()


def _held(factory: Factory, tenants: TenantWorld, listing_id: str, score: float, **fields: object):  # type: ignore[no-untyped-def]
    listing = factory.listing(
        listing_id, tenants.seller_a, tenants.brand_a, status="held", **fields
    )
    factory.session.add(
        DetectionDecision(
            listing_id=listing_id, score=score, decision="hold", model_version="m-1",
            reasons=[{"code": "IMAGE_OWN_BRAND", "weight": 0.4, "detail": "official picture"}],
            decided_at=datetime(2025, 3, 5, tzinfo=UTC),
        )
    )  # fmt: skip
    factory.session.flush()
    return listing


def _world(store: Store, factory: Factory, tenants: TenantWorld) -> None:
    official = store_bytes(store.settings, _bytes(_picture()), source="official.png")
    copied = store_bytes(
        store.settings, _bytes(ImageOps.mirror(_picture()), "JPEG"), source="copy.jpg"
    )
    factory.session.add(BrandImage(brand_id="acme", sha256=official.sha256, source="official.png"))
    _held(factory, tenants, "h-cheap", 0.9, price=Decimal("5"), quantity=1)
    _held(
        factory, tenants, "h-big", 0.6, price=Decimal("80"), quantity=50,
        images=[copied.as_json()],
    )  # fmt: skip
    _held(factory, tenants, "h-mid", 0.5, price=Decimal("100"), quantity=2)
    factory.commit()


def test_the_queue_is_ordered_by_risk_and_exposure(
    store: Store, factory: Factory, tenants: TenantWorld, client: TestClient
) -> None:
    _world(store, factory, tenants)
    response = client.get("/api/review", headers=bearer(tenants.tokens["analyst"]))
    assert response.status_code == 200, response.text
    page = response.json()
    ids = [i["listing_id"] for i in page["items"]]
    # 0.6×80×50 = 2400 > 0.5×100×2 = 100 > 0.9×5×1 = 4.5; l-a-held has no decision: 0.5×49.9×5
    assert ids == ["h-big", "l-a-held", "h-mid", "h-cheap"]
    assert page["total"] == 4
    second = client.get("/api/review?limit=1&offset=1", headers=bearer(tenants.tokens["analyst"]))
    assert [i["listing_id"] for i in second.json()["items"]] == ["l-a-held"]


def test_the_analyst_sees_reasons_matching_pictures_and_seller_history(
    store: Store, factory: Factory, tenants: TenantWorld, client: TestClient
) -> None:
    _world(store, factory, tenants)
    found = client.get("/api/review/h-big", headers=bearer(tenants.tokens["analyst"])).json()
    assert found["decision"]["reasons"][0]["code"] == "IMAGE_OWN_BRAND"
    pair = found["images"][0]
    assert pair["reference_brand_id"] == "acme" and pair["brand_image_index"] == 0
    assert pair["mirrored"] and pair["distance"] <= 10
    assert found["seller"]["id"] == "s-a" and found["seller"]["listings"] == 5
    log_in(client, tenants.users["analyst"].email)
    page = client.get("/review/h-big")
    assert page.status_code == 200
    assert "/listings/h-big/images/0" in page.text and "/brands/acme/images/0" in page.text
    assert "IMAGE_OWN_BRAND" in page.text and "Alpha Shop" in page.text
    assert "Review" in client.get("/review").text


def test_a_verdict_in_one_click_settles_the_listing_and_becomes_a_label(
    store: Store, factory: Factory, tenants: TenantWorld, client: TestClient
) -> None:
    _world(store, factory, tenants)
    log_in(client, tenants.users["analyst"].email)
    csrf = csrf_from(client.get("/review/h-big").text)
    refused = client.post("/review/h-big/verdict", data={"verdict": "counterfeit"})
    assert refused.status_code == 403  # no CSRF token
    done = client.post(
        "/review/h-big/verdict",
        data={"verdict": "counterfeit", "csrf_token": csrf},
        follow_redirects=False,
    )
    assert done.status_code == 303
    response = client.post(
        "/api/review/h-mid/verdict",
        json={"verdict": "genuine"},
        headers=bearer(tenants.tokens["analyst"]),
    )
    assert response.status_code == 201 and response.json()["status"] == "live"
    again = client.post(
        "/api/review/h-mid/verdict",
        json={"verdict": "genuine"},
        headers=bearer(tenants.tokens["analyst"]),
    )
    assert again.status_code == 409
    with store.sessions() as session:
        assert session.get(Listing, "h-big").status == "blocked"  # type: ignore[union-attr]
        assert session.get(Listing, "h-mid").status == "live"  # type: ignore[union-attr]
        labels = session.scalars(select(Verdict).where(Verdict.listing_id.in_(["h-big", "h-mid"])))
        found = {v.listing_id: (v.verdict, v.source, v.decided_by_user_id) for v in labels}
        analyst = tenants.users["analyst"].id
        assert found == {
            "h-big": ("counterfeit", "review", analyst),
            "h-mid": ("genuine", "review", analyst),
        }
        actions = list(session.scalars(select(AuditEntry.action)))
        assert actions.count("detection.review.verdict") == 2


def test_only_marketplace_analysts_review(
    store: Store, factory: Factory, tenants: TenantWorld, client: TestClient
) -> None:
    _world(store, factory, tenants)
    for who in ("brand_a", "officer"):
        headers = bearer(tenants.tokens[who])
        assert client.get("/api/review", headers=headers).status_code == 403
        response = client.post(
            "/api/review/h-big/verdict", json={"verdict": "genuine"}, headers=headers
        )
        assert response.status_code == 403
