"""Agreements: create from the terms both nodes hold, read, and the collections they define."""

from __future__ import annotations

import hashlib
import uuid
from dataclasses import dataclass

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from guetteur.audit import service as audit
from guetteur.auth import service as auth
from guetteur.auth.actor import Actor
from guetteur.auth.models import Organisation
from guetteur.errors import Conflict, Forbidden, InvalidInput, NotFound
from guetteur.sharing import keys as node_keys
from guetteur.sharing.models import Agreement
from guetteur.sharing.schemas import Flow, NodeCard, Terms
from guetteur.sharing.signing import canonical
from guetteur.sharing.stix import Context, organisation_identity_id

COLLECTIONS = uuid.UUID("3f6c2a3e-1d4b-5f7a-8c9e-0a1b2c3d4e5f")


def collection_id(agreement_id: str, sender: str, recipient: str) -> str:
    """The id of the collection carrying one direction of an agreement (same on both nodes)."""
    return str(uuid.uuid5(COLLECTIONS, f"{agreement_id}/{sender}->{recipient}"))


def outbound_collection(agreement: Agreement) -> str:
    """Where we place what we share with the partner (the partner reads it)."""
    return collection_id(agreement.id, agreement.local_node, agreement.partner_node)


def inbound_collection(agreement: Agreement) -> str:
    """What the partner shares with us: on its node (we pull) or pushed to ours."""
    return collection_id(agreement.id, agreement.partner_node, agreement.local_node)


def terms_hash(terms: Terms) -> str:
    """The SHA-256 of the canonical terms: both administrators compare it."""
    return hashlib.sha256(canonical(terms.model_dump(mode="json"))).hexdigest()


def _require_admin(actor: Actor) -> None:
    if not (actor.is_system or (actor.role == "admin" and actor.can("sharing:manage"))):
        raise Forbidden("only administrators manage sharing agreements")


def create(
    session: Session,
    *,
    actor: Actor,
    terms: Terms,
    local_node: str,
    partner_card: NodeCard,
    secret: str,
    partner_credential: str | None = None,
) -> Agreement:
    """Record an agreement on this node, deriving its token key with the partner's card."""
    _require_admin(actor)
    local = next((p for p in terms.parties if p.node == local_node), None)
    partner = next((p for p in terms.parties if p.node != local_node), None)
    if local is None or partner is None:
        raise InvalidInput(f"this node ({local_node}) is not a party to the agreement")
    if partner_card.node != partner.node:
        raise InvalidInput(f"the card is of node {partner_card.node!r}, not {partner.node!r}")
    if session.get(Agreement, terms.id) is not None:
        raise Conflict(f"agreement {terms.id} already exists")
    local_org = auth.get_organisation_by_slug(session, slug=local.organisation)
    if local_org is None:
        raise NotFound(f"organisation {local.organisation!r} not found on this node")
    partner_org = auth.get_organisation_by_slug(session, slug=partner.organisation)
    if partner_org is None:
        partner_org = auth.create_organisation(
            session,
            actor=actor,
            slug=partner.organisation,
            name=partner.name or partner.organisation,
            kind=partner.kind,
        )
    mine = node_keys.ensure_node_keys(session, secret=secret)
    token_key = node_keys.derive_token_key(
        mine, partner_agreement_key=partner_card.agreement_key, agreement_id=terms.id
    )
    node_keys.signing_public_key(partner_card.signing_key)  # refuse a bad key now
    box = node_keys.SecretBox(secret)
    flows = {f.sender: f for f in terms.flows}
    empty = Flow(sender="-", kinds=[])
    row = Agreement(
        id=terms.id,
        title=terms.title,
        purpose=terms.purpose,
        legal_basis=terms.legal_basis,
        tlp=terms.tlp,
        retention_days=terms.retention_days,
        local_node=local.node,
        partner_node=partner.node,
        local_organisation_id=local_org.id,
        partner_organisation_id=partner_org.id,
        outbound=flows.get(local.node, empty).model_dump(mode="json"),
        inbound=flows.get(partner.node, empty).model_dump(mode="json"),
        terms_hash=terms_hash(terms),
        partner_url=partner.url,
        partner_credential=box.seal(partner_credential.encode()) if partner_credential else None,
        partner_signing_key=partner_card.signing_key,
        partner_agreement_key=partner_card.agreement_key,
        token_key=box.seal(token_key),
        push=flows.get(local.node, empty).push,
    )
    session.add(row)
    session.flush()
    detail = {"partner_node": partner.node, "terms_hash": row.terms_hash, "title": terms.title}
    audit.record(
        session,
        actor=actor,
        action="sharing.agreement.create",
        object_type="agreement",
        object_id=row.id,
        detail=detail,
    )
    return row


def node_card(session: Session, *, node: str, secret: str) -> NodeCard:
    """This node's public card (made with its keys on first use)."""
    keys = node_keys.ensure_node_keys(session, secret=secret)
    return NodeCard(node=node, signing_key=keys.signing_public, agreement_key=keys.agreement_public)


def set_credential(
    session: Session,
    *,
    actor: Actor,
    agreement_id: str,
    credential: str,
    secret: str,
    url: str | None = None,
) -> Agreement:
    """Store (encrypted) the credential this node uses at the partner's TAXII server."""
    _require_admin(actor)
    row = get_or_raise(session, actor=actor, agreement_id=agreement_id)
    row.partner_credential = node_keys.SecretBox(secret).seal(credential.encode())
    if url:
        row.partner_url = url
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="sharing.agreement.credential",
        object_type="agreement",
        object_id=row.id,
        detail={"url": row.partner_url},
    )
    return row


def visible(actor: Actor) -> object:
    """The filter of agreements an actor may see: its organisation's, as either party."""
    if actor.is_system:
        return Agreement.id.is_not(None)
    return or_(
        Agreement.local_organisation_id == actor.organisation_id,
        Agreement.partner_organisation_id == actor.organisation_id,
    )


def list_(session: Session, *, actor: Actor) -> list[Agreement]:
    """The agreements the actor's organisation is party to (all of them for the node's jobs)."""
    query = select(Agreement).where(visible(actor)).order_by(Agreement.created_at)  # type: ignore[arg-type]
    return list(session.scalars(query))


def get_or_raise(session: Session, *, actor: Actor, agreement_id: str) -> Agreement:
    """An agreement the actor may see; NotFound otherwise (also when it exists elsewhere)."""
    row = session.get(Agreement, agreement_id)
    if row is None or not (
        actor.is_system
        or actor.organisation_id in (row.local_organisation_id, row.partner_organisation_id)
    ):
        raise NotFound(f"agreement {agreement_id} not found")
    return row


@dataclass(frozen=True)
class Keys:
    """An agreement's secrets, opened for one job."""

    token_key: bytes
    partner_credential: str | None


def open_keys(agreement: Agreement, *, secret: str) -> Keys:
    """Decrypt the agreement's token key and partner credential."""
    box = node_keys.SecretBox(secret)
    credential = (
        box.open(agreement.partner_credential).decode() if agreement.partner_credential else None
    )
    return Keys(box.open(agreement.token_key), credential)


def context(session: Session, agreement: Agreement, *, token_key: bytes) -> Context:
    """The mapping context of our outbound direction."""
    org = session.get(Organisation, agreement.local_organisation_id)
    assert org is not None
    out = agreement.outbound
    return Context(
        node=agreement.local_node,
        organisation=org.slug,
        organisation_name=org.name,
        agreement_id=agreement.id,
        fields=dict(out.get("fields", {})),
        token_key=token_key,
        tlp=agreement.tlp,
        retention_days=agreement.retention_days,
        purpose=agreement.purpose,
        legal_basis=agreement.legal_basis,
        fuzzy=bool(out.get("fuzzy")),
        kinds=tuple(out.get("kinds", ())),
    )


def partner_identity_id(session: Session, agreement: Agreement) -> str:
    """The identity the partner signs its objects as (`created_by_ref` of all it sends)."""
    org = session.get(Organisation, agreement.partner_organisation_id)
    assert org is not None
    return organisation_identity_id(agreement.partner_node, org.slug)
