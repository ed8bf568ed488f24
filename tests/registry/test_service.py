"""Registry read side: tenancy in the service layer."""

from __future__ import annotations

import pytest
from sqlalchemy.orm import Session

from guetteur.audit import service as audit
from guetteur.auth import service as auth
from guetteur.auth.actor import system_actor
from guetteur.errors import NotFound
from guetteur.registry import service
from tests.conftest import TenantWorld


def test_brand_user_sees_only_its_brands(session: Session, tenants: TenantWorld) -> None:
    actor = auth.actor_for_user(session, user=tenants.users["brand_a"])
    assert [b.id for b in service.list_brands(session, actor=actor)] == ["acme"]
    assert service.count_brands(session, actor=actor) == 1
    assert service.count_brands(session, actor=actor, q="zen") == 0
    assert service.get_brand(session, actor=actor, brand_id="acme").name == "Acme Sneakers"
    with pytest.raises(NotFound) as caught:
        service.get_brand(session, actor=actor, brand_id="zenith")
    with pytest.raises(NotFound) as missing:
        service.get_brand(session, actor=actor, brand_id="does-not-exist")
    assert type(caught.value) is type(missing.value)  # same answer: existence does not leak
    with pytest.raises(NotFound):
        service.count_products(session, actor=actor, brand_id="zenith")


def test_other_parties_see_the_whole_registry(session: Session, tenants: TenantWorld) -> None:
    for who in ("analyst", "officer", "investigator", "admin"):
        actor = auth.actor_for_user(session, user=tenants.users[who])
        assert service.count_brands(session, actor=actor) == 2, who
        assert [b.id for b in service.list_brands(session, actor=actor, q="ZEN")] == ["zenith"]


def test_set_owner_is_audited(session: Session, tenants: TenantWorld) -> None:
    service.set_owner(session, actor=system_actor(), brand_id="zenith", organisation_id=None)
    assert (
        service.brand_ids_owned_by(
            session, organisation_id=tenants.brand_b.owner_organisation_id or 0
        )
        == []
    )
    entry = audit.list_(session, limit=1)[0]
    assert (entry.action, entry.object_id) == ("brand.owner_set", "zenith")
    with pytest.raises(NotFound):
        service.set_owner(session, actor=system_actor(), brand_id="nope", organisation_id=None)
