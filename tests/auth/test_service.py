"""Organisations, users, passwords, tokens and the actor a user acts as."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy.orm import Session

from guetteur.audit import service as audit
from guetteur.auth import service
from guetteur.auth.actor import system_actor
from guetteur.auth.models import ApiToken
from guetteur.clock import utcnow
from guetteur.errors import Conflict, InvalidInput, NotFound, Unauthorized
from tests.conftest import DEFAULT_PASSWORD, Factory

SYSTEM = system_actor("test")


def test_create_user_hashes_with_argon2_and_audits(session: Session) -> None:
    org = service.create_organisation(session, actor=SYSTEM, slug="acme", name="Acme", kind="brand")
    user = service.create_user(
        session,
        actor=SYSTEM,
        organisation_id=org.id,
        email=" Ann@Acme.Example ",
        display_name="Ann",
        role="brand_manager",
        password="long enough",
    )
    assert user.email == "ann@acme.example"
    assert user.password_hash.startswith("$argon2id$")
    assert "long enough" not in user.password_hash
    actions = [e.action for e in audit.list_(session, limit=10)]
    assert actions == ["user.create", "organisation.create"]
    assert service.authenticate(session, email="ANN@acme.example", password="long enough") is user
    assert audit.list_(session, limit=1)[0].action == "user.login"


def test_invalid_input_lists_every_problem(session: Session) -> None:
    with pytest.raises(InvalidInput) as caught:
        service.create_organisation(session, actor=SYSTEM, slug="Bad Slug", name=" ", kind="x")
    assert {e.field for e in caught.value.errors} == {"slug", "name", "kind"}
    org = service.create_organisation(session, actor=SYSTEM, slug="m", name="M", kind="marketplace")
    with pytest.raises(InvalidInput) as caught:
        service.create_user(
            session,
            actor=SYSTEM,
            organisation_id=org.id,
            email="nope",
            display_name="",
            role="king",
            password="short",
        )
    assert {e.field for e in caught.value.errors} == {"email", "role", "password"}
    with pytest.raises(Conflict):
        service.create_organisation(session, actor=SYSTEM, slug="m", name="M", kind="customs")
    with pytest.raises(NotFound):
        service.create_user(
            session,
            actor=SYSTEM,
            organisation_id=999,
            email="a@b.example",
            display_name="A",
            role="analyst",
            password="long enough",
        )


def test_authenticate_fails_the_same_way(session: Session, factory: Factory) -> None:
    user = factory.user(factory.org("marketplace"), "analyst")
    for email, password in ((user.email, "wrong password"), ("who@nowhere.example", "x")):
        with pytest.raises(Unauthorized, match="wrong e-mail or password"):
            service.authenticate(session, email=email, password=password)
    user.is_active = False
    with pytest.raises(Unauthorized):
        service.authenticate(session, email=user.email, password=DEFAULT_PASSWORD)


def test_tokens_stored_hashed_revocable_and_expiring(session: Session, factory: Factory) -> None:
    user = factory.user(factory.org("marketplace"), "analyst")
    row, token = service.create_token(session, actor=SYSTEM, user_id=user.id, name="ci")
    assert token.startswith("gt_") and len(token) > 40
    stored = session.get(ApiToken, row.id)
    assert stored is not None and token not in (stored.token_hash, stored.prefix)
    assert service.actor_for_token(session, token=token).user_id == user.id
    for bad in ("", "gt_", token + "x", "gt_" + "A" * 43, token.upper()):
        with pytest.raises(Unauthorized):
            service.actor_for_token(session, token=bad)
    service.revoke_token(session, actor=SYSTEM, token_id=row.id)
    with pytest.raises(Unauthorized):
        service.actor_for_token(session, token=token)
    _row, expiring = service.create_token(
        session, actor=SYSTEM, user_id=user.id, name="old", expires_at=utcnow() - timedelta(1)
    )
    with pytest.raises(Unauthorized):
        service.actor_for_token(session, token=expiring)
    assert [e.action for e in audit.list_(session, limit=3)] == [
        "token.create",
        "token.revoke",
        "token.create",
    ]


def test_users_revoke_only_their_own_tokens(session: Session, factory: Factory) -> None:
    org = factory.org("brand")
    ann, bob = factory.user(org, "brand_manager"), factory.user(org, "brand_manager")
    row, _token = service.create_token(session, actor=SYSTEM, user_id=bob.id, name="bob")
    ann_actor = service.actor_for_user(session, user=ann)
    with pytest.raises(NotFound):
        service.revoke_token(session, actor=ann_actor, token_id=row.id)
    bob_actor = service.actor_for_user(session, user=bob)
    assert service.revoke_token(session, actor=bob_actor, token_id=row.id).revoked_at


def test_actor_for_brand_user_carries_its_brands(session: Session, factory: Factory) -> None:
    org, other = factory.org("brand"), factory.org("brand")
    factory.brand("acme", owner=org)
    factory.brand("zenith", owner=other)
    factory.brand("unowned")
    factory.brand("acme-kids")
    service.assign_brand_owner(session, brand_id="acme-kids", organisation_id=org.id)
    actor = service.actor_for_user(session, user=factory.user(org, "brand_manager"))
    assert actor.brand_ids == frozenset({"acme", "acme-kids"})
    assert actor.organisation_kind == "brand" and actor.can("brands:read")
    assert not actor.can("sellers:read")
    market_actor = service.actor_for_user(
        session, user=factory.user(factory.org("marketplace"), "analyst")
    )
    assert market_actor.brand_ids == frozenset()
    with pytest.raises(InvalidInput):
        service.assign_brand_owner(
            session, brand_id="acme", organisation_id=market_actor.organisation_id or 0
        )


def test_seed_demo_is_idempotent(session: Session, factory: Factory) -> None:
    for brand_id in ("acme", "bolt", "crest", "dune"):
        factory.brand(brand_id)
    logins = service.seed_demo_organisations_and_users(
        session, password="demo-password", max_brand_organisations=2
    )
    roles = sorted(login.role for login in logins)
    assert roles == sorted(
        ["analyst", "admin", "officer", "investigator", "brand_manager", "brand_manager"]
    )
    again = service.seed_demo_organisations_and_users(
        session, password="demo-password", max_brand_organisations=2
    )
    assert again == logins
    manager = next(x for x in logins if x.role == "brand_manager")
    user = service.authenticate(session, email=manager.email, password="demo-password")
    assert service.actor_for_user(session, user=user).brand_ids == frozenset({"acme"})
