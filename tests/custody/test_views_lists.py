"""The custody list in the browser: lots, paginated, searchable, filtered by reconciliation."""

from __future__ import annotations

import re
from datetime import date, timedelta

from fastapi.testclient import TestClient

from guetteur.custody import service as custody
from guetteur.web.rendering import PAGE_SIZE
from tests.conftest import Factory, Store, TenantWorld
from tests.customs.helpers import OFFICER
from tests.web.helpers import log_in

LOTS = PAGE_SIZE + 5
TOTAL = re.compile(r"page \d+ of \d+ · (\d+) in all")


def total_of(html: str) -> int:
    """The number of matching rows the pager states."""
    match = TOTAL.search(html)
    assert match, "no pager on the page"
    return int(match.group(1))


def _world(factory: Factory) -> None:
    session = factory.session
    for n in range(LOTS):
        custody.create_lot(
            session,
            actor=OFFICER,
            office="FR000730",
            storage_location="Roissy bay 1",
            seized_on=date(2025, 1, 1) + timedelta(days=n),
            lines=[custody.LineCreate(brand_id="acme", units=10)],
            reference=f"LOT-{n:03d}",
        )
    odd = custody.create_lot(
        session,
        actor=OFFICER,
        office="FR000730",
        storage_location="Le Havre shed 9",
        seized_on=date(2024, 12, 1),
        lines=[custody.LineCreate(brand_id="zenith", units=10)],
        reference="LOT-ODD",
    )
    (line,) = (str(line.id) for line in odd.lines)
    custody.record(  # a stock count that does not match: the lot no longer reconciles
        session, actor=OFFICER, lot_id=odd.id, kind="counted", on=date(2025, 1, 2), units={line: 9}
    )
    factory.commit()


def test_lots_paginate_search_and_filter(
    store: Store, factory: Factory, tenants: TenantWorld, client: TestClient
) -> None:
    _world(factory)
    log_in(client, tenants.users["officer"].email)
    first = client.get("/custody")
    assert first.status_code == 200
    assert "page 1 of 2" in first.text and total_of(first.text) == LOTS + 1
    newest, last_on_first = f"LOT-{LOTS - 1:03d}", f"LOT-{LOTS - PAGE_SIZE:03d}"
    assert newest in first.text and last_on_first in first.text  # newest first
    assert f"LOT-{LOTS - PAGE_SIZE - 1:03d}<" not in first.text
    second = client.get("/custody", params={"page": 2})
    assert "page 2 of 2" in second.text and "previous" in second.text
    assert f"LOT-{LOTS - PAGE_SIZE - 1:03d}<" in second.text and "LOT-ODD" in second.text
    assert newest not in second.text
    by_brand = client.get("/custody", params={"q": "secretmark"})
    assert total_of(by_brand.text) == 1 and "LOT-ODD" in by_brand.text
    by_location = client.get("/custody", params={"q": "HAVRE"})
    assert total_of(by_location.text) == 1 and "LOT-ODD" in by_location.text
    by_reference = client.get("/custody", params={"q": "lot-00"})
    assert total_of(by_reference.text) == 10
    failing = client.get("/custody", params={"reconciles": "no"})
    assert total_of(failing.text) == 1 and "LOT-ODD" in failing.text and "NO" in failing.text
    reconciling = client.get("/custody", params={"reconciles": "yes", "page": 2})
    assert total_of(reconciling.text) == LOTS and "page 2 of 2" in reconciling.text
    assert "LOT-000" in reconciling.text and "LOT-ODD" not in reconciling.text
    assert total_of(client.get("/custody", params={"status": "in_store"}).text) == LOTS + 1
    empty = client.get("/custody", params={"status": "destroyed"})
    assert "No lots match these filters" in empty.text
    assert 'href="/custody">Clear the filters' in empty.text
    assert client.get("/custody?reconciles=perhaps").status_code == 422
    assert client.get("/custody?status=lost").status_code == 422
