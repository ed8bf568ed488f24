"""Administrators of both nodes see the agreement and every disclosure; others see nothing."""

from __future__ import annotations

import time

import httpx
from sqlalchemy import func, select

from guetteur.auth import service as auth
from guetteur.db import transaction
from guetteur.sharing import exports
from guetteur.sharing.models import ReceivedObject
from tests.sharing import nodes
from tests.sharing.conftest import Pair


def _admin(node: nodes.Node, slug: str, kind: str = "marketplace") -> str:
    with transaction(node.sessions) as session:
        org = auth.get_organisation_by_slug(session, slug=slug) or auth.create_organisation(
            session, actor=nodes.ADMIN, slug=slug, name=slug, kind=kind
        )
        user = auth.create_user(
            session, actor=nodes.ADMIN, organisation_id=org.id, email=f"admin@{slug}.example",
            display_name="admin", role="admin", password=nodes.PASSWORD,
        )  # fmt: skip
        return auth.create_token(session, actor=nodes.ADMIN, user_id=user.id, name="t")[1]


def test_admins_see_agreements_and_disclosures(pair: Pair) -> None:
    market = pair.market
    ids = nodes.add_sellers(market, 4)
    with transaction(market.sessions) as session:
        exports.share_sellers(
            session, actor=nodes.ADMIN, agreement_id=pair.agreement_id, seller_ids=ids,
            secret=market.settings.secret_key,
        )  # fmt: skip
    ours = {"Authorization": f"Bearer {_admin(market, 'market')}"}
    partner = {"Authorization": f"Bearer {_admin(market, 'douane', 'customs')}"}
    stranger = {"Authorization": f"Bearer {_admin(market, 'elsewhere', 'customs')}"}
    base = f"{market.url}/api/sharing"
    with httpx.Client() as http:
        for headers in (ours, partner):
            listed = http.get(f"{base}/agreements", headers=headers).json()
            assert [a["id"] for a in listed] == [pair.agreement_id]
            assert "token_key" not in listed[0] and "partner_credential" not in listed[0]
            disclosed = http.get(
                f"{base}/agreements/{pair.agreement_id}/disclosures", headers=headers
            )
            refs = {d["local_ref"] for d in disclosed.json()}
            assert {f"seller:{i}" for i in ids} <= refs
        assert http.get(f"{base}/agreements", headers=stranger).json() == []
        hidden = http.get(f"{base}/agreements/{pair.agreement_id}", headers=stranger)
        missing = http.get(
            f"{base}/agreements/00000000-0000-4000-8000-000000000000", headers=stranger
        )
        assert hidden.status_code == missing.status_code == 404
        card = http.get(f"{base}/card", headers=ours).json()
        assert card["node"] == "market-node" and len(card["signing_key"]) == 44


def test_serve_runs_a_scheduled_sync(pair: Pair) -> None:
    customs = pair.customs
    customs.settings = customs.settings.model_copy(update={"sync_interval_seconds": 1})
    ids = nodes.add_sellers(pair.market, 2)
    with transaction(pair.market.sessions) as session:
        exports.share_sellers(
            session, actor=nodes.ADMIN, agreement_id=pair.agreement_id, seller_ids=ids,
            secret=pair.market.settings.secret_key,
        )  # fmt: skip
    with nodes.ServerThread(customs):
        deadline = time.monotonic() + 30
        count = 0
        while time.monotonic() < deadline and count == 0:
            time.sleep(0.2)
            with transaction(customs.sessions) as session:
                count = int(session.scalar(select(func.count(ReceivedObject.id))) or 0)
    assert count > 0


def test_the_sharing_pages_show_the_agreement_and_its_disclosures(pair: Pair) -> None:
    from fastapi.testclient import TestClient

    from guetteur.web.app import create_app
    from tests.web.helpers import log_in

    market = pair.market
    _admin(market, "market")
    ids = nodes.add_sellers(market, 2)
    with transaction(market.sessions) as session:
        exports.share_sellers(
            session, actor=nodes.ADMIN, agreement_id=pair.agreement_id, seller_ids=ids,
            secret=market.settings.secret_key,
        )  # fmt: skip
    with TestClient(create_app(market.settings, engine=market.engine)) as client:
        log_in(client, "admin@market.example", nodes.PASSWORD)
        listing = client.get("/sharing")
        assert listing.status_code == 200 and "market-node and customs-node" in listing.text
        page = client.get(f"/sharing/agreements/{pair.agreement_id}")
        assert page.status_code == 200 and f"seller:{ids[0]}" in page.text
        assert client.get("/sharing/agreements/nope").status_code == 404
