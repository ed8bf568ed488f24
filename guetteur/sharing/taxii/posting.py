"""Add Objects (push) and status resources; auditing what partners read; the node's signer."""

from __future__ import annotations

import uuid
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from fastapi import Request
from sqlalchemy.orm import Session

from guetteur.audit import service as audit
from guetteur.auth.actor import Actor
from guetteur.errors import InvalidInput, NotFound
from guetteur.sharing import ingest, keys, signing
from guetteur.sharing.models import PostStatus
from guetteur.sharing.service import store_objects
from guetteur.sharing.taxii.store import Collection, Page, taxii_time
from guetteur.web.deps import get_settings


def signer(session: Session, request: Request) -> Ed25519PrivateKey:
    """This node's signing key (decrypted once per application)."""
    cached: Ed25519PrivateKey | None = getattr(request.app.state, "sharing_signer", None)
    if cached is None:
        secret = get_settings(request).secret_key
        cached = keys.ensure_node_keys(session, secret=secret).signing
        request.app.state.sharing_signer = cached
    return cached


def record_read(session: Session, *, actor: Actor, collection: Collection, page: Page) -> None:
    """Audit a page of objects handed to a partner (the transfer of a disclosure)."""
    if not page.rows:
        return
    detail: dict[str, Any] = {
        "collection": collection.id,
        "objects": len(page.rows),
        "first_added": taxii_time(page.first_added),  # type: ignore[arg-type]
        "last_added": taxii_time(page.last_added),  # type: ignore[arg-type]
    }
    audit.record(
        session,
        actor=actor,
        action="sharing.transfer",
        object_type="agreement",
        object_id=collection.agreement.id,
        detail=detail,
    )


def add(
    session: Session, *, actor: Actor, collection: Collection, body: bytes, signature: str | None
) -> PostStatus:
    """Verify a pushed envelope's signature, then ingest it; nothing is stored when it fails."""
    agreement = collection.agreement
    envelope = signing.verify(
        keys.signing_public_key(agreement.partner_signing_key), body, signature
    )
    objects = envelope.get("objects") if isinstance(envelope, dict) else None
    if not isinstance(objects, list):
        raise InvalidInput("the envelope has no 'objects' list")
    result = ingest.ingest(session, actor=actor, agreement=agreement, objects=objects)
    accepted = set(result.added)
    items = [("push", o) for o in objects if isinstance(o, dict) and o.get("id") in accepted]
    store_objects(session, collection_id=collection.id, items=items)
    unchanged = [
        o["id"]
        for o in objects
        if isinstance(o, dict)
        and o.get("id") not in accepted
        and o.get("id") not in {i for i, _ in result.refused}
    ]
    status = PostStatus(
        id=str(uuid.uuid4()),
        collection_id=collection.id,
        organisation_id=actor.organisation_id or 0,
        successes=[*result.added, *unchanged],
        failures=[{"id": i, "message": m} for i, m in result.refused],
    )
    session.add(status)
    session.flush()
    return status


def get_status(session: Session, *, actor: Actor, status_id: str) -> PostStatus:
    """A status resource of the caller's organisation; NotFound otherwise."""
    row = session.get(PostStatus, status_id)
    if row is None or row.organisation_id != actor.organisation_id:
        raise NotFound("status not found")
    return row


def status_resource(row: PostStatus) -> dict[str, Any]:
    """The TAXII status resource of a post (always complete: we ingest synchronously)."""
    successes = [{"id": i, "version": ""} for i in row.successes]
    for entry in successes:
        entry.pop("version")
    return {
        "id": row.id,
        "status": "complete",
        "request_timestamp": taxii_time(row.requested_at),
        "total_count": len(row.successes) + len(row.failures),
        "success_count": len(row.successes),
        "successes": successes,
        "failure_count": len(row.failures),
        "failures": row.failures,
        "pending_count": 0,
    }
