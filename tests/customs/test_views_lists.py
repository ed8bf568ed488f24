"""The customs lists in the browser: targeting queue and detentions, paginated and searchable."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

from fastapi.testclient import TestClient

from guetteur.customs.models import Declaration, Detention, Selection, TargetingRun
from guetteur.web.rendering import PAGE_SIZE
from tests.conftest import Factory, Store, TenantWorld
from tests.web.helpers import log_in

OFFICE = "FR000730"
OTHER_OFFICE = "FR004300"
QUEUE_ROWS = PAGE_SIZE + 5
TOTAL = re.compile(r"page \d+ of \d+ · (\d+) in all")


def total_of(html: str) -> int:
    """The number of matching rows the pager states."""
    match = TOTAL.search(html)
    assert match, "no pager on the page"
    return int(match.group(1))


def _declaration(declaration_id: str, office: str, hs_code: str, importer: str) -> Declaration:
    return Declaration(
        id=declaration_id,
        lodged_at=datetime(2025, 5, 2, 8, tzinfo=UTC),
        office=office,
        declarant_id="decl-1",
        importer={"name": importer, "country": "FR"},
        consignor={"name": f"Consignor of {declaration_id}", "country": "CN"},
        hs_code=hs_code,
        description="sports shoes",
        origin_country="CN",
        quantity=10,
        gross_weight_kg=Decimal("4.5"),
        declared_value=Decimal("120"),
        currency="EUR",
        transport_mode="express",
    )


def _queue_world(factory: Factory) -> None:
    session = factory.session
    run = TargetingRun(
        since=datetime(2025, 5, 1, tzinfo=UTC), capacity=0.1, exploration=0.02, model_version="m1"
    )
    session.add(run)
    session.flush()
    rows: list[tuple[str, str, str, str]] = [
        (f"D{i:03d}", OFFICE, "640399", f"Importer {i:03d}") for i in range(QUEUE_ROWS)
    ]
    rows.append(("D-ODD", OFFICE, "420221", "Hortense Quincampoix"))
    rows.append(("D-ELSEWHERE", OTHER_OFFICE, "640399", "Importer elsewhere"))
    for rank, (declaration_id, office, hs_code, importer) in enumerate(rows, start=1):
        session.add(_declaration(declaration_id, office, hs_code, importer))
        session.flush()
        session.add(
            Selection(
                run_id=run.id,
                declaration_id=declaration_id,
                office=office,
                day=date(2025, 5, 2),
                score=1 - rank / 1000,
                rank=rank,
                selected=rank <= 10,
                reasons=[],
                model_version="m1",
            )
        )
    factory.commit()


def test_queue_paginates_searches_and_filters(
    store: Store, factory: Factory, tenants: TenantWorld, client: TestClient
) -> None:
    _queue_world(factory)
    log_in(client, tenants.users["officer"].email)
    first = client.get("/customs")
    assert first.status_code == 200
    total = QUEUE_ROWS + 1
    assert "page 1 of 2" in first.text and total_of(first.text) == total
    assert ">D000<" in first.text and ">D049<" in first.text and ">D050<" not in first.text
    assert "D-ELSEWHERE" not in first.text
    second = client.get("/customs", params={"office": OFFICE, "page": 2})
    assert "page 2 of 2" in second.text and "previous" in second.text
    assert ">D050<" in second.text and ">D049<" not in second.text and "D-ODD" in second.text
    by_importer = client.get("/customs", params={"q": "quincampoix"})
    assert total_of(by_importer.text) == 1 and "D-ODD" in by_importer.text
    by_consignor = client.get("/customs", params={"q": "consignor of d007"})
    assert total_of(by_consignor.text) == 1 and ">D007<" in by_consignor.text
    by_hs = client.get("/customs", params={"q": "4202"})
    assert total_of(by_hs.text) == 1 and "D-ODD" in by_hs.text
    by_id = client.get("/customs", params={"q": "d05"})
    assert total_of(by_id.text) == QUEUE_ROWS - 50
    assert total_of(client.get("/customs", params={"selected": "yes"}).text) == 10
    not_selected = client.get("/customs", params={"selected": "no", "q": "D0"})
    assert total_of(not_selected.text) == QUEUE_ROWS - 10 and ">D000<" not in not_selected.text
    other = client.get("/customs", params={"office": OTHER_OFFICE})
    assert total_of(other.text) == 1 and "D-ELSEWHERE" in other.text
    empty = client.get("/customs", params={"q": "100%_"})
    assert "No declarations match these filters" in empty.text
    assert f'href="/customs?office={OFFICE}">Clear the filters' in empty.text
    assert client.get("/customs?selected=maybe").status_code == 422
    assert client.get("/customs?page=0").status_code == 422


def _detention(number: int, **values: object) -> Detention:
    fields: dict[str, object] = {
        "declaration_id": None,
        "office": OFFICE,
        "member_state": "FR",
        "brand_id": "acme",
        "procedure": "standard",
        "status": "notified",
        "units": number,
        "detained_on": date(2025, 4, 1),
        "due_on": date(2025, 5, 1) + timedelta(days=number),
        "due_step": "confirmation",
    }
    return Detention(**(fields | values))


def test_detentions_paginate_search_and_filter(
    store: Store, factory: Factory, tenants: TenantWorld, client: TestClient
) -> None:
    session = factory.session
    session.add(_declaration("DECL-SEIZED", OFFICE, "640399", "Someone"))
    session.flush()
    rows = [_detention(n) for n in range(PAGE_SIZE + 5)]
    rows.append(_detention(90, brand_id="zenith", declaration_id="DECL-SEIZED", due_on=None))
    rows.append(_detention(91, status="destroyed", due_on=date(2025, 5, 2), due_step=None))
    session.add_all(rows)
    factory.commit()
    log_in(client, tenants.users["officer"].email)
    today = {"today": "2025-05-07"}  # rows 0-5 are overdue, row 6 is due today
    first = client.get("/customs/detentions", params=today)
    total = PAGE_SIZE + 7
    assert first.status_code == 200
    assert "page 1 of 2" in first.text and total_of(first.text) == total
    assert "6 overdue" in first.text and "1 due today" in first.text
    assert "2025-05-01" in first.text and "2025-06-20" not in first.text  # soonest first
    second = client.get("/customs/detentions", params=today | {"page": "2"})
    assert "page 2 of 2" in second.text and "previous" in second.text
    assert "2025-06-20" in second.text and "2025-05-01 " not in second.text
    assert "DECL-SEIZED" in second.text  # no due date: last
    by_brand = client.get("/customs/detentions", params=today | {"q": "secretmark"})
    assert total_of(by_brand.text) == 1 and "DECL-SEIZED" in by_brand.text
    by_declaration = client.get("/customs/detentions", params=today | {"q": "decl-seized"})
    assert total_of(by_declaration.text) == 1
    overdue = client.get("/customs/detentions", params=today | {"due": "overdue"})
    assert total_of(overdue.text) == 6 and "OVERDUE" in overdue.text
    due_today = client.get("/customs/detentions", params=today | {"due": "today"})
    assert total_of(due_today.text) == 1 and "2025-05-07" in due_today.text
    destroyed = client.get("/customs/detentions", params=today | {"status": "destroyed"})
    assert total_of(destroyed.text) == 1 and "OVERDUE" not in destroyed.text
    empty = client.get("/customs/detentions", params=today | {"q": "nothing-like-this"})
    assert "No detentions match these filters" in empty.text
    assert 'href="/customs/detentions?today=2025-05-07">Clear the filters' in empty.text
    assert client.get("/customs/detentions?status=lost").status_code == 422
    assert client.get("/customs/detentions?due=tomorrow").status_code == 422
