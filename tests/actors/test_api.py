"""The networks JSON API: list, detail, labels and actions, within tenancy."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy import select

from guetteur.audit.models import AuditEntry
from guetteur.marketplace.models import Listing
from tests.actors.network_world import NETWORK_ID, build
from tests.conftest import Factory, Store, TenantWorld
from tests.web.helpers import bearer

URL = f"/api/networks/{NETWORK_ID}"


def test_list_and_detail_for_the_marketplace(
    factory: Factory, tenants: TenantWorld, client: TestClient
) -> None:
    build(factory, tenants)
    headers = bearer(tenants.tokens["analyst"])
    page = client.get("/api/networks", headers=headers).json()
    assert page["total"] == 1
    (item,) = page["items"]
    assert item["network_id"] == NETWORK_ID and item["size"] == 4
    assert item["risk"]["counterfeit"] == 1 and item["risk"]["notices"] == 1
    assert client.get("/api/networks?q=zzz", headers=headers).json()["total"] == 0
    body = client.get(URL, headers=headers).json()
    assert {m["member_id"] for m in body["members"]} == {"r1", "r2", "r3", "d-9:consignor"}
    pairs = {(x["left_id"], x["right_id"]): x for x in body["links"]}
    assert pairs[("r1", "r2")]["evidence"][0]["identifier_kind"] == "bank_account"
    assert pairs[("d-9:consignor", "r1")]["evidence"][0]["identifier_kind"] == "probabilistic"
    assert [x["kind"] for x in body["identifiers"]] == ["bank"]
    (excluded,) = body["excluded_identifiers"]
    assert excluded["excluded"] and excluded["degree"] == 120 and len(excluded["members"]) == 3
    assert {x["status"] for x in body["listings"]} == {"live", "blocked", "held"}
    assert body["verdicts"][0]["verdict"] == "counterfeit"
    assert body["customs_visible"] is False and body["detentions"] == []
    assert "others" not in str(body["members"])
    assert client.get("/api/networks/N-none", headers=headers).status_code == 404


def test_investigator_reads_with_customs_records_audited(
    factory: Factory, tenants: TenantWorld, client: TestClient, store: Store
) -> None:
    build(factory, tenants)
    headers = bearer(tenants.tokens["investigator"])
    body = client.get(URL, headers=headers).json()
    assert body["customs_visible"] and body["detentions"][0]["units"] == 40
    assert body["inspections"][0]["outcome"] == "ipr_suspected"
    denied = client.post(
        f"{URL}/links", json={"left_id": "r1", "right_id": "r2", "label": "cut"}, headers=headers
    )
    assert denied.status_code == 403
    assert client.post(f"{URL}/actions", json={}, headers=headers).status_code == 403
    with store.sessions() as session:
        reads = session.scalars(
            select(AuditEntry.object_id).where(AuditEntry.action == "personal_data.read")
        ).all()
        assert reads == [NETWORK_ID]


def test_brands_get_403(factory: Factory, tenants: TenantWorld, client: TestClient) -> None:
    build(factory, tenants)
    headers = bearer(tenants.tokens["brand_b"])  # even the brand whose listing the ring sells
    for url in ("/api/networks", URL):
        response = client.get(url, headers=headers)
        assert response.status_code == 403 and "Ring" not in response.text


def test_label_a_link(factory: Factory, tenants: TenantWorld, client: TestClient) -> None:
    build(factory, tenants)
    headers = bearer(tenants.tokens["analyst"])
    created = client.post(
        f"{URL}/links",
        json={"left_id": "r2", "right_id": "r1", "label": "confirm", "note": "same warehouse"},
        headers=headers,
    )
    assert created.status_code == 201
    assert created.json()["left_id"] == "r1" and created.json()["label"] == "confirm"
    links = client.get(URL, headers=headers).json()["links"]
    labelled = next(x for x in links if (x["left_id"], x["right_id"]) == ("r1", "r2"))
    assert labelled["label"]["note"] == "same warehouse"
    bad = client.post(
        f"{URL}/links", json={"left_id": "r1", "right_id": "r1", "label": "cut"}, headers=headers
    )
    assert bad.status_code == 422
    unknown = client.post(
        f"{URL}/links", json={"left_id": "r1", "right_id": "ghost", "label": "cut"}, headers=headers
    )
    assert unknown.status_code == 404
    outsider = client.post(
        f"{URL}/links", json={"left_id": "s-a", "right_id": "s-b", "label": "cut"}, headers=headers
    )
    assert outsider.status_code in (404, 422)


def test_act_on_the_network(
    factory: Factory, tenants: TenantWorld, client: TestClient, store: Store
) -> None:
    world = build(factory, tenants)
    headers = bearer(tenants.tokens["analyst"])
    none = client.post(
        f"{URL}/actions", json={"hold_listings": False, "suspend": False}, headers=headers
    )
    assert none.status_code == 422
    done = client.post(f"{URL}/actions", json={"suspend": False}, headers=headers).json()
    assert sorted(done["listings_held"]) == sorted(world.live)
    assert done["sellers_suspended"] == [] and done["sellers"] == ["r1", "r2", "r3"]
    again = client.post(f"{URL}/actions", json={}, headers=headers).json()
    assert again["listings_held"] == [] and again["sellers_suspended"] == ["r1", "r2", "r3"]
    with store.sessions() as session:
        assert session.get_one(Listing, "l-r2").status == "held"
        entries = session.scalars(
            select(AuditEntry).where(AuditEntry.action == "actors.network_act")
        ).all()
        assert len(entries) == 2
