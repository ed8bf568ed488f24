"""Two real nodes (separate processes, separate SQLite stores, 127.0.0.1) through the whole loop,
and a receiving node killed half-way through a sync of 2,000 objects.
"""

from __future__ import annotations

import signal
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import pandas as pd
import pytest
from sqlalchemy import func, select

from guetteur.actors.models import Network, NetworkMember
from guetteur.audit.models import AuditEntry
from guetteur.db import transaction
from guetteur.sharing import correlate, exports
from guetteur.sharing.models import Alert, Disclosure, ReceivedObject
from tests.sharing import nodes

pytestmark = pytest.mark.slow


@dataclass
class Nodes:
    market: nodes.Node
    customs: nodes.Node
    agreement_id: str


@pytest.fixture(scope="module")
def two(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Nodes]:
    root: Path = tmp_path_factory.mktemp("two-nodes")
    market = nodes.make_node(root, "market-node", "marketplace", "market")
    customs = nodes.make_node(root, "customs-node", "customs", "douane")
    processes = [nodes.serve_process(market), nodes.serve_process(customs)]
    try:
        agreement_id = nodes.pair(market, customs, nodes.terms(market, customs))
        yield Nodes(market, customs, agreement_id)
    finally:
        for proc in processes:
            nodes.stop_process(proc)
        for node in (market, customs):
            node.engine.dispose()


def _sync(node: nodes.Node, *args: str) -> subprocess.CompletedProcess[str]:
    done = subprocess.run(
        [nodes.GUETTEUR, "sync", *args], env=node.env(), capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, done.stderr
    return done


def _alerts(node: nodes.Node) -> list[Alert]:
    with transaction(node.sessions) as session:
        return list(session.scalars(select(Alert).order_by(Alert.id)))


def test_the_whole_loop_between_a_marketplace_and_customs(two: Nodes) -> None:
    market, customs = two.market, two.customs
    ring = nodes.add_sellers(market, 3, prefix="ring")
    nodes.add_sellers(market, 5, prefix="honest")
    with transaction(market.sessions) as session:
        session.add(Network(id="N-ring", size=3, anchor_member_id=ring[0]))
        session.flush()
        session.add_all(
            NetworkMember(member_id=s, network_id="N-ring", kind="seller") for s in ring
        )
    # 1. the marketplace shares the ring's tokens
    with transaction(market.sessions) as session:
        exports.share_network(
            session, actor=nodes.ADMIN, agreement_id=two.agreement_id, network_id="N-ring",
            secret=market.settings.secret_key,
        )  # fmt: skip
    # 2. customs has a parcel whose consignor uses a ring member's phone and name, typed differently
    nodes.add_declaration(
        customs,
        "D-ring",
        {"name": "TRADING ring000001 LTD.", "phone": "06 10 00 00 01", "country": "FR"},
    )
    nodes.add_declaration(customs, "D-clean", {"name": "Someone Else", "phone": "+4915112345678"})
    assert "3 received" not in _sync(customs).stdout  # pulls the grouping, identities, markings
    alerts = _alerts(customs)
    assert [(a.local_kind, a.local_ref) for a in alerts] == [("consignor", "D-ring:consignor")]
    assert set(alerts[0].fields) >= {"phone", "name"}
    with transaction(customs.sessions) as session:  # targeting's seam sees it
        provider = correlate.shared_intelligence(session)
    frame = pd.DataFrame({"id": ["D-ring", "D-clean"], "seller": ["", ""]})
    hits = provider.matches(frame, as_of=datetime.now(UTC))
    assert list(hits) == ["D-ring"] and hits["D-ring"][0].code == "intel.shared_token"
    # 3. customs detains and destroys the goods and shares the seizure back
    detention_id = nodes.add_detention(customs, "D-ring", units=40)
    with transaction(customs.sessions) as session:
        exports.share_seizure(
            session, actor=nodes.ADMIN, agreement_id=two.agreement_id, detention_id=detention_id,
            secret=customs.settings.secret_key,
        )  # fmt: skip
    _sync(market)
    # 4. the marketplace links the seizure to the seller and its network
    linked = [a for a in _alerts(market) if a.local_ref == "ring000001"]
    assert {tuple(a.fields) for a in linked} >= {("seizure",)}
    seizure = next(a for a in linked if a.fields == ["seizure"])
    assert "40 units" in seizure.detail and "network N-ring" in seizure.detail
    for node, actions in (
        (market, {"sharing.disclose", "sharing.transfer", "sharing.receive", "sharing.correlate"}),
        (customs, {"sharing.disclose", "sharing.transfer", "sharing.receive", "sharing.correlate"}),
    ):
        with transaction(node.sessions) as session:
            found = set(
                session.scalars(
                    select(AuditEntry.action).where(AuditEntry.action.like("sharing.%"))
                )
            )
            assert actions <= found, (node.name, found)
            assert session.scalar(select(func.count(Disclosure.id))) > 0


def _received(node: nodes.Node) -> int:
    with transaction(node.sessions) as session:
        return int(session.scalar(select(func.count(ReceivedObject.id))) or 0)


def test_killing_the_receiving_node_half_way_loses_and_duplicates_nothing(two: Nodes) -> None:
    market, customs = two.market, two.customs
    # First share and sync one seller, so that the agreement's preamble (identity, extension and
    # marking definitions) is already across and the 2000 below are exactly what travels.
    warm = nodes.add_sellers(market, 1, prefix="warm")
    with transaction(market.sessions) as session:
        exports.share_sellers(
            session, actor=nodes.ADMIN, agreement_id=two.agreement_id, seller_ids=warm,
            secret=market.settings.secret_key,
        )  # fmt: skip
    _sync(customs, "--agreement", two.agreement_id)
    before = _received(customs)
    ids = nodes.add_sellers(market, 2000, prefix="bulk")
    started = time.perf_counter()
    with transaction(market.sessions) as session:
        added = exports.share_sellers(
            session, actor=nodes.ADMIN, agreement_id=two.agreement_id, seller_ids=ids,
            secret=market.settings.secret_key,
        ).added  # fmt: skip
    assert added == 2000
    print(f"published {added} objects in {time.perf_counter() - started:.1f} s")
    proc = subprocess.Popen(
        [nodes.GUETTEUR, "sync", "--agreement", two.agreement_id, "--page-size", "50"],
        env=customs.env(),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 120
    while _received(customs) - before < 300 and time.monotonic() < deadline and proc.poll() is None:
        time.sleep(0.02)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    at_kill = _received(customs) - before
    assert 0 < at_kill < added, at_kill
    _sync(customs, "--agreement", two.agreement_id, "--page-size", "500")
    assert _received(customs) - before == added
    with transaction(customs.sessions) as session:
        pairs = session.execute(select(ReceivedObject.stix_id, ReceivedObject.modified)).all()
    assert len(pairs) == len(set(pairs))
