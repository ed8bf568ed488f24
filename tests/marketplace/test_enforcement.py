"""Holding sellers' listings and suspending their accounts: only live listings move, each seller
changed gets its audit entry, and only the marketplace may do it."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from guetteur.audit.models import AuditEntry
from guetteur.auth import permissions as perms
from guetteur.auth.actor import Actor, system_actor
from guetteur.errors import Forbidden
from guetteur.marketplace import enforcement
from guetteur.marketplace.models import Listing, Seller
from tests.conftest import Factory

SYSTEM = system_actor("test")


def _actor(kind: str, role: str) -> Actor:
    granted = perms.permissions_for(role=role, organisation_kind=kind)
    return Actor(label=role, organisation_kind=kind, role=role, user_id=1, permissions=granted)


def test_hold_listings_moves_only_live_ones(factory: Factory) -> None:
    one, two, other = factory.seller("x1"), factory.seller("x2"), factory.seller("x3")
    factory.listing("a", one)
    factory.listing("b", one, status="blocked")
    factory.listing("c", two)
    factory.listing("d", other)
    held = enforcement.hold_listings_of_sellers(
        factory.session, actor=SYSTEM, seller_ids=["x2", "x1", "x1"], reason="ring"
    )
    assert held == ["a", "c"]
    statuses = {x.id: x.status for x in factory.session.scalars(select(Listing))}
    assert statuses == {"a": "held", "b": "blocked", "c": "held", "d": "live"}
    entries = factory.session.scalars(
        select(AuditEntry).where(AuditEntry.action == "marketplace.listings_hold")
    ).all()
    assert {(e.object_id, tuple(e.detail["listing_ids"])) for e in entries} == {
        ("x1", ("a",)),
        ("x2", ("c",)),
    }
    assert (
        enforcement.hold_listings_of_sellers(
            factory.session, actor=SYSTEM, seller_ids=[], reason="none"
        )
        == []
    )


def test_suspend_sellers_once(factory: Factory) -> None:
    factory.seller("x1")
    factory.seller("x2", status="suspended")
    done = enforcement.suspend_sellers(
        factory.session, actor=SYSTEM, seller_ids=["x1", "x2", "ghost"], reason="ring"
    )
    assert done == ["x1"]
    assert factory.session.get_one(Seller, "x1").status == "suspended"
    entries = factory.session.scalars(
        select(AuditEntry).where(AuditEntry.action == "marketplace.seller_suspend")
    ).all()
    assert [(e.object_id, e.detail["from_status"]) for e in entries] == [("x1", "active")]


@pytest.mark.parametrize(
    ("kind", "role"),
    [
        ("brand", "brand_manager"),
        ("brand", "admin"),
        ("customs", "investigator"),
        ("customs", "admin"),
    ],
)
def test_only_the_marketplace_enforces(factory: Factory, kind: str, role: str) -> None:
    factory.seller("x1")
    factory.listing("a", factory.session.get_one(Seller, "x1"))
    actor = _actor(kind, role)
    with pytest.raises(Forbidden):
        enforcement.hold_listings_of_sellers(
            factory.session, actor=actor, seller_ids=["x1"], reason="no"
        )
    with pytest.raises(Forbidden):
        enforcement.suspend_sellers(factory.session, actor=actor, seller_ids=["x1"], reason="no")
    assert factory.session.get_one(Listing, "a").status == "live"


def test_marketplace_analyst_enforces(factory: Factory) -> None:
    seller = factory.seller("x1")
    factory.listing("a", seller)
    actor = _actor("marketplace", "analyst")
    assert enforcement.hold_listings_of_sellers(
        factory.session, actor=actor, seller_ids=["x1"], reason="ok"
    ) == ["a"]
