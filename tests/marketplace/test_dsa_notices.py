"""Notice and action (DSA Arts 16, 17, 22): intake through the API and the form, takedown,
statement of reasons, the queue with trusted flaggers first, decisions and the figures."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient

from guetteur.audit.models import AuditEntry
from guetteur.marketplace.models import Listing, Notice, StatementOfReasons
from tests.conftest import Store, TenantWorld
from tests.web.helpers import bearer, log_in


def notice_body(listing_id: str = "l-a", **changes: Any) -> dict[str, Any]:
    body = {
        "listing_id": listing_id,
        "reason": "counterfeit",
        "explanation": "Fake logo, price a tenth of retail.",
        "notifier_name": "Ana Brand",
        "notifier_email": "ana@brand-a.example",
        "good_faith": True,
        "location": "https://market.example/l/l-a",
        "right_infringed": "EU trade mark 018000001",
    }
    return body | changes


def test_api_notice_takes_the_listing_down_with_a_statement_of_reasons(
    store: Store, tenants: TenantWorld, client: TestClient
) -> None:
    brand = bearer(tenants.tokens["brand_a"])
    response = client.post("/api/notices", json=notice_body(), headers=brand)
    assert response.status_code == 201, response.text
    filed = response.json()
    assert filed["actioned_at"] and filed["decision"] is None and not filed["trusted_flagger"]
    assert filed["notifier_email"] == "ana@brand-a.example" and filed["good_faith"] is True
    analyst = bearer(tenants.tokens["analyst"])
    statement = client.get(f"/api/statements/{filed['statement_id']}", headers=analyst).json()
    assert statement["kind"] == "listing_removal" and statement["listing_id"] == "l-a"
    assert statement["automated_decision"] is True and statement["automated_detection"] is False
    assert "Regulation (EU) 2017/1001" in statement["legal_ground"]
    assert "EU trade mark 018000001" in statement["legal_ground"]
    assert "Art. 20" in statement["redress"] and filed["id"] in statement["facts"]
    with store.sessions() as session:
        assert session.get(Listing, "l-a").status == "removed"  # type: ignore[union-attr]
        actions = {e.action for e in session.query(AuditEntry)}
        assert {"notice.submit", "listing.takedown", "dsa.statement_issue"} <= actions
    # the brand cannot read statements (sellers' matters); the analyst page shows it
    assert client.get(f"/api/statements/{filed['statement_id']}", headers=brand).status_code == 403
    log_in(client, tenants.users["analyst"].email)
    page = client.get(f"/statements/{filed['statement_id']}")
    assert page.status_code == 200 and "Facts and circumstances" in page.text


def test_notice_validation_names_each_field_and_refuses_other_tenants(
    tenants: TenantWorld, client: TestClient
) -> None:
    brand = bearer(tenants.tokens["brand_a"])
    missing = client.post("/api/notices", json={"listing_id": "l-a"}, headers=brand)
    assert missing.status_code == 422
    fields = {e["field"] for e in missing.json()["errors"]}
    assert {"body.explanation", "body.notifier_email", "body.good_faith"} <= fields
    malformed = client.post(
        "/api/notices",
        content=b"{not json",
        headers=brand | {"content-type": "application/json"},
    )
    assert malformed.status_code == 422
    bad = notice_body(
        reason="dislike", good_faith=False, notifier_email="nobody", explanation=" ", location="x"
    )
    refused = client.post("/api/notices", json=bad, headers=brand)
    assert refused.status_code == 422
    fields = {e["field"] for e in refused.json()["errors"]}
    assert fields == {"reason", "good_faith", "notifier_email", "explanation", "location"}
    other = client.post("/api/notices", json=notice_body("l-b"), headers=brand)
    assert other.status_code == 404
    analyst = client.post(
        "/api/notices", json=notice_body(), headers=bearer(tenants.tokens["analyst"])
    )
    assert analyst.status_code == 403


def test_form_requires_good_faith_and_prefills_the_notifier(
    store: Store, tenants: TenantWorld, client: TestClient
) -> None:
    csrf = log_in(client, tenants.users["brand_a"].email)
    form = client.get("/listings/l-a/notice")
    assert "manager@brand-a.example" in form.text
    data = {"csrf_token": csrf, "reason": "trademark", "details": "Logo misuse"}
    refused = client.post("/listings/l-a/notice", data=data)
    assert refused.status_code == 422 and "good_faith" in refused.text
    sent = client.post(
        "/listings/l-a/notice", data=data | {"good_faith": "on"}, follow_redirects=False
    )
    assert sent.status_code == 303
    with store.sessions() as session:
        notice = session.query(Notice).filter_by(listing_id="l-a").one()
        assert (
            notice.notifier_email == "manager@brand-a.example" and notice.location == "listing:l-a"
        )


def test_trusted_flaggers_go_first_and_only_marketplace_admins_mark_them(
    store: Store, tenants: TenantWorld, client: TestClient, factory: Any
) -> None:
    org_a = tenants.brand_a.owner_organisation_id
    b_listing = factory.listing("l-b2", tenants.seller_b, tenants.brand_b)
    factory.commit()
    first = client.post(
        "/api/notices", json=notice_body("l-b2"), headers=bearer(tenants.tokens["brand_b"])
    )
    assert first.status_code == 201
    admin = bearer(tenants.tokens["admin"])
    refused = client.put(
        f"/api/trusted-flaggers/{org_a}",
        json={"reference": "x"},
        headers=bearer(tenants.tokens["brand_a"]),
    )
    assert refused.status_code == 403
    marked = client.put(
        f"/api/trusted-flaggers/{org_a}", json={"reference": "Arcom 2025-17"}, headers=admin
    )
    assert marked.status_code == 200, marked.text
    later = client.post(
        "/api/notices", json=notice_body(), headers=bearer(tenants.tokens["brand_a"])
    )
    assert later.json()["trusted_flagger"] is True
    queue = client.get("/api/notices", headers=bearer(tenants.tokens["analyst"])).json()
    ids = [n["id"] for n in queue["items"]]
    assert ids == [later.json()["id"], "n-b", first.json()["id"]]  # then oldest first
    own = client.get("/api/notices", headers=bearer(tenants.tokens["brand_a"])).json()
    assert [n["id"] for n in own["items"]] == [later.json()["id"]]
    log_in(client, tenants.users["analyst"].email)
    page = client.get("/notices")
    assert page.text.index(later.json()["id"]) < page.text.index(first.json()["id"])
    assert client.delete(f"/api/trusted-flaggers/{org_a}", headers=admin).status_code == 200
    assert b_listing.id == "l-b2"


def test_invalid_notice_restores_the_listing_and_figures_follow(
    store: Store, tenants: TenantWorld, client: TestClient
) -> None:
    brand = bearer(tenants.tokens["brand_a"])
    filed = client.post("/api/notices", json=notice_body(), headers=brand).json()
    analyst = bearer(tenants.tokens["analyst"])
    bad = client.post(
        f"/api/notices/{filed['id']}/decision", json={"decision": "maybe"}, headers=analyst
    )
    assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "decision"
    refused = client.post(
        f"/api/notices/{filed['id']}/decision", json={"decision": "invalid"}, headers=brand
    )
    assert refused.status_code == 403
    decided = client.post(
        f"/api/notices/{filed['id']}/decision",
        json={"decision": "invalid", "note": "authorised reseller"},
        headers=analyst,
    )
    assert decided.status_code == 200 and decided.json()["decision"] == "invalid"
    with store.sessions() as session:
        assert session.get(Listing, "l-a").status == "live"  # type: ignore[union-attr]
        statement = session.query(StatementOfReasons).filter_by(notice_id=filed["id"]).one()
        assert statement.status == "reversed"
    again = client.post(
        f"/api/notices/{filed['id']}/decision", json={"decision": "valid"}, headers=analyst
    )
    assert again.status_code == 409
    figures = client.get("/api/notices/figures", headers=brand).json()
    listings = figures["listings"]
    assert figures["notices"] == 1 and figures["time_to_action_hours"] == 0.0
    assert figures["per_thousand_listings"] == (round(1000 / listings, 2) if listings else None)
    log_in(client, tenants.users["brand_a"].email)
    dashboard = client.get("/")
    assert "Per thousand listings" in dashboard.text and "Zenith" not in dashboard.text
