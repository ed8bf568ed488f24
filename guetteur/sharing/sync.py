"""Sync with a partner: pull its collection page by page, push ours where the agreement allows.

Each page is one transaction: verify, ingest, move the cursor, commit. A crash loses at most the
page in flight, which the next run fetches again (ingest is idempotent), so nothing is lost or
duplicated. The cursor is the partner's `X-TAXII-Date-Added-Last` of the last committed page.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field

import httpx
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from guetteur.auth.actor import Actor, system_actor
from guetteur.clock import utcnow
from guetteur.db import transaction
from guetteur.errors import InvalidInput
from guetteur.sharing import agreements, ingest, keys
from guetteur.sharing.client import TaxiiClient
from guetteur.sharing.models import Agreement, PublishedObject, SyncCursor

PAGE_SIZE = 1000


@dataclass
class SyncResult:
    """What one sync run did for one agreement."""

    agreement_id: str
    pages: int = 0
    received: int = 0
    unchanged: int = 0
    refused: list[tuple[str, str]] = field(default_factory=list)
    pushed: int = 0
    expired: int = 0


def _cursor(session: Session, agreement_id: str, direction: str) -> SyncCursor:
    cursor = session.get(SyncCursor, (agreement_id, direction))
    if cursor is None:
        cursor = SyncCursor(agreement_id=agreement_id, direction=direction, position="", objects=0)
        session.add(cursor)
        session.flush()
    return cursor


def _client(
    session: Session, agreement: Agreement, secret: str, transport: httpx.BaseTransport | None
) -> TaxiiClient:
    opened = agreements.open_keys(agreement, secret=secret)
    if not agreement.partner_url or not opened.partner_credential:
        raise InvalidInput(f"agreement {agreement.id} has no partner URL or credential to sync")
    return TaxiiClient(
        agreement.partner_url,
        credential=opened.partner_credential,
        partner_key=keys.signing_public_key(agreement.partner_signing_key),
        signing_key=keys.ensure_node_keys(session, secret=secret).signing,
        transport=transport,
    )


def pull(
    sessions: sessionmaker[Session],
    *,
    agreement_id: str,
    secret: str,
    transport: httpx.BaseTransport | None = None,
    page_size: int = PAGE_SIZE,
    max_pages: int | None = None,
    actor: Actor | None = None,
    on_page: Callable[[int], None] | None = None,
) -> SyncResult:
    """Pull what the partner shared with us since the last acknowledged page."""
    actor = actor or system_actor("sharing sync")
    result = SyncResult(agreement_id)
    with transaction(sessions) as session:
        agreement = agreements.get_or_raise(session, actor=actor, agreement_id=agreement_id)
        client = _client(session, agreement, secret, transport)
        collection = agreements.inbound_collection(agreement)
    with client:
        while max_pages is None or result.pages < max_pages:
            with transaction(sessions) as session:
                agreement = agreements.get_or_raise(session, actor=actor, agreement_id=agreement_id)
                cursor = _cursor(session, agreement_id, "pull")
                page = client.get_objects(
                    collection, added_after=cursor.position or None, limit=page_size
                )
                if not page.objects:
                    break
                received = ingest.ingest(
                    session, actor=actor, agreement=agreement, objects=page.objects
                )
                cursor.position = page.last_added or cursor.position
                cursor.objects += len(received.added)
                cursor.updated_at = utcnow()
            result.pages += 1
            result.received += len(received.added)
            result.unchanged += received.unchanged
            result.refused.extend(received.refused)
            if on_page is not None:
                on_page(result.pages)
            if not page.more:
                break
    return result


def push(
    sessions: sessionmaker[Session],
    *,
    agreement_id: str,
    secret: str,
    transport: httpx.BaseTransport | None = None,
    page_size: int = PAGE_SIZE,
    actor: Actor | None = None,
) -> int:
    """Post our outbound objects not yet acknowledged to the partner's inbound collection."""
    actor = actor or system_actor("sharing sync")
    pushed = 0
    with transaction(sessions) as session:
        agreement = agreements.get_or_raise(session, actor=actor, agreement_id=agreement_id)
        if not agreement.push:
            return 0
        client = _client(session, agreement, secret, transport)
        collection = agreements.outbound_collection(agreement)
    with client:
        while True:
            with transaction(sessions) as session:
                cursor = _cursor(session, agreement_id, "push")
                after = int(cursor.position or 0)
                rows = list(
                    session.scalars(
                        select(PublishedObject)
                        .where(
                            PublishedObject.collection_id == collection, PublishedObject.id > after
                        )
                        .order_by(PublishedObject.id)
                        .limit(page_size)
                    )
                )
                if not rows:
                    return pushed
                client.add_objects(collection, [json.loads(r.body) for r in rows])
                cursor.position = str(rows[-1].id)
                cursor.objects += len(rows)
                cursor.updated_at = utcnow()
            pushed += len(rows)


def sync_all(
    sessions: sessionmaker[Session],
    *,
    secret: str,
    transport: httpx.BaseTransport | None = None,
    correlate_after: bool = True,
    page_size: int = PAGE_SIZE,
) -> list[SyncResult]:
    """Pull (and push) every active agreement that has a partner URL, then purge and correlate."""
    from guetteur.sharing import correlate

    actor = system_actor("sharing sync")
    with transaction(sessions) as session:
        ids = [
            a.id
            for a in session.scalars(select(Agreement).where(Agreement.status == "active"))
            if a.partner_url and a.partner_credential
        ]
    results = []
    for agreement_id in ids:
        result = pull(
            sessions,
            agreement_id=agreement_id,
            secret=secret,
            transport=transport,
            actor=actor,
            page_size=page_size,
        )
        result.pushed = push(
            sessions, agreement_id=agreement_id, secret=secret, transport=transport, actor=actor
        )
        results.append(result)
    with transaction(sessions) as session:
        expired = ingest.purge_expired(session, actor=actor)
        if correlate_after:
            for agreement_id in ids:
                correlate.correlate(session, actor=actor, agreement_id=agreement_id, secret=secret)
    if results:
        results[0].expired = expired
    return results
