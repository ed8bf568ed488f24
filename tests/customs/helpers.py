"""Customs test helpers: an officer, a brand manager, an application for action."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy.orm import Session

from guetteur.auth.actor import Actor
from guetteur.auth.permissions import permissions_for
from guetteur.registry import applications
from guetteur.registry.models import Brand

OFFICER = Actor(
    label="officer@douane",
    organisation_kind="customs",
    role="officer",
    user_id=None,
    permissions=permissions_for(role="officer", organisation_kind="customs"),
)
BRAND_MANAGER = Actor(
    label="manager@acme",
    organisation_kind="brand",
    role="brand_manager",
    brand_ids=frozenset({"acme"}),
    permissions=permissions_for(role="brand_manager", organisation_kind="brand"),
)


def file_application(
    session: Session,
    *,
    brand_id: str = "acme",
    member_states: tuple[str, ...] = ("FR",),
    small_consignments: bool = True,
    grant: bool = True,
    valid_from: date = date(2025, 1, 1),
) -> Any:
    """A submitted (and, by default, granted) application for `brand_id`."""
    data = applications.ApplicationCreate(
        brand_id=brand_id,
        applicant="Acme SAS",
        kind="national" if len(member_states) == 1 else "union",
        member_states=list(member_states),
        ip_rights=[{"type": "EU trade mark", "number": "018000001"}],
        product_ids=[],
        authentication_guide="Genuine boxes carry a holographic sticker under the lid.",
        reference_images=["images/acme-box.png"],
        contacts=[{"name": "Legal", "email": "legal@acme.example"}],
        small_consignments=small_consignments,
    )
    row = applications.submit(session, actor=BRAND_MANAGER, data=data)
    if grant:
        applications.decide(
            session, actor=OFFICER, application_id=row.id, grant=True, valid_from=valid_from
        )
    return row


def make_acme(session: Session) -> Brand:
    """The brand `acme`."""
    brand = Brand(id="acme", name="Acme")
    session.add(brand)
    session.flush()
    return brand
