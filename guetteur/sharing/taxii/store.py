"""The collections an organisation may see, and paged reads of their objects (TAXII 2.1 §5).

Collections come from agreements: for each, the outbound collection (the partner reads it) and
the inbound one (the partner may add objects when the agreement lets it push). An organisation
that is not a party sees neither: the same NotFound as for an id that does not exist.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from guetteur.auth.actor import Actor
from guetteur.clock import as_utc
from guetteur.errors import InvalidInput, NotFound
from guetteur.sharing import agreements
from guetteur.sharing.models import Agreement, PublishedObject

MAX_PAGE = 1000


@dataclass(frozen=True)
class Collection:
    """One TAXII collection as one organisation sees it."""

    id: str
    title: str
    description: str
    can_read: bool
    can_write: bool
    agreement: Agreement

    def resource(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "title": self.title,
            "description": self.description,
            "can_read": self.can_read,
            "can_write": self.can_write,
            "media_types": ["application/stix+json;version=2.1"],
        }


def _of(agreement: Agreement, actor: Actor) -> list[Collection]:
    org = actor.organisation_id
    local = actor.is_system or org == agreement.local_organisation_id
    partner = org == agreement.partner_organisation_id
    if not (local or partner) or agreement.status != "active":
        return []
    push = bool(agreement.inbound.get("push"))
    title = agreement.title
    return [
        Collection(
            agreements.outbound_collection(agreement),
            f"{title}: {agreement.local_node} to {agreement.partner_node}",
            f"Shared under agreement {agreement.id} ({agreement.tlp.upper()}).",
            can_read=True,
            can_write=False,
            agreement=agreement,
        ),
        Collection(
            agreements.inbound_collection(agreement),
            f"{title}: {agreement.partner_node} to {agreement.local_node}",
            f"Received under agreement {agreement.id} ({agreement.tlp.upper()}).",
            can_read=local or push,
            can_write=partner and push,
            agreement=agreement,
        ),
    ]


def collections(session: Session, *, actor: Actor) -> list[Collection]:
    """The collections the actor's organisation may see, sorted by id."""
    found = [c for a in agreements.list_(session, actor=actor) for c in _of(a, actor)]
    return sorted(found, key=lambda c: c.id)


def get_collection(session: Session, *, actor: Actor, collection_id: str) -> Collection:
    """One collection, or NotFound (identical whether it exists for someone else or not at all)."""
    for collection in collections(session, actor=actor):
        if collection.id == collection_id:
            return collection
    raise NotFound("collection not found")


@dataclass(frozen=True)
class Filters:
    """The filters of a Get Objects / Get Manifest request."""

    added_after: datetime | None = None
    limit: int = MAX_PAGE
    after_seq: int = 0
    ids: tuple[str, ...] = ()
    types: tuple[str, ...] = ()
    version: str = "last"


def parse_next(token: str | None) -> int:
    """Our `next` value: the row after which the next page starts (400 when forged)."""
    if not token:
        return 0
    if not token.startswith("p") or not token[1:].isdigit() or len(token) > 20:
        raise InvalidInput("invalid 'next'")
    return int(token[1:])


def _query(collection_id: str, filters: Filters) -> Select[Any]:
    query = select(PublishedObject).where(PublishedObject.collection_id == collection_id)
    if filters.added_after is not None:
        query = query.where(PublishedObject.date_added > filters.added_after)
    if filters.after_seq:
        query = query.where(PublishedObject.id > filters.after_seq)
    if filters.ids:
        query = query.where(PublishedObject.stix_id.in_(filters.ids))
    if filters.types:
        query = query.where(PublishedObject.stix_type.in_(filters.types))
    return query.order_by(PublishedObject.id)


@dataclass
class Page:
    """One page of object versions."""

    rows: list[PublishedObject]
    more: bool
    next: str | None

    @property
    def first_added(self) -> datetime | None:
        return as_utc(self.rows[0].date_added) if self.rows else None

    @property
    def last_added(self) -> datetime | None:
        return as_utc(self.rows[-1].date_added) if self.rows else None


def page(session: Session, *, collection_id: str, filters: Filters) -> Page:
    """Object versions matching the filters, in the order they were added, one page."""
    if filters.version in ("first", "last"):
        rows = _versions_filtered(session, collection_id, filters)
    else:
        rows = list(session.scalars(_query(collection_id, filters).limit(filters.limit + 1)))
        if filters.version != "all":
            rows = [r for r in rows if r.modified == filters.version]
    more = len(rows) > filters.limit
    rows = rows[: filters.limit]
    return Page(rows, more, f"p{rows[-1].id}" if more and rows else None)


def _versions_filtered(
    session: Session, collection_id: str, filters: Filters
) -> list[PublishedObject]:
    """With match[version]=first|last, keep one version per id (the default is last)."""
    rows = list(session.scalars(_query(collection_id, filters).limit(filters.limit * 2 + 1)))
    if not rows:
        return rows
    ids = list({r.stix_id for r in rows})
    query = select(PublishedObject.stix_id, PublishedObject.modified).where(
        PublishedObject.collection_id == collection_id, PublishedObject.stix_id.in_(ids)
    )
    pick: dict[str, str] = {}
    for stix_id, modified in session.execute(query):
        if stix_id not in pick or (modified > pick[stix_id]) == (filters.version == "last"):
            pick[stix_id] = modified
    return [r for r in rows if pick.get(r.stix_id) == r.modified][: filters.limit + 1]


def body_of(rows: list[PublishedObject], *, more: bool, next_token: str | None) -> bytes:
    """The canonical envelope of a page, built from canonical object bodies (no re-encoding)."""
    head = '{"more":' + ("true" if more else "false")
    if next_token:
        head += ',"next":"' + next_token + '"'
    return (head + ',"objects":[' + ",".join(r.body for r in rows) + "]}").encode()


def taxii_time(value: datetime) -> str:
    """A TAXII timestamp (microseconds, Z)."""
    return as_utc(value).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
