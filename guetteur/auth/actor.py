"""Who is acting: the identity every service call is made on behalf of."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Actor:
    """The user (or system job) a service call acts for, with what tenancy needs to know.

    `brand_ids` lists the registry brands a brand organisation owns; it is empty for the other
    organisation kinds. `permissions` are the strings of `guetteur.auth.permissions`.
    """

    label: str
    organisation_kind: str
    role: str
    user_id: int | None = None
    organisation_id: int | None = None
    brand_ids: frozenset[str] = field(default_factory=frozenset)
    permissions: frozenset[str] = field(default_factory=frozenset)

    @property
    def is_system(self) -> bool:
        return self.user_id is None

    def can(self, permission: str) -> bool:
        return permission in self.permissions or "*" in self.permissions


def system_actor(label: str = "system") -> Actor:
    """The actor of a command-line job run by the node's operator: may do everything."""
    return Actor(label=label, organisation_kind="system", role="admin", permissions=frozenset("*"))
