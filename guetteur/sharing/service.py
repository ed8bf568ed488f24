"""Share: map local things under an agreement, place them in the partner's collection, record.

Placing an object in the outbound collection is the disclosure: it is recorded per object (what,
when, which fields, which agreement) and audited once per call. Re-sharing an unchanged thing is a
no-op because ids and `modified` are deterministic.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func, insert, select, tuple_
from sqlalchemy.orm import Session

from guetteur.audit import service as audit
from guetteur.auth.actor import Actor
from guetteur.clock import as_utc, utcnow
from guetteur.errors import Forbidden
from guetteur.sharing import agreements, stix
from guetteur.sharing.models import Agreement, Disclosure, PublishedObject
from guetteur.sharing.signing import canonical

ONE_MICROSECOND = timedelta(microseconds=1)


@dataclass(frozen=True)
class Published:
    """What one `publish` call placed in a collection."""

    added: int
    unchanged: int


def require_kind(agreement: Agreement, kind: str) -> None:
    """Refuse to share a kind of object the agreement does not cover."""
    if kind not in agreement.outbound.get("kinds", []):
        raise Forbidden(f"agreement {agreement.id} does not cover sharing {kind!r} objects")


def publish(
    session: Session,
    *,
    actor: Actor,
    agreement: Agreement,
    mapped: Iterable[stix.Mapped],
    ctx: stix.Context,
    now: datetime | None = None,
) -> Published:
    """Place mapped objects (and the collection's preamble) in the outbound collection."""
    collection = agreements.outbound_collection(agreement)
    items: list[tuple[str, dict[str, Any]]] = [
        ("preamble", stix.as_dict(o)) for o in stix.preamble(ctx)
    ]
    fields: dict[str, dict[str, list[str]]] = {}
    for m in mapped:
        fields[m.local_ref] = m.fields
        items.extend((m.local_ref, stix.as_dict(o)) for o in m.objects)
    added = store_objects(session, collection_id=collection, items=items, now=now)
    for local_ref, obj in added:
        session.add(
            Disclosure(
                agreement_id=agreement.id,
                stix_id=obj["id"],
                stix_type=obj["type"],
                modified=version_of(obj),
                local_ref=local_ref[:220],
                fields=fields.get(local_ref, {}),
                disclosed_at=now or utcnow(),
            )
        )
    session.flush()
    if added:
        kinds = sorted({ref.split(":", 1)[0] for ref, _ in added})
        audit.record(
            session,
            actor=actor,
            action="sharing.disclose",
            object_type="agreement",
            object_id=agreement.id,
            detail={"objects": len(added), "kinds": kinds, "collection": collection},
        )
    return Published(len(added), len(items) - len(added))


def version_of(obj: dict[str, Any]) -> str:
    """The version of an object: `modified`, else `created`, else '' (SCOs)."""
    return str(obj.get("modified") or obj.get("created") or "")


def store_objects(
    session: Session,
    *,
    collection_id: str,
    items: list[tuple[str, dict[str, Any]]],
    now: datetime | None = None,
) -> list[tuple[str, dict[str, Any]]]:
    """Add object versions not yet in the collection; `date_added` strictly increases."""
    unique: dict[tuple[str, str], tuple[str, dict[str, Any]]] = {}
    for ref, obj in items:
        unique.setdefault((obj["id"], version_of(obj)), (ref, obj))
    existing = _existing(session, collection_id, list(unique))
    fresh = [v for k, v in unique.items() if k not in existing]
    if not fresh:
        return []
    last = session.scalar(
        select(func.max(PublishedObject.date_added)).where(
            PublishedObject.collection_id == collection_id
        )
    )
    stamp = as_utc(now or utcnow())
    if last is not None and stamp <= as_utc(last):
        stamp = as_utc(last) + ONE_MICROSECOND
    rows = []
    for _, obj in fresh:
        rows.append(
            {
                "collection_id": collection_id,
                "stix_id": obj["id"],
                "stix_type": obj["type"],
                "modified": version_of(obj),
                "date_added": stamp,
                "body": canonical(obj).decode(),
            }
        )
        stamp += ONE_MICROSECOND
    session.execute(insert(PublishedObject), rows)
    return fresh


def _existing(
    session: Session, collection_id: str, keys: list[tuple[str, str]]
) -> set[tuple[str, str]]:
    found: set[tuple[str, str]] = set()
    for start in range(0, len(keys), 500):
        chunk = keys[start : start + 500]
        query = select(PublishedObject.stix_id, PublishedObject.modified).where(
            PublishedObject.collection_id == collection_id,
            tuple_(PublishedObject.stix_id, PublishedObject.modified).in_(chunk),
        )
        found.update((r.stix_id, r.modified) for r in session.execute(query))
    return found


def list_disclosures(
    session: Session, *, actor: Actor, agreement_id: str, limit: int = 100, offset: int = 0
) -> list[Disclosure]:
    """Disclosures under an agreement, newest first (administrators of either party)."""
    agreements.get_or_raise(session, actor=actor, agreement_id=agreement_id)
    query = (
        select(Disclosure)
        .where(Disclosure.agreement_id == agreement_id)
        .order_by(Disclosure.id.desc())
        .limit(limit)
        .offset(offset)
    )
    return list(session.scalars(query))


def count_disclosures(session: Session, *, agreement_id: str) -> int:
    """How many object versions were disclosed under an agreement."""
    query = select(func.count(Disclosure.id)).where(Disclosure.agreement_id == agreement_id)
    return int(session.scalar(query) or 0)
