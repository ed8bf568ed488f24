"""Correlation on arrival: exact tokens, fuzzy (CLK) names and addresses, seams for detection."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from guetteur.db import transaction
from guetteur.sharing import correlate, exports, sync
from tests.sharing import nodes
from tests.sharing.conftest import Pair


def _share_and_pull(pair: Pair, seller_ids: list[str]) -> None:
    with transaction(pair.market.sessions) as session:
        exports.share_network(
            session, actor=nodes.ADMIN, agreement_id=pair.agreement_id, network_id="ring",
            seller_ids=seller_ids, secret=pair.market.settings.secret_key,
        )  # fmt: skip
    sync.sync_all(pair.customs.sessions, secret=pair.customs.settings.secret_key)


def test_fuzzy_names_and_addresses_match_without_any_exact_token(pair: Pair) -> None:
    ids = nodes.add_sellers(pair.market, 2, prefix="fz")
    address = {"line1": "1 rue de la Paix", "city": "Paris", "postcode": "75002", "country": "FR"}
    typed = {"line1": "1 rue de la Paxi", "city": "Paris", "postcode": "75002", "country": "FR"}
    nodes.add_declaration(pair.customs, "D-fz", {"name": "Tradng fz000001", "address": typed})
    elsewhere = {**address, "line1": "8 avenue Foch", "postcode": "75116"}
    nodes.add_declaration(pair.customs, "D-no", {"name": "Other Company", "address": elsewhere})
    _share_and_pull(pair, ids)
    with transaction(pair.customs.sessions) as session:
        alerts = correlate.list_alerts(session, actor=nodes.ADMIN)
    assert [(a.local_ref, sorted(a.fields)) for a in alerts] == [
        ("D-fz:consignor", ["address", "name"])
    ]
    assert "similar" in alerts[0].detail


def test_partner_alerts_feed_the_listing_detectors_seam(pair: Pair) -> None:
    ids = nodes.add_sellers(pair.market, 1, prefix="sk")
    nodes.add_declaration(
        pair.customs, "D-sk", {"name": "Trading sk000000", "phone": "0610000000", "country": "FR"}
    )
    _share_and_pull(pair, ids)
    detention = nodes.add_detention(pair.customs, "D-sk", units=12)
    with transaction(pair.customs.sessions) as session:
        exports.share_seizure(
            session, actor=nodes.ADMIN, agreement_id=pair.agreement_id, detention_id=detention,
            secret=pair.customs.settings.secret_key,
        )  # fmt: skip
    assert pair.customs.url is None  # the market pulls from customs' collection through a server
    with nodes.ServerThread(pair.customs):
        with transaction(pair.market.sessions) as session:
            from guetteur.sharing import agreements

            agreements.set_credential(
                session,
                actor=nodes.ADMIN,
                agreement_id=pair.agreement_id,
                credential=pair.customs.tokens["market-node"],
                secret=pair.market.settings.secret_key,
                url=pair.customs.api_root,
            )
        sync.sync_all(pair.market.sessions, secret=pair.market.settings.secret_key)
    with transaction(pair.market.sessions) as session:
        risk = correlate.shared_seller_risk(session)
    later = datetime.now(UTC) + timedelta(minutes=1)
    assert risk.risk("sk000000", as_of=later).known
    assert "12 units" in risk.risk("sk000000", as_of=later).detail
    assert not risk.risk("sk000000", as_of=datetime(2020, 1, 1, tzinfo=UTC)).known
    assert not risk.risk("other", as_of=later).known
