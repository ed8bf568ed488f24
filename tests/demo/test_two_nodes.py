"""`guetteur demo --two-nodes`: two seeded nodes, two server processes, the loop run once."""

from __future__ import annotations

import socket
from pathlib import Path

import pytest
from sqlalchemy import select

from guetteur.customs.models import Declaration
from guetteur.demo import two_nodes
from guetteur.marketplace.models import Seller
from guetteur.sharing.models import Agreement, Alert

pytestmark = pytest.mark.slow


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _alerts(node: two_nodes.DemoNode) -> list[Alert]:
    with node.db() as session:
        return list(session.scalars(select(Alert).order_by(Alert.id)))


def test_the_two_node_demo_runs_the_loop_once_and_stops_its_servers(tmp_path: Path) -> None:
    ports = (_free_port(), _free_port())
    nodes, result = two_nodes.setup(tmp_path, scale=0.05, seed=7, ports=ports, environment="test")
    assert result is not None
    market, customs = nodes
    assert all(node.process is None for node in nodes)
    assert all(two_nodes.port_is_free(port) for port in ports)
    assert (tmp_path / "marketplace-node" / "guetteur.db").exists()
    assert (tmp_path / "customs-node" / "guetteur.db").exists()
    assert {p.name for p in tmp_path.glob("*.card.json")} == {
        "marketplace-node.card.json",
        "customs-node.card.json",
    }
    with two_nodes.opened(nodes):
        for node in nodes:
            with node.db() as session:
                agreement = session.get(Agreement, result.agreement_id)
                assert agreement is not None and agreement.partner_credential
        # customs: alerts on consignors matching the shared ring
        on_customs = _alerts(customs)
        assert on_customs and {a.local_kind for a in on_customs} <= {"consignor", "importer"}
        consignors = {a.local_ref for a in on_customs if a.local_kind == "consignor"}
        assert f"{result.targeted['declaration_id']}:consignor" in consignors
        assert any(r["code"] == "intel.shared_token" for r in result.targeted["reasons"])
        # marketplace: the seizure linked to a seller of the shared network
        seizures = [a for a in _alerts(market) if a.fields == ["seizure"]]
        assert seizures and all(a.local_kind == "seller" for a in seizures)
        assert any(f"network {result.network_id}" in a.detail for a in seizures)
    # the marketplace holds no declaration, customs no seller account
    assert result.market_links and result.detention_id > 0
    with two_nodes.opened(nodes):
        with market.db() as session:
            assert session.scalar(select(Declaration.id).limit(1)) is None
        with customs.db() as session:
            assert session.scalar(select(Seller.id).limit(1)) is None
    moved = (_free_port(), _free_port())
    again, second = two_nodes.setup(tmp_path, scale=0.05, seed=7, ports=moved, environment="test")
    assert second is None  # kept, not seeded twice
    assert [login.role for login in again[1].logins] == ["officer", "investigator", "admin"]
    with two_nodes.opened(again), again[0].db() as session:
        agreement = session.get(Agreement, result.agreement_id)
        assert agreement is not None
        assert agreement.partner_url == f"http://127.0.0.1:{moved[1]}/taxii2/root/"
