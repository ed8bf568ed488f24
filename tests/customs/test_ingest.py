"""Import of declarations.jsonl and inspections.jsonl: all-or-nothing, every bad line named."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from sqlalchemy import func, select

from guetteur.auth.actor import system_actor
from guetteur.customs.models import Declaration, Inspection
from guetteur.db import transaction
from guetteur.interchange import service
from tests.conftest import Store

PARTY = {
    "name": "Shenzhen Trading Co.",
    "address": {"line1": "1 Road", "city": "Shenzhen", "postcode": "518000", "country": "CN"},
    "country": "CN",
    "eori": None,
    "phone": "+86 131 2328 5878",
    "email": None,
}


def declaration(decl_id: str, **fields: Any) -> dict[str, Any]:
    row = {
        "id": decl_id,
        "lodged_at": "2025-03-14T09:26:53Z",
        "office": "FR000730",
        "declarant_id": "DCL-POST-FR",
        "importer": {"name": "Jean Dupont", "address": None, "country": "FR"},
        "consignor": PARTY,
        "hs_code": "640411",
        "description": "gift",
        "origin_country": "CN",
        "quantity": 3,
        "gross_weight_kg": 1.2,
        "declared_value": 12.5,
        "currency": "EUR",
        "transport_mode": "postal",
        "seller_ref": "s-1",
    }
    return row | fields


INSPECTIONS = [
    {"declaration_id": "d-1", "inspected_at": "2025-03-15T10:00:00Z", "outcome": "ipr_suspected",
     "brand_id": "acme", "units": 3, "revenue": None},
    {"declaration_id": "d-2", "inspected_at": "2025-03-15T11:00:00+01:00", "outcome": "clear"},
]  # fmt: skip


def write(path: Path, rows: list[Any]) -> None:
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")


def run(store: Store, folder: Path) -> service.ImportReport:
    with transaction(store.sessions) as session:
        return service.import_dir(
            session, directory=folder, actor=system_actor("test"), settings=store.settings
        )


def counts(store: Store) -> tuple[int, int]:
    with store.sessions() as session:
        return (
            session.scalar(select(func.count()).select_from(Declaration)) or 0,
            session.scalar(select(func.count()).select_from(Inspection)) or 0,
        )


def test_import_then_reimport_changes_nothing(store: Store, tmp_path: Path) -> None:
    write(
        tmp_path / "declarations.jsonl", [declaration("d-1"), declaration("d-2", seller_ref=None)]
    )
    write(tmp_path / "inspections.jsonl", INSPECTIONS)
    report = run(store, tmp_path)
    assert [(f.file, f.status, f.inserted) for f in report.files] == [
        ("declarations.jsonl", "applied", 2),
        ("inspections.jsonl", "applied", 2),
    ]
    assert counts(store) == (2, 2)
    again = run(store, tmp_path)
    assert [f.status for f in again.files] == ["unchanged", "unchanged"]
    with store.sessions() as session:
        d1 = session.get_one(Declaration, "d-1")
        assert d1.consignor["address"]["city"] == "Shenzhen" and d1.quantity == 3
    write(tmp_path / "declarations.jsonl", [declaration("d-1", quantity=4)])
    (tmp_path / "inspections.jsonl").unlink()
    assert run(store, tmp_path).files[0].updated == 1


def test_bad_lines_are_all_reported_and_nothing_is_applied(store: Store, tmp_path: Path) -> None:
    rows = [
        declaration("d-1"),
        declaration("d-2", hs_code="64A4"),
        declaration("d-3", importer={"address": None}, transport_mode="camel"),
        declaration("d-1"),
    ]
    write(tmp_path / "declarations.jsonl", rows)
    write(
        tmp_path / "inspections.jsonl", [*INSPECTIONS, {**INSPECTIONS[1], "declaration_id": "d-9"}]
    )
    report = run(store, tmp_path)
    assert not report.ok
    found = {(e.file, e.line, e.field) for e in report.errors}
    assert found == {
        ("declarations.jsonl", 2, "hs_code"),
        ("declarations.jsonl", 3, "importer.name"),
        ("declarations.jsonl", 3, "transport_mode"),
        ("declarations.jsonl", 4, "id"),
        ("inspections.jsonl", 1, "declaration_id"),
        ("inspections.jsonl", 2, "declaration_id"),
        ("inspections.jsonl", 3, "declaration_id"),
    }
    assert counts(store) == (0, 0)
