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
SHARING_MANAGE = "sharing:manage"
"""See and manage sharing agreements and every disclosure (administrators of either party)."""
SHARING_EXCHANGE = "sharing:exchange"
"""Read and post to TAXII collections (a partner's technical account; agreements decide which)."""
SHARING_ALERTS = "sharing:alerts"
"""See alerts raised when received intelligence matches our own data."""
NOTICES_SUBMIT = "notices:submit"
NOTICES_HANDLE = "notices:handle"
"""Work the notices queue, issue and reverse statements of reasons, record and decide appeals."""
LISTINGS_REMOVE = "listings:remove"
"""Remove listings of one's own brands directly (only while the brand's notices are accurate)."""
FLAGGERS_MANAGE = "flaggers:manage"
"""Record which brand organisations are trusted flaggers (the marketplace's administrators)."""
CASES_READ = "cases:read"
CASES_WORK = "cases:work"
CASES_OPEN = "cases:open"
REPORTS_READ = "reports:read"
NETWORKS_READ = "networks:read"
"""See networks of seller accounts and parties (sellers' personal data: never brands)."""
NETWORKS_ACT = "networks:act"
"""Confirm or cut links, and act on a whole network (hold listings, suspend accounts)."""
LISTINGS_SUBMIT = "listings:submit"
"""Submit and edit listings and open seller accounts (the marketplace's own systems)."""
LISTINGS_REVIEW = "listings:review"
"""Work the review queue of held listings and record verdicts (the marketplace's analysts)."""

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
        NOTICES_SUBMIT,
        NOTICES_HANDLE,
        LISTINGS_REMOVE,
        FLAGGERS_MANAGE,
        CASES_READ,
        CASES_WORK,
        CASES_OPEN,
        REPORTS_READ,
        SHARING_MANAGE,
        SHARING_EXCHANGE,
        SHARING_ALERTS,
        NETWORKS_READ,
        NETWORKS_ACT,
        LISTINGS_SUBMIT,
        LISTINGS_REVIEW,
    }
)

_EVERY_USER = frozenset({ME_READ, DASHBOARD_READ, TOKENS_MANAGE_OWN, BRANDS_READ, REPORTS_READ})
_CASE_WORK = frozenset({CASES_READ, CASES_WORK})
_CASE_LEAD = _CASE_WORK | {CASES_OPEN}

_SHARING_WORK = frozenset({SHARING_EXCHANGE, SHARING_ALERTS})

ROLE_PERMISSIONS: dict[str, frozenset[str]] = {
    "analyst": _EVERY_USER
    | _CASE_LEAD
    | _SHARING_WORK
    | {LISTINGS_READ, SELLERS_READ, NETWORKS_READ, NETWORKS_ACT, NOTICES_HANDLE}
    | {LISTINGS_SUBMIT, LISTINGS_REVIEW},
    "officer": _EVERY_USER
    | _CASE_WORK
    | _SHARING_WORK
    | {CUSTOMS_READ, CUSTOMS_ACT, APPLICATIONS_DECIDE},
    "brand_manager": _EVERY_USER
    | _CASE_WORK
    | {LISTINGS_READ, APPLICATIONS_SUBMIT, NOTICES_SUBMIT, LISTINGS_REMOVE},
    "investigator": _EVERY_USER
    | _CASE_LEAD
    | {LISTINGS_READ, SELLERS_READ, CUSTOMS_READ, SHARING_ALERTS, NETWORKS_READ},
    "admin": ALL_PERMISSIONS,
}

# What an organisation kind may never hold, whatever the role: brands never see sellers' personal
# data nor the node-wide audit log; customs sees marketplace data only through sharing agreements,
# except its investigators, who work per case and whose reads of personal data are audited.
KIND_EXCLUDED: dict[str, frozenset[str]] = {
    "marketplace": frozenset(
        {CUSTOMS_READ, CUSTOMS_ACT, APPLICATIONS_DECIDE, NOTICES_SUBMIT, LISTINGS_REMOVE}
    ),
    "customs": frozenset(
        {
            LISTINGS_READ,
            SELLERS_READ,
            NOTICES_SUBMIT,
            NETWORKS_READ,
            NETWORKS_ACT,
            NOTICES_HANDLE,
            LISTINGS_REMOVE,
            FLAGGERS_MANAGE,
            LISTINGS_SUBMIT,
            LISTINGS_REVIEW,
        }
    ),
    "brand": frozenset(
        {
            SELLERS_READ,
            AUDIT_READ,
            USERS_MANAGE,
            CUSTOMS_READ,
            CUSTOMS_ACT,
            APPLICATIONS_DECIDE,
            SHARING_ALERTS,
            NETWORKS_READ,
            NETWORKS_ACT,
            NOTICES_HANDLE,
            FLAGGERS_MANAGE,
            LISTINGS_SUBMIT,
            LISTINGS_REVIEW,
        }
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
