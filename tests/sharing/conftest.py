"""Fixtures of sharing tests: a marketplace node and a customs node with an agreement."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.sharing import nodes


@dataclass
class Pair:
    """Two nodes and the agreement between them."""

    market: nodes.Node
    customs: nodes.Node
    agreement_id: str


@pytest.fixture
def pair(tmp_path: Path) -> Iterator[Pair]:
    """A marketplace node serving TAXII in a thread, a customs node, an agreement (push allowed)."""
    market = nodes.make_node(tmp_path, "market-node", "marketplace", "market")
    customs = nodes.make_node(tmp_path, "customs-node", "customs", "douane")
    with nodes.ServerThread(market):
        agreement_id = nodes.pair(market, customs, nodes.terms(market, customs, b_push=True))
        yield Pair(market, customs, agreement_id)
    for node in (market, customs):
        node.engine.dispose()
