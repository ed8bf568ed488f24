"""HTML pages: dashboards per role, lists with search and pages, details, audit log, docs."""

from __future__ import annotations

from fastapi.testclient import TestClient

from guetteur.audit import service as audit
from tests.conftest import Factory, Store, TenantWorld
from tests.web.helpers import log_in

DASHBOARDS = [
    ("analyst", ["Listings", "Brand notices", "Verdicts", "Sellers"], ["Administration"]),
    ("brand_a", ["Your brands", "Listings of your brands", "Your notices"], ["Sellers"]),
    ("officer", ["Border", "Detentions (608/2013)", "Lots in store"], ["Listings", "Sellers"]),
    ("investigator", ["Sellers", "every detail you open is audited"], []),
    ("admin", ["Administration", "Audit entries", "Active API tokens"], []),
]


def test_dashboard_per_role(tenants: TenantWorld, client: TestClient) -> None:
    for who, expected, absent in DASHBOARDS:
        log_in(client, tenants.users[who].email)
        page = client.get("/")
        assert page.status_code == 200
        for text in expected:
            assert text in page.text, (who, text)
        for text in absent:
            assert f"<h2>{text}" not in page.text, (who, text)


def test_brand_dashboard_counts_only_its_brands(tenants: TenantWorld, client: TestClient) -> None:
    log_in(client, tenants.users["brand_a"].email)
    page = client.get("/").text
    assert 'href="/listings?status=live">1</a>' in page
    assert 'href="/listings?status=held">1</a>' in page


def test_lists_search_and_paginate(store: Store, factory: Factory, client: TestClient) -> None:
    market = factory.org("marketplace", "market")
    analyst = factory.user(market, "analyst")
    brand = factory.brand("acme", "Acme")
    seller = factory.seller("s1")
    for i in range(60):
        factory.listing(f"l{i:02d}", seller, brand, title=f"Runner {i:02d}")
    factory.listing("other", seller, brand, title="Perfume 100%_off")
    factory.commit()
    log_in(client, analyst.email)
    first = client.get("/listings")
    assert "page 1 of 2" in first.text and "61 in all" in first.text
    second = client.get("/listings?page=2")
    assert "page 2 of 2" in second.text
    assert "previous" in second.text
    found = client.get("/listings", params={"q": "100%_"})
    assert "1 in all" in found.text and "Perfume" in found.text
    for wildcard in ("%", "_"):  # LIKE wildcards are searched for literally
        assert "1 in all" in client.get("/listings", params={"q": wildcard}).text
    assert client.get("/listings?status=bogus").status_code == 422
    assert client.get("/listings?page=0").status_code == 422
    assert "Acme" in client.get("/brands?q=acm").text
    assert "Shop s1" in client.get("/sellers?q=S1").text


def test_detail_pages(tenants: TenantWorld, client: TestClient) -> None:
    log_in(client, tenants.users["analyst"].email)
    listing = client.get("/listings/l-a")
    assert listing.status_code == 200
    assert "Acme runner" in listing.text and 'href="/sellers/s-a"' in listing.text
    seller = client.get("/sellers/s-b")
    assert "bravo@secret.example" in seller.text
    brand = client.get("/brands/acme")
    assert "Acme Sneakers" in brand.text
    missing = client.get("/listings/nope")
    assert missing.status_code == 404 and "Not Found" in missing.text


def test_brand_listing_page_shows_shop_name_but_no_seller_link(
    tenants: TenantWorld, client: TestClient
) -> None:
    log_in(client, tenants.users["brand_a"].email)
    page = client.get("/listings/l-a")
    assert "Alpha Shop" in page.text
    assert "/sellers/" not in page.text
    assert "s-a@mail.example" not in page.text
    assert client.get("/sellers/s-a").status_code == 403


def test_investigator_seller_read_is_audited(
    store: Store, tenants: TenantWorld, client: TestClient
) -> None:
    log_in(client, tenants.users["investigator"].email)
    assert client.get("/sellers/s-a").status_code == 200
    log_in(client, tenants.users["analyst"].email)
    assert client.get("/sellers/s-a").status_code == 200  # the marketplace's own data
    with store.sessions() as session:
        reads = audit.list_(session, limit=10, action="personal_data.read")
    assert [(e.actor_label, e.object_id) for e in reads] == [("inv@customs.example", "s-a")]


def test_audit_page_for_admins_only(tenants: TenantWorld, client: TestClient) -> None:
    log_in(client, tenants.users["analyst"].email)
    assert client.get("/admin/audit").status_code == 403
    log_in(client, tenants.users["admin"].email)
    page = client.get("/admin/audit")
    assert page.status_code == 200 and "token.create" in page.text
    assert "user.login" in client.get("/admin/audit?action=user.login").text


def test_healthz_docs_and_static(client: TestClient, store: Store) -> None:
    assert client.get("/healthz").json() == {"status": "ok"}
    docs = client.get("/docs")
    assert docs.status_code == 200 and "/api/listings/{listing_id}" in docs.text
    assert "<script" not in docs.text
    spec = client.get("/openapi.json").json()
    assert "/api/auth/token" in spec["paths"]
    assert client.get("/static/guetteur.css").status_code == 200


def test_login_redirects_back_but_never_off_site(tenants: TenantWorld, client: TestClient) -> None:
    page = client.get("/brands/acme")  # follows to the log-in page
    assert 'name="next" value="/brands/acme"' in page.text
    from tests.web.helpers import csrf_from

    token = csrf_from(page.text)
    response = client.post(
        "/login",
        data={
            "email": tenants.users["brand_a"].email,
            "password": "correct-horse-battery",
            "csrf_token": token,
            "next": "//evil.example/",
        },
        follow_redirects=False,
    )
    assert response.headers["location"] == "/"
