"""JSON routes of networks: list, detail, confirm or cut a link, act on a whole network.

Tenancy is applied by the services (brands never see networks; investigators' reads audited).
"""

from __future__ import annotations

from fastapi import APIRouter, Query
from sqlalchemy.orm import Session

from guetteur.actors import browse, detail, enforce, labels
from guetteur.actors.models import NETWORK_STATUSES
from guetteur.actors.schemas import (
    LinkLabelCreate,
    LinkLabelRead,
    NetworkActionCreate,
    NetworkActionRead,
    NetworkPage,
    NetworkRead,
    NetworkSummaryRead,
)
from guetteur.auth import permissions as perms
from guetteur.auth.actor import Actor
from guetteur.web.deps import SessionDep, require

router = APIRouter(prefix="/api", tags=["networks"])
STATUS_PATTERN = "^(" + "|".join(NETWORK_STATUSES) + ")$"


@router.get("/networks", response_model=NetworkPage)
def list_networks(
    q: str | None = Query(None, max_length=200),
    status: str | None = Query("active", pattern=STATUS_PATTERN),
    limit: int = Query(50, ge=1, le=500),
    offset: int = Query(0, ge=0),
    session: Session = SessionDep,
    actor: Actor = require(perms.NETWORKS_READ),
) -> NetworkPage:
    """Networks of sellers and parties, largest first, with their risk and first members."""
    items = browse.list_(session, actor=actor, q=q, status=status, limit=limit, offset=offset)
    return NetworkPage(
        items=[NetworkSummaryRead.of(x) for x in items],
        total=browse.count(session, actor=actor, q=q, status=status),
        limit=limit,
        offset=offset,
    )


@router.get("/networks/{network_id}", response_model=NetworkRead)
def get_network(
    network_id: str, session: Session = SessionDep, actor: Actor = require(perms.NETWORKS_READ)
) -> NetworkRead:
    """One network: members, links with evidence, identifiers, listings, verdicts, seizures."""
    return NetworkRead.of(detail.get(session, actor=actor, network_id=network_id))


@router.post("/networks/{network_id}/links", response_model=LinkLabelRead, status_code=201)
def label_link(
    network_id: str,
    body: LinkLabelCreate,
    session: Session = SessionDep,
    actor: Actor = require(perms.NETWORKS_ACT),
) -> LinkLabelRead:
    """Confirm or cut the link between two members (honoured by the next `guetteur link`)."""
    row = labels.label_link(
        session,
        actor=actor,
        network_id=network_id,
        left_id=body.left_id,
        right_id=body.right_id,
        label=body.label,
        note=body.note,
    )
    return LinkLabelRead.of(row)


@router.post("/networks/{network_id}/actions", response_model=NetworkActionRead)
def act(
    network_id: str,
    body: NetworkActionCreate,
    session: Session = SessionDep,
    actor: Actor = require(perms.NETWORKS_ACT),
) -> NetworkActionRead:
    """Hold every live listing of the network's sellers and/or suspend them: one audited action."""
    done = enforce.act_on_network(
        session,
        actor=actor,
        network_id=network_id,
        hold_listings=body.hold_listings,
        suspend=body.suspend,
        reason=body.reason,
    )
    return NetworkActionRead.of(done)
