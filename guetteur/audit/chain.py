"""The hash of an audit entry: SHA-256 of a canonical JSON of its content and the prior hash."""

from __future__ import annotations

import hashlib
import json
from datetime import datetime
from typing import Any

from guetteur.clock import as_utc


def canonical_detail(detail: dict[str, Any] | None) -> dict[str, Any]:
    """The detail as it will read back from a JSON column (so the hash survives a round trip)."""
    canonical: dict[str, Any] = json.loads(json.dumps(detail or {}, default=str, sort_keys=True))
    return canonical


def entry_hash(
    *,
    seq: int,
    at: datetime,
    actor_user_id: int | None,
    actor_organisation_id: int | None,
    actor_label: str,
    action: str,
    object_type: str,
    object_id: str,
    detail: dict[str, Any],
    prev_hash: str,
) -> str:
    """SHA-256 (hex) of one entry's content chained to the previous entry's hash."""
    payload = {
        "seq": seq,
        "at": as_utc(at).isoformat(timespec="microseconds"),
        "actor_user_id": actor_user_id,
        "actor_organisation_id": actor_organisation_id,
        "actor_label": actor_label,
        "action": action,
        "object_type": object_type,
        "object_id": object_id,
        "detail": detail,
        "prev_hash": prev_hash,
    }
    text = json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()
