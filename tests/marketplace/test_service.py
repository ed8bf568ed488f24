"""Marketplace read side: tenancy and audited personal-data reads in the service layer."""

from __future__ import annotations

import pytest
from sqlalchemy.orm import Session

from guetteur.audit import service as audit
from guetteur.auth import service as auth
from guetteur.auth.actor import Actor, system_actor
from guetteur.errors import Forbidden, NotFound
from guetteur.marketplace import service
from tests.conftest import TenantWorld


def _actor(session: Session, tenants: TenantWorld, who: str) -> Actor:
    return auth.actor_for_user(session, user=tenants.users[who])


def test_brand_user_sees_only_its_brands_listings(session: Session, tenants: TenantWorld) -> None:
    actor = _actor(session, tenants, "brand_a")
    ids = [x.id for x in service.list_listings(session, actor=actor)]
    assert sorted(ids) == ["l-a", "l-a-held"]
    assert service.list_listings(session, actor=actor, brand_id="zenith") == []
    assert service.count_listings(session, actor=actor, seller_id="s-b") == 0
    assert service.get_listing(session, actor=actor, listing_id="l-a").id == "l-a"
    with pytest.raises(NotFound):
        service.get_listing(session, actor=actor, listing_id="l-b")
    assert service.listing_counts_by_status(session, actor=actor) == {
        "live": 1,
        "held": 1,
        "blocked": 0,
        "removed": 0,
    }
    assert service.count_notices(session, actor=actor) == 0
    assert service.verdict_counts(session, actor=actor) == {"counterfeit": 0, "genuine": 0}


def test_brand_user_never_reads_sellers(session: Session, tenants: TenantWorld) -> None:
    actor = _actor(session, tenants, "brand_a")
    with pytest.raises(Forbidden):
        service.get_seller(session, actor=actor, seller_id="s-a")
    with pytest.raises(Forbidden):
        service.list_sellers(session, actor=actor)


def test_marketplace_sees_everything_without_auditing_its_own_reads(
    session: Session, tenants: TenantWorld
) -> None:
    actor = _actor(session, tenants, "analyst")
    assert service.count_listings(session, actor=actor) == 3
    assert service.count_notices(session, actor=actor, open_only=True) == 1
    assert service.verdict_counts(session, actor=actor)["counterfeit"] == 1
    before = audit.count(session)
    assert service.get_seller(session, actor=actor, seller_id="s-b").email == "bravo@secret.example"
    assert audit.count(session) == before


def test_customs_officer_sees_no_marketplace_data(session: Session, tenants: TenantWorld) -> None:
    actor = _actor(session, tenants, "officer")
    for call in (
        lambda: service.list_listings(session, actor=actor),
        lambda: service.get_listing(session, actor=actor, listing_id="l-a"),
        lambda: service.get_seller(session, actor=actor, seller_id="s-a"),
        lambda: service.count_notices(session, actor=actor),
    ):
        with pytest.raises(Forbidden):
            call()


def test_investigator_reads_are_audited(session: Session, tenants: TenantWorld) -> None:
    actor = _actor(session, tenants, "investigator")
    seller = service.get_seller(session, actor=actor, seller_id="s-b")
    assert seller.bank_account
    entry = audit.list_(session, limit=1, action="personal_data.read")[0]
    assert entry.object_id == "s-b" and entry.actor_organisation_id == tenants.customs.id
    assert entry.detail["owner_organisation_id"] == tenants.marketplace.id
    assert "email" in entry.detail["fields"]
    with pytest.raises(NotFound):
        service.get_seller(session, actor=actor, seller_id="nope")


def test_search_and_filters(session: Session, tenants: TenantWorld) -> None:
    actor = system_actor()
    assert [x.id for x in service.list_listings(session, actor=actor, q="ZENITH")] == ["l-b"]
    assert [x.id for x in service.list_listings(session, actor=actor, status="held")] == [
        "l-a-held"
    ]
    assert [s.id for s in service.list_sellers(session, actor=actor, q="bravo")] == ["s-b"]
    assert service.count_sellers(session, actor=actor) == 2
    assert len(service.list_listings(session, actor=actor, limit=1, offset=1)) == 1
