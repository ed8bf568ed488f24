"""Permission strings, and which roles (in which kinds of organisation) hold them."""

from __future__ import annotations

from guetteur.auth.models import ORGANISATION_KINDS, ROLES

PUBLIC = "public"
"""Declared by routes anyone may call (log-in page, health check, API docs)."""

ME_READ = "me:read"
DASHBOARD_READ = "dashboard:read"
TOKENS_MANAGE_OWN = "tokens:manage_own"
BRANDS_READ = "brands:read"
LISTINGS_READ = "listings:read"
SELLERS_READ = "sellers:read"
USERS_MANAGE = "users:manage"
AUDIT_READ = "audit:read"
CUSTOMS_READ = "customs:read"
CUSTOMS_ACT = "customs:act"
APPLICATIONS_SUBMIT = "applications:submit"
APPLICATIONS_DECIDE = "applications:decide"

ALL_PERMISSIONS = frozenset(
    {
        ME_READ,
        DASHBOARD_READ,
        TOKENS_MANAGE_OWN,
        BRANDS_READ,
        LISTINGS_READ,
        SELLERS_READ,
        USERS_MANAGE,
        AUDIT_READ,
        CUSTOMS_READ,
        CUSTOMS_ACT,
        APPLICATIONS_SUBMIT,
        APPLICATIONS_DECIDE,
    }
)

_EVERY_USER = frozenset({ME_READ, DASHBOARD_READ, TOKENS_MANAGE_OWN, BRANDS_READ})

ROLE_PERMISSIONS: dict[str, frozenset[str]] = {
    "analyst": _EVERY_USER | {LISTINGS_READ, SELLERS_READ},
    "officer": _EVERY_USER | {CUSTOMS_READ, CUSTOMS_ACT, APPLICATIONS_DECIDE},
    "brand_manager": _EVERY_USER | {LISTINGS_READ, APPLICATIONS_SUBMIT},
    "investigator": _EVERY_USER | {LISTINGS_READ, SELLERS_READ, CUSTOMS_READ},
    "admin": ALL_PERMISSIONS,
}

# What an organisation kind may never hold, whatever the role: brands never see sellers' personal
# data nor the node-wide audit log; customs sees marketplace data only through sharing agreements,
# except its investigators, who work per case and whose reads of personal data are audited.
KIND_EXCLUDED: dict[str, frozenset[str]] = {
    "marketplace": frozenset({CUSTOMS_READ, CUSTOMS_ACT, APPLICATIONS_DECIDE}),
    "customs": frozenset({LISTINGS_READ, SELLERS_READ}),
    "brand": frozenset(
        {SELLERS_READ, AUDIT_READ, USERS_MANAGE, CUSTOMS_READ, CUSTOMS_ACT, APPLICATIONS_DECIDE}
    ),
}
KIND_EXEMPT_ROLES: dict[str, frozenset[str]] = {"customs": frozenset({"investigator"})}

assert set(ROLE_PERMISSIONS) == set(ROLES)
assert set(KIND_EXCLUDED) == set(ORGANISATION_KINDS)


def permissions_for(*, role: str, organisation_kind: str) -> frozenset[str]:
    """The permissions a user with this role in this kind of organisation holds."""
    granted = ROLE_PERMISSIONS.get(role, frozenset())
    if role in KIND_EXEMPT_ROLES.get(organisation_kind, frozenset()):
        return granted
    return granted - KIND_EXCLUDED.get(organisation_kind, ALL_PERMISSIONS)
