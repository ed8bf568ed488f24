"""Appeals (DSA Art. 20) and repeat infringers (DSA Art. 23)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from guetteur.audit.models import AuditEntry
from guetteur.auth.actor import system_actor
from guetteur.clock import utcnow
from guetteur.errors import Forbidden
from guetteur.marketplace import strikes
from guetteur.marketplace.models import Listing, Notice, Seller, Verdict
from tests.conftest import Store, TenantWorld
from tests.marketplace.test_dsa_notices import notice_body
from tests.web.helpers import bearer, log_in


def _file(client: TestClient, tenants: TenantWorld, listing_id: str = "l-a") -> dict[str, Any]:
    response = client.post(
        "/api/notices", json=notice_body(listing_id), headers=bearer(tenants.tokens["brand_a"])
    )
    assert response.status_code == 201, response.text
    return dict(response.json())


def test_appeal_reversed_restores_the_listing_and_invalidates_the_notice(
    store: Store, tenants: TenantWorld, client: TestClient
) -> None:
    filed = _file(client, tenants)
    analyst = bearer(tenants.tokens["analyst"])
    ref = filed["statement_id"]
    refused = client.post(
        f"/api/statements/{ref}/appeals",
        json={"grounds": "genuine"},
        headers=bearer(tenants.tokens["brand_a"]),
    )
    assert refused.status_code == 403
    empty = client.post(f"/api/statements/{ref}/appeals", json={"grounds": "  "}, headers=analyst)
    assert empty.status_code == 422 and empty.json()["errors"][0]["field"] == "grounds"
    appeal = client.post(
        f"/api/statements/{ref}/appeals",
        json={"grounds": "I bought from the brand"},
        headers=analyst,
    )
    assert appeal.status_code == 201
    twice = client.post(
        f"/api/statements/{ref}/appeals", json={"grounds": "again"}, headers=analyst
    )
    assert twice.status_code == 409
    appeal_id = appeal.json()["id"]
    assert [a["id"] for a in client.get("/api/appeals", headers=analyst).json()] == [appeal_id]
    decided = client.post(
        f"/api/appeals/{appeal_id}/decision",
        json={"outcome": "reversed", "note": "invoice from the brand's distributor"},
        headers=analyst,
    )
    assert decided.status_code == 200 and decided.json()["outcome"] == "reversed"
    with store.sessions() as session:
        assert session.get(Listing, "l-a").status == "live"  # type: ignore[union-attr]
        assert session.get(Notice, filed["id"]).decision == "invalid"  # type: ignore[union-attr]
        actions = [e.action for e in session.query(AuditEntry).order_by(AuditEntry.seq)]
        assert actions[-4:] == [
            "dsa.appeal_decide",
            "notice.decide",
            "listing.restore",
            "dsa.statement_reverse",
        ]
    statement = client.get(f"/api/statements/{ref}", headers=analyst).json()
    assert statement["status"] == "reversed"
    assert (
        client.post(
            f"/api/statements/{ref}/appeals", json={"grounds": "x"}, headers=analyst
        ).status_code
        == 409
    )


def test_appeal_upheld_through_the_pages_confirms_the_notice(
    store: Store, tenants: TenantWorld, client: TestClient
) -> None:
    filed = _file(client, tenants)
    csrf = log_in(client, tenants.users["analyst"].email)
    ref = filed["statement_id"]
    sent = client.post(
        f"/statements/{ref}/appeals",
        data={"csrf_token": csrf, "grounds": "not a fake"},
        follow_redirects=False,
    )
    assert sent.status_code == 303
    with store.sessions() as session:
        from guetteur.marketplace.models import Appeal

        appeal_id = session.query(Appeal).one().id
    kept = client.post(
        f"/appeals/{appeal_id}/decision",
        data={"csrf_token": csrf, "outcome": "upheld", "note": "serial numbers do not exist"},
        follow_redirects=False,
    )
    assert kept.status_code == 303
    assert "upheld" in client.get(f"/statements/{ref}").text
    with store.sessions() as session:
        assert session.get(Listing, "l-a").status == "removed"  # type: ignore[union-attr]
        assert session.get(Notice, filed["id"]).decision == "valid"  # type: ignore[union-attr]


def _confirmed(
    session: Session, factory: Any, seller: Any, brand: Any, n: int, days_ago: int
) -> None:
    for i in range(n):
        listing = factory.listing(f"l-{seller.id}-{days_ago}-{i}", seller, brand)
        session.add(
            Verdict(
                listing_id=listing.id,
                verdict="counterfeit",
                source="review",
                decided_at=utcnow() - timedelta(days=days_ago, minutes=i),
            )
        )
    session.flush()


def test_strikes_warn_then_suspend_and_old_strikes_expire(
    session: Session, factory: Any, tenants: TenantWorld
) -> None:
    actor = system_actor()
    seller = factory.seller("s-repeat")
    _confirmed(session, factory, seller, tenants.brand_a, 5, days_ago=400)  # outside the window
    assert strikes.assess(session, actor=actor, seller_id=seller.id).action == "none"
    _confirmed(session, factory, seller, tenants.brand_a, 2, days_ago=10)
    warned = strikes.assess(session, actor=actor, seller_id=seller.id)
    assert warned.action == "warned" and len(warned.strikes) == 2 and warned.statement_id
    assert strikes.assess(session, actor=actor, seller_id=seller.id).action == "none"
    _confirmed(session, factory, seller, tenants.brand_a, 1, days_ago=0)
    suspended = strikes.assess(session, actor=actor, seller_id=seller.id)
    assert suspended.action == "suspended" and len(suspended.strikes) == 3
    assert session.get(Seller, seller.id).status == "suspended"  # type: ignore[union-attr]
    assert strikes.assess(session, actor=actor, seller_id=seller.id).action == "already_suspended"
    brand_actor = system_actor().__class__(
        label="b", organisation_kind="brand", role="brand_manager"
    )
    try:
        strikes.assess(session, actor=brand_actor, seller_id=seller.id)
    except Forbidden:
        pass
    else:
        raise AssertionError("a brand must not assess strikes")


def test_valid_notices_strike_and_suspension_is_appealable(
    store: Store, tenants: TenantWorld, client: TestClient, factory: Any
) -> None:
    for i in range(3):
        factory.listing(f"l-a{i}", tenants.seller_a, tenants.brand_a)
    factory.commit()
    analyst = bearer(tenants.tokens["analyst"])
    outcomes = []
    for i in range(3):
        filed = _file(client, tenants, f"l-a{i}")
        decided = client.post(
            f"/api/notices/{filed['id']}/decision", json={"decision": "valid"}, headers=analyst
        )
        assert decided.status_code == 200
        outcomes.append(
            client.post("/api/sellers/s-a/strikes/assess", headers=analyst).json()["action"]
        )
    assert outcomes == ["none", "none", "already_suspended"]  # warned at 2, suspended at 3
    report = client.post("/api/sellers/s-a/strikes/assess", headers=analyst).json()
    kinds = [s["kind"] for s in report["statements"]]
    assert "warning" in kinds and "account_suspension" in kinds
    suspension = next(s for s in report["statements"] if s["kind"] == "account_suspension")
    assert "Art. 23" in suspension["legal_ground"]
    appeal = client.post(
        f"/api/statements/{suspension['id']}/appeals", json={"grounds": "mistake"}, headers=analyst
    ).json()
    client.post(
        f"/api/appeals/{appeal['id']}/decision",
        json={"outcome": "reversed", "note": "identity theft proven"},
        headers=analyst,
    )
    with store.sessions() as session:
        assert session.get(Seller, "s-a").status == "active"  # type: ignore[union-attr]
    assert (
        client.post(
            "/api/sellers/s-a/strikes/assess", headers=bearer(tenants.tokens["brand_a"])
        ).status_code
        == 403
    )
