"""JSON routes of sharing: agreements and their disclosures (administrators), alerts (analysts)."""

from __future__ import annotations

from fastapi import APIRouter, Query, Request
from sqlalchemy.orm import Session

from guetteur.auth import permissions as perms
from guetteur.auth.actor import Actor
from guetteur.sharing import agreements, correlate, service
from guetteur.sharing.schemas import AgreementRead, AlertRead, DisclosureRead, NodeCard
from guetteur.web.deps import SessionDep, get_settings, require

router = APIRouter(prefix="/api/sharing", tags=["sharing"])


@router.get("/card")
def node_card(
    request: Request, actor: Actor = require(perms.SHARING_MANAGE), session: Session = SessionDep
) -> NodeCard:
    """This node's public keys, to give a partner's administrator with the agreement terms."""
    settings = get_settings(request)
    return agreements.node_card(session, node=settings.node_name, secret=settings.secret_key)


@router.get("/agreements")
def list_agreements(
    actor: Actor = require(perms.SHARING_MANAGE), session: Session = SessionDep
) -> list[AgreementRead]:
    """The agreements the caller's organisation is party to."""
    return [AgreementRead.model_validate(a) for a in agreements.list_(session, actor=actor)]


@router.get("/agreements/{agreement_id}")
def get_agreement(
    agreement_id: str, actor: Actor = require(perms.SHARING_MANAGE), session: Session = SessionDep
) -> AgreementRead:
    """One agreement (404 when the caller's organisation is not a party)."""
    row = agreements.get_or_raise(session, actor=actor, agreement_id=agreement_id)
    return AgreementRead.model_validate(row)


@router.get("/agreements/{agreement_id}/disclosures")
def list_disclosures(
    agreement_id: str,
    limit: int = Query(100, ge=1, le=1000),
    offset: int = Query(0, ge=0),
    actor: Actor = require(perms.SHARING_MANAGE),
    session: Session = SessionDep,
) -> list[DisclosureRead]:
    """Every object version disclosed under the agreement, newest first."""
    rows = service.list_disclosures(
        session, actor=actor, agreement_id=agreement_id, limit=limit, offset=offset
    )
    return [DisclosureRead.model_validate(r) for r in rows]


@router.get("/alerts")
def list_alerts(
    status: str | None = Query("open", max_length=20),
    actor: Actor = require(perms.SHARING_ALERTS),
    session: Session = SessionDep,
) -> list[AlertRead]:
    """Matches between received intelligence and our data, newest first."""
    rows = correlate.list_alerts(session, actor=actor, status=status)
    return [AlertRead.model_validate(r) for r in rows]
