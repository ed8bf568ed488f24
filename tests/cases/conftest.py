"""Case fixtures: the two-brand world with a linked pair of sellers, a detention and a lot."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

import pytest
from sqlalchemy.orm import Session

from guetteur.actors.models import Network, NetworkMember
from guetteur.auth import service as auth
from guetteur.auth.actor import Actor, system_actor
from guetteur.custody import service as custody
from guetteur.customs import detention as proc
from tests.conftest import Factory, TenantWorld
from tests.customs.helpers import file_application


@dataclass
class CaseWorld:
    """Actors of each organisation, and the facts a case can be opened from."""

    tenants: TenantWorld
    actors: dict[str, Actor]
    network_id: str
    detention_id: int
    lot_id: int


def actor_of(session: Session, user: Any) -> Actor:
    """The actor of a stored user."""
    return auth.actor_for_user(session, user=user)


@pytest.fixture
def case_world(session: Session, factory: Factory, tenants: TenantWorld) -> CaseWorld:
    twin = factory.seller(
        "s-a2",
        display_name="Alpha Twin",
        phone=tenants.seller_a.phone,
        bank_account=tenants.seller_a.bank_account,
    )
    factory.listing("l-a2", twin, tenants.brand_a, title="Acme twin runner")
    session.add(Network(id="N-test", size=2, anchor_member_id="s-a"))
    session.flush()
    for member in ("s-a", "s-a2"):
        evidence = [{"identifier_kind": "phone", "detail": "same phone", "weight": 9.0}]
        session.add(
            NetworkMember(member_id=member, network_id="N-test", kind="seller", evidence=evidence)
        )
    system = system_actor("test")
    file_application(session, brand_id="acme", small_consignments=False)
    detention = proc.detain(
        session, actor=system, office="FR000001", on=date(2025, 3, 3), units=40, brand_id="acme"
    )
    lot = custody.create_lot(
        session,
        actor=system,
        office="FR000001",
        storage_location="store 1",
        seized_on=date(2025, 3, 4),
        detention_id=detention.id,
        lines=[custody.LineCreate(brand_id="acme", units=40)],
    )
    detention.lot_id = lot.id
    factory.commit()
    actors = {name: actor_of(session, user) for name, user in tenants.users.items()}
    return CaseWorld(tenants, actors, "N-test", detention.id, lot.id)
