"""Receive: objects a partner sent, verified already, checked one by one and stored idempotently.

Rules (MISP's sync let a peer overwrite another's data; ours does not):
- an object must be created by the partner's identity (`created_by_ref`), except the static
  objects every node shares (TLP markings, our extension definitions);
- an id we created, or another organisation created, is refused, whatever its `modified`;
- the same id and `modified` is a no-op; a newer `modified` is a new version;
- every object must parse with `stix2` (our extensions registered, nothing else custom);
- it expires at the earlier of its own `expires` and the agreement's retention.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

import stix2
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from guetteur.audit import service as audit
from guetteur.auth.actor import Actor
from guetteur.clock import as_utc, utcnow
from guetteur.sharing import agreements
from guetteur.sharing import stix_ext as _registered  # noqa: F401  (registers our extensions)
from guetteur.sharing.models import Agreement, PublishedObject, ReceivedObject
from guetteur.sharing.service import version_of
from guetteur.sharing.stix_ext import EXT_PROPERTIES, STATIC_IDS


@dataclass
class Received:
    """The outcome of ingesting one page or post."""

    added: list[str] = field(default_factory=list)
    unchanged: int = 0
    refused: list[tuple[str, str]] = field(default_factory=list)


def _parse_time(text: str) -> datetime | None:
    try:
        return as_utc(datetime.fromisoformat(text.replace("Z", "+00:00")))
    except ValueError:
        return None


def _expiry(obj: dict[str, Any], agreement: Agreement, now: datetime) -> datetime:
    limit = now + timedelta(days=agreement.retention_days)
    ext = (obj.get("extensions") or {}).get(EXT_PROPERTIES) or {}
    own = _parse_time(str(ext.get("expires", ""))) if ext.get("expires") else None
    return min(limit, own) if own else limit


def _check(obj: Any, partner_ref: str) -> str | None:
    """Why an object is refused, or None."""
    if not isinstance(obj, dict) or not isinstance(obj.get("id"), str) or "type" not in obj:
        return "not a STIX object"
    if obj["id"] in STATIC_IDS:
        return None
    if obj.get("created_by_ref") != partner_ref and obj.get("id") != partner_ref:
        return "not created by the partner"
    try:
        stix2.parse(obj, allow_custom=False)
    except Exception as exc:  # stix2 raises many kinds; each means the object is invalid
        return f"invalid STIX: {exc.__class__.__name__}"
    return None


def ingest(
    session: Session,
    *,
    actor: Actor,
    agreement: Agreement,
    objects: list[Any],
    now: datetime | None = None,
) -> Received:
    """Store what is new among verified objects; refuse what breaks the rules (audited)."""
    now = as_utc(now or utcnow())
    partner_ref = agreements.partner_identity_id(session, agreement)
    result = Received()
    candidates: dict[tuple[str, str], dict[str, Any]] = {}
    for obj in objects:
        reason = _check(obj, partner_ref)
        if reason:
            result.refused.append(
                (str(obj.get("id", "?")) if isinstance(obj, dict) else "?", reason)
            )
        elif obj["id"] in STATIC_IDS:
            result.unchanged += 1
        else:
            candidates.setdefault((obj["id"], version_of(obj)), obj)
    owners = _owners(session, [k[0] for k in candidates])
    ours = _ours(session, agreement, [k[0] for k in candidates])
    for (stix_id, modified), obj in candidates.items():
        owner = owners.get(stix_id)
        if stix_id in ours or (owner is not None and owner[0] != partner_ref):
            result.refused.append((stix_id, "created by another organisation"))
        elif owner is not None and modified in owner[1]:
            result.unchanged += 1
        else:
            _store(session, agreement, obj, modified, partner_ref, now)
            result.added.append(stix_id)
    session.flush()
    _audit(session, actor, agreement, result)
    return result


def _store(
    session: Session,
    agreement: Agreement,
    obj: dict[str, Any],
    modified: str,
    partner_ref: str,
    now: datetime,
) -> None:
    session.add(
        ReceivedObject(
            agreement_id=agreement.id,
            stix_id=obj["id"],
            stix_type=obj["type"],
            modified=modified,
            created_by_ref=partner_ref,
            body=obj,
            received_at=now,
            expires_at=_expiry(obj, agreement, now),
        )
    )


def _owners(session: Session, ids: list[str]) -> dict[str, tuple[str, set[str]]]:
    found: dict[str, tuple[str, set[str]]] = {}
    for start in range(0, len(ids), 500):
        query = select(
            ReceivedObject.stix_id, ReceivedObject.created_by_ref, ReceivedObject.modified
        ).where(ReceivedObject.stix_id.in_(ids[start : start + 500]))
        for row in session.execute(query):
            _owner, versions = found.setdefault(row.stix_id, (row.created_by_ref, set()))
            versions.add(row.modified)
    return found


def _ours(session: Session, agreement: Agreement, ids: list[str]) -> set[str]:
    """Ids among `ids` that this node published itself (in any outbound collection)."""
    ours: set[str] = set()
    outbound = [agreements.outbound_collection(a) for a in session.scalars(select(Agreement))]
    for start in range(0, len(ids), 500):
        query = select(PublishedObject.stix_id).where(
            PublishedObject.stix_id.in_(ids[start : start + 500]),
            PublishedObject.collection_id.in_(outbound),
        )
        ours.update(session.scalars(query))
    return ours


def _audit(session: Session, actor: Actor, agreement: Agreement, result: Received) -> None:
    if not (result.added or result.refused):
        return
    detail: dict[str, Any] = {
        "added": len(result.added),
        "unchanged": result.unchanged,
        "refused": len(result.refused),
        "first_added": result.added[0] if result.added else None,
        "last_added": result.added[-1] if result.added else None,
        "refusals": [f"{i}: {r}" for i, r in result.refused[:20]],
    }
    audit.record(
        session,
        actor=actor,
        action="sharing.receive",
        object_type="agreement",
        object_id=agreement.id,
        detail=detail,
    )


def purge_expired(session: Session, *, actor: Actor, now: datetime | None = None) -> int:
    """Delete received objects past their expiry (retention enforced); audited with the count."""
    now = as_utc(now or utcnow())
    result = session.execute(delete(ReceivedObject).where(ReceivedObject.expires_at <= now))
    count = int(getattr(result, "rowcount", 0) or 0)
    if count:
        audit.record(
            session,
            actor=actor,
            action="sharing.expire",
            object_type="received_object",
            object_id="*",
            detail={"deleted": count, "before": now.isoformat()},
        )
    return count


def latest(session: Session, *, stix_type: str | None = None) -> list[dict[str, Any]]:
    """The newest version of each received object (optionally of one type)."""
    query = select(ReceivedObject).order_by(ReceivedObject.stix_id, ReceivedObject.modified)
    if stix_type:
        query = query.where(ReceivedObject.stix_type == stix_type)
    newest: dict[str, dict[str, Any]] = {}
    for row in session.scalars(query):
        newest[row.stix_id] = row.body
    return list(newest.values())


def dumps(objects: list[dict[str, Any]]) -> str:
    """Objects as a JSON array (for the CLI)."""
    return json.dumps(objects, indent=2, sort_keys=True)
