"""Roles, organisation kinds and the permissions they give."""

from __future__ import annotations

import pytest

from guetteur.auth import permissions as perms
from guetteur.auth.models import ORGANISATION_KINDS, ROLES


def test_every_role_and_kind_is_mapped() -> None:
    for role in ROLES:
        for kind in ORGANISATION_KINDS:
            assert perms.permissions_for(role=role, organisation_kind=kind) <= perms.ALL_PERMISSIONS


@pytest.mark.parametrize("role", ROLES)
def test_brands_never_see_sellers_or_the_audit_log(role: str) -> None:
    granted = perms.permissions_for(role=role, organisation_kind="brand")
    assert perms.SELLERS_READ not in granted
    assert perms.AUDIT_READ not in granted


def test_customs_sees_marketplace_data_only_through_investigators() -> None:
    officer = perms.permissions_for(role="officer", organisation_kind="customs")
    admin = perms.permissions_for(role="admin", organisation_kind="customs")
    investigator = perms.permissions_for(role="investigator", organisation_kind="customs")
    assert perms.LISTINGS_READ not in officer and perms.SELLERS_READ not in admin
    assert {perms.LISTINGS_READ, perms.SELLERS_READ} <= investigator


def test_unknown_role_or_kind_gets_nothing() -> None:
    assert perms.permissions_for(role="wizard", organisation_kind="marketplace") == frozenset()
    assert perms.permissions_for(role="admin", organisation_kind="pirates") == frozenset()
