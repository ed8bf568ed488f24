"""A small network written straight into the store (no linking run): three ring accounts that
share a bank account, a probable match, a declaration party, and a forwarder's address that the
run excluded as a super-node. Used by the view, API and enforcement tests."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy.orm import Session

from guetteur.actors import index as store_index
from guetteur.actors.graph import SuperNode, excluded_values
from guetteur.actors.models import LinkageRun, Network, NetworkMember, SuperNodeValue
from guetteur.actors.records import from_party, from_seller, seller_fields
from guetteur.customs.models import Declaration, Detention, Inspection
from guetteur.marketplace.models import Listing
from tests.conftest import Factory, TenantWorld

NETWORK_ID = "N-ring00000001"
FORWARDER = {"street": "1 Forwarder Way", "city": "Lyon", "postcode": "69001", "country": "FR"}
PARTY = {"name": "Ringo Trading SARL", "country": "CN", "email": "ring@ringo.example"}


@dataclass
class RingWorld:
    sellers: list[Any]
    live: list[str]
    tenants: TenantWorld


def _evidence(kind: str, detail: str, weight: float, others: list[str]) -> dict[str, Any]:
    return {"identifier_kind": kind, "detail": detail, "weight": weight, "others": others}


def _bank(others: list[str]) -> dict[str, Any]:
    return _evidence(
        "bank_account", f"same bank account …3000 as {', '.join(others)}", 12.0, others
    )


def _declaration(session: Session) -> None:
    session.add(
        Declaration(
            id="d-9",
            lodged_at=datetime(2025, 2, 1, tzinfo=UTC),
            office="FRCDG",
            declarant_id="decl-1",
            importer={"name": "Someone Else", "country": "FR"},
            consignor=PARTY,
            hs_code="640411",
            origin_country="CN",
            quantity=40,
            gross_weight_kg=Decimal("12.5"),
            declared_value=Decimal("80"),
            currency="EUR",
            transport_mode="express",
        )
    )
    session.flush()
    session.add(
        Detention(
            declaration_id="d-9",
            office="FRCDG",
            member_state="FR",
            procedure="standard",
            status="detained",
            units=40,
            detained_on=date(2025, 2, 3),
        )
    )
    session.add(
        Inspection(
            declaration_id="d-9",
            inspected_at=datetime(2025, 2, 2, tzinfo=UTC),
            outcome="ipr_suspected",
            units=40,
        )
    )


def build(factory: Factory, tenants: TenantWorld) -> RingWorld:
    """The ring, its listings, verdict, notice, declaration, and the network rows."""
    session = factory.session
    common = {"bank_account": "DE89370400440532013000", "address": FORWARDER}
    sellers = [
        factory.seller("r1", display_name="Ring One", phone="+33 6 11 11 11 11", **common),
        factory.seller("r2", display_name="Ring Two", phone="+33 6 22 22 22 22", **common),
        factory.seller("r3", display_name="Ring Three", phone="+33 6 33 33 33 33", **common),
    ]
    live = [
        factory.listing("l-r1", sellers[0]).id,
        factory.listing("l-r2", sellers[1], tenants.brand_b, title="Zenith copy").id,
        factory.listing("l-r3", sellers[2]).id,
    ]
    factory.listing("l-r1-blocked", sellers[0], status="blocked")
    factory.listing("l-r3-held", sellers[2], status="held")
    factory.verdict(session.get_one(Listing, "l-r2"))
    factory.notice("n-r2", session.get_one(Listing, "l-r2"))
    _declaration(session)
    run = LinkageRun(finished_at=datetime(2025, 3, 1, tzinfo=UTC), options={"cap": 50})
    session.add(run)
    session.flush()
    records = [from_seller(seller_fields(s)) for s in sellers]
    forwarder = records[0].address_key
    assert forwarder
    session.add(SuperNodeValue(run_id=run.id, kind="address_key", value=forwarder, degree=120))
    excluded = excluded_values([SuperNode("address_key", forwarder, 120)])
    party = from_party("d-9", "consignor", PARTY, datetime(2025, 2, 1, tzinfo=UTC))
    for record in [*records, party]:
        store_index.add(session, record.without(excluded))
    session.add(Network(id=NETWORK_ID, anchor_member_id="r1", size=4, last_run_id=run.id))
    session.flush()
    match = "probable match with {} (p=0.999): shop name similar (+4.0)"
    members = {
        "r1": [
            _bank(["r2", "r3"]),
            _evidence("probabilistic", match.format("d-9:consignor"), 9.5, ["d-9:consignor"]),
        ],
        "r2": [_bank(["r1", "r3"])],
        "r3": [_bank(["r1", "r2"])],
        "d-9:consignor": [_evidence("probabilistic", match.format("r1"), 9.5, ["r1"])],
    }
    for member_id, evidence in members.items():
        kind = "party" if ":" in member_id else "seller"
        session.add(
            NetworkMember(
                member_id=member_id,
                network_id=NETWORK_ID,
                kind=kind,
                evidence=evidence,
                run_id=run.id,
            )
        )
    factory.commit()
    return RingWorld(sellers, live, tenants)
