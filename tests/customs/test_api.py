"""Customs and custody over HTTP: applications, the procedure, custody, and the screens."""

from __future__ import annotations

import hashlib

from fastapi.testclient import TestClient

from tests.conftest import TenantWorld
from tests.web.helpers import bearer, log_in


def test_application_detention_and_custody_through_the_api(
    tenants: TenantWorld, client: TestClient
) -> None:
    brand, officer = bearer(tenants.tokens["brand_a"]), bearer(tenants.tokens["officer"])
    filed = client.post(
        "/api/customs/applications",
        headers=brand,
        json={
            "brand_id": "acme", "applicant": "Acme SAS", "member_states": ["FR"],
            "ip_rights": [{"type": "EUTM", "number": "1"}],
            "authentication_guide": "Stitched logo, never printed.",
            "contacts": [{"name": "Legal", "email": "legal@acme.example"}],
            "small_consignments": True,
        },
    )  # fmt: skip
    assert filed.status_code == 201, filed.text
    app_id = filed.json()["id"]
    assert client.post(f"/api/customs/applications/{app_id}/decision", headers=brand,
                       json={"grant": True}).status_code == 403  # fmt: skip
    decided = client.post(
        f"/api/customs/applications/{app_id}/decision",
        headers=officer,
        json={"grant": True, "valid_from": "2025-01-01"},
    )
    assert decided.json()["status"] == "granted"
    detained = client.post(
        "/api/customs/detentions",
        headers=officer,
        json={"office": "FR000730", "brand_id": "acme", "units": 12, "on": "2025-04-18"},
    )
    assert detained.status_code == 201, detained.text
    d = detained.json()
    assert (d["status"], d["due_on"]) == ("detained", "2025-04-22")
    url = f"/api/customs/detentions/{d['id']}"
    assert (
        client.post(f"{url}/notify", headers=officer, json={"on": "2025-04-22"}).status_code == 200
    )
    assert (
        client.post(f"{url}/confirm", headers=officer, json={"on": "2025-04-23"}).status_code == 200
    )
    wrong = client.post(f"{url}/judgment", headers=officer, json={"on": "2025-04-23"})
    assert wrong.status_code == 422
    due = client.get("/api/customs/detentions/due?today=2025-05-07", headers=officer).json()
    assert [x["id"] for x in due] == [d["id"]]
    moved = client.post(
        "/api/customs/detentions/deadlines", headers=officer, json={"on": "2025-05-09"}
    )
    assert [x["status"] for x in moved.json()] == ["destruction_agreed"]
    lot = client.post(
        "/api/custody/lots",
        headers=officer,
        json={"office": "FR000730", "storage_location": "Bay 1", "seized_on": "2025-05-09",
              "detention_id": d["id"], "lines": [{"brand_id": "acme", "units": 12}]},
    ).json()  # fmt: skip
    line = str(lot["lines"][0]["id"])
    lots = f"/api/custody/lots/{lot['id']}"
    assert client.post(f"{lots}/events", headers=officer, json={
        "kind": "handed_to_contractor", "on": "2025-05-12", "units": {line: 12}, "contractor": "C"
    }).status_code == 201  # fmt: skip
    cert = {"contractor": "C", "method": "shredding", "on": "2025-05-13", "units": 12,
            "weight_kg": "3.2", "document_sha256": hashlib.sha256(b"pdf").hexdigest()}  # fmt: skip
    body = {"units": {line: 12}, "certificate": cert}
    assert client.post(f"{lots}/certificates", headers=officer, json=body).status_code == 201
    refused = client.post(
        f"{lots}/events", headers=officer, json={"kind": "released", "on": "2025-05-14"}
    )
    assert refused.status_code == 409
    rec = client.get(f"{lots}/reconciliation", headers=officer).json()
    assert rec["ok"] and rec["totals"]["destroyed"] == 12
    done = client.post(
        f"{url}/destroy", headers=officer, json={"on": "2025-05-13", "lot_id": lot["id"]}
    )
    assert done.json()["status"] == "destroyed"
    assert [e["action"] for e in client.get(url, headers=officer).json()["events"]] == [
        "detain", "notify", "confirm", "deadline_passed", "destroy",
    ]  # fmt: skip
    assert client.get(url, headers=brand).status_code == 403

    log_in(client, tenants.users["officer"].email)
    pages = ["/customs", "/customs/detentions?today=2025-05-07", f"/customs/detentions/{d['id']}"]
    for page in (*pages, "/custody", f"/custody/lots/{lot['id']}"):
        response = client.get(page)
        assert response.status_code == 200, page
    assert "units reconcile" in client.get(f"/custody/lots/{lot['id']}").text
    assert "deadline_passed" in client.get(f"/customs/detentions/{d['id']}").text
