"""TAXII 2.1 server routes: discovery, API root, collections, objects, manifest, versions, status.

Media type `application/taxii+json;version=2.1`. Credentials: our API bearer tokens
(`Authorization: Bearer gt_...` or `Token gt_...`) or HTTP Basic with the user's e-mail and an
API token as password (what `taxii2-client` sends). Errors are TAXII error resources; a collection
an organisation may not see answers exactly like one that does not exist.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Callable, Coroutine
from datetime import datetime
from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.exceptions import RequestValidationError
from fastapi.routing import APIRoute
from sqlalchemy.orm import Session
from starlette.responses import Response

from guetteur.auth import permissions as perms
from guetteur.auth import service as auth
from guetteur.auth.actor import Actor
from guetteur.clock import as_utc
from guetteur.errors import Forbidden, GuetteurError, InvalidInput, NotFound, Unauthorized
from guetteur.sharing import signing
from guetteur.sharing.taxii import posting, store
from guetteur.web.deps import Require, SessionDep, get_settings

TAXII = "application/taxii+json;version=2.1"
API_ROOT = "/taxii2/root/"
MAX_CONTENT = 10 * 1024 * 1024


class TaxiiRoute(APIRoute):
    """Turns every error into a TAXII error resource, with the TAXII media type."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def taxii_handler(request: Request) -> Response:
            try:
                return await handler(request)
            except GuetteurError as exc:
                bad_query = isinstance(exc, InvalidInput) and request.method == "GET"
                status = 400 if bad_query else exc.http_status
                return _error(status, exc.code, exc.detail, exc)
            except RequestValidationError:
                return _error(400, "bad_request", "the request's parameters are not valid", None)

        return taxii_handler


def _error(status: int, title: str, detail: str, exc: Exception | None) -> Response:
    headers = {"WWW-Authenticate": 'Basic realm="taxii"'} if isinstance(exc, Unauthorized) else {}
    body = signing.canonical({"title": title, "description": detail, "http_status": str(status)})
    return Response(body, status, headers=headers, media_type=TAXII)


def taxii_actor(request: Request, session: Session = SessionDep) -> Actor | None:
    """The actor behind TAXII credentials (bearer/token, or Basic e-mail + API token)."""
    header = request.headers.get("authorization")
    if not header:
        return None
    scheme, _, credential = header.partition(" ")
    scheme, credential = scheme.lower(), credential.strip()
    if scheme in ("bearer", "token") and credential:
        return auth.actor_for_token(session, token=credential)
    if scheme == "basic":
        try:
            user, _, token = base64.b64decode(credential, validate=True).decode().partition(":")
        except (binascii.Error, UnicodeDecodeError) as exc:
            raise Unauthorized("malformed Basic credentials") from exc
        actor = auth.actor_for_token(session, token=token)
        if actor.label.lower() != user.strip().lower():
            raise Unauthorized("invalid or expired token")
        return actor
    raise Unauthorized("expected Basic or Bearer credentials")


class TaxiiRequire(Require):
    """The permission a TAXII route needs, with TAXII credentials."""

    def __call__(self, actor: Actor | None = Depends(taxii_actor)) -> Actor | None:
        if actor is None:
            raise Unauthorized("authentication required")
        if not actor.can(self.permission):
            raise Forbidden(f"you lack the permission {self.permission!r}")
        return actor


def _negotiate(request: Request) -> None:
    accept = request.headers.get("accept", "*/*").replace(" ", "").lower()
    if not any(a in accept for a in ("*/*", "application/*", "application/taxii+json")):
        raise _NotAcceptable("this server speaks application/taxii+json;version=2.1")
    if "version=" in accept and "version=2.1" not in accept and "*/*" not in accept:
        raise _NotAcceptable("this server speaks TAXII 2.1 only")


class _NotAcceptable(GuetteurError):
    code = "not_acceptable"
    http_status = 406


class _UnsupportedMedia(GuetteurError):
    code = "unsupported_media_type"
    http_status = 415


class _TooLarge(GuetteurError):
    code = "too_large"
    http_status = 413


EXCHANGE = Depends(TaxiiRequire(perms.SHARING_EXCHANGE))
router = APIRouter(prefix="/taxii2", tags=["taxii"], route_class=TaxiiRoute)


def _json(value: Any, status: int = 200, headers: dict[str, str] | None = None) -> Response:
    return Response(signing.canonical(value), status, headers=headers, media_type=TAXII)


@router.get("/")
def discovery(request: Request, actor: Actor = EXCHANGE) -> Response:
    """Server discovery: one API root."""
    _negotiate(request)
    settings = get_settings(request)
    return _json(
        {
            "title": f"Guetteur node {settings.node_name}",
            "description": "Intelligence shared under written agreements (STIX 2.1).",
            "default": API_ROOT,
            "api_roots": [API_ROOT],
        }
    )


@router.get("/root/")
def api_root(request: Request, actor: Actor = EXCHANGE) -> Response:
    """The API root."""
    _negotiate(request)
    return _json(
        {
            "title": "Guetteur sharing",
            "versions": [TAXII],
            "max_content_length": MAX_CONTENT,
        }
    )


@router.get("/root/collections/")
def list_collections(
    request: Request, actor: Actor = EXCHANGE, session: Session = SessionDep
) -> Response:
    """The collections of the agreements the caller's organisation is party to."""
    _negotiate(request)
    found = store.collections(session, actor=actor)
    return _json({"collections": [c.resource() for c in found]} if found else {})


@router.get("/root/collections/{collection_id}/")
def get_collection(
    request: Request, collection_id: str, actor: Actor = EXCHANGE, session: Session = SessionDep
) -> Response:
    """One collection."""
    _negotiate(request)
    return _json(store.get_collection(session, actor=actor, collection_id=collection_id).resource())


def _readable(session: Session, actor: Actor, collection_id: str) -> store.Collection:
    collection = store.get_collection(session, actor=actor, collection_id=collection_id)
    if not collection.can_read:
        raise Forbidden("this collection cannot be read")
    return collection


def _filters(request: Request, *, object_id: str | None = None) -> store.Filters:
    params = request.query_params
    try:
        limit = int(params.get("limit", store.MAX_PAGE))
    except ValueError as exc:
        raise InvalidInput("'limit' must be a positive integer") from exc
    if limit < 1:
        raise InvalidInput("'limit' must be a positive integer")
    added_after = None
    if params.get("added_after"):
        try:
            added_after = as_utc(
                datetime.fromisoformat(params["added_after"].replace("Z", "+00:00"))
            )
        except ValueError as exc:
            raise InvalidInput("'added_after' must be a timestamp") from exc
    ids = tuple(x for x in params.get("match[id]", "").split(",") if x)
    return store.Filters(
        added_after=added_after,
        limit=min(limit, store.MAX_PAGE),
        after_seq=store.parse_next(params.get("next")),
        ids=(object_id,) if object_id else ids,
        types=tuple(x for x in params.get("match[type]", "").split(",") if x),
        version=params.get("match[version]", "last"),
    )


def _page_response(request: Request, found: store.Page, *, signer: Any) -> Response:
    headers = {}
    if found.rows:
        headers["X-TAXII-Date-Added-First"] = store.taxii_time(found.first_added)  # type: ignore[arg-type]
        headers["X-TAXII-Date-Added-Last"] = store.taxii_time(found.last_added)  # type: ignore[arg-type]
    body = (
        store.body_of(found.rows, more=found.more, next_token=found.next) if found.rows else b"{}"
    )
    headers[signing.SIGNATURE_HEADER] = signing.sign(signer, body)
    headers[signing.NODE_HEADER] = get_settings(request).node_name
    return Response(body, 200, headers=headers, media_type=TAXII)


@router.get("/root/collections/{collection_id}/objects/")
def get_objects(
    request: Request, collection_id: str, actor: Actor = EXCHANGE, session: Session = SessionDep
) -> Response:
    """Objects of a collection, paged (`limit`, `next`), filtered (`added_after`, `match[...]`)."""
    _negotiate(request)
    collection = _readable(session, actor, collection_id)
    found = store.page(session, collection_id=collection_id, filters=_filters(request))
    posting.record_read(session, actor=actor, collection=collection, page=found)
    return _page_response(request, found, signer=posting.signer(session, request))


@router.get("/root/collections/{collection_id}/objects/{object_id}/")
def get_object(
    request: Request,
    collection_id: str,
    object_id: str,
    actor: Actor = EXCHANGE,
    session: Session = SessionDep,
) -> Response:
    """One object's versions matching `match[version]` (default: the last)."""
    _negotiate(request)
    collection = _readable(session, actor, collection_id)
    found = store.page(
        session, collection_id=collection_id, filters=_filters(request, object_id=object_id)
    )
    if not found.rows:
        raise NotFound("object not found")
    posting.record_read(session, actor=actor, collection=collection, page=found)
    return _page_response(request, found, signer=posting.signer(session, request))


@router.get("/root/collections/{collection_id}/objects/{object_id}/versions/")
def get_versions(
    request: Request,
    collection_id: str,
    object_id: str,
    actor: Actor = EXCHANGE,
    session: Session = SessionDep,
) -> Response:
    """The versions (`modified`) of one object."""
    _negotiate(request)
    _readable(session, actor, collection_id)
    filters = store.Filters(ids=(object_id,), version="all")
    found = store.page(session, collection_id=collection_id, filters=filters)
    if not found.rows:
        raise NotFound("object not found")
    return _json({"more": False, "versions": sorted({r.modified for r in found.rows})})


@router.get("/root/collections/{collection_id}/manifest/")
def get_manifest(
    request: Request, collection_id: str, actor: Actor = EXCHANGE, session: Session = SessionDep
) -> Response:
    """Manifest entries of the objects (id, date_added, version, media type), paged."""
    _negotiate(request)
    _readable(session, actor, collection_id)
    found = store.page(session, collection_id=collection_id, filters=_filters(request))
    if not found.rows:
        return _json({})
    entries = [
        {
            "id": r.stix_id,
            "date_added": store.taxii_time(r.date_added),
            "version": r.modified,
            "media_type": "application/stix+json;version=2.1",
        }
        for r in found.rows
    ]
    body: dict[str, Any] = {"more": found.more, "objects": entries}
    if found.next:
        body["next"] = found.next
    headers = {
        "X-TAXII-Date-Added-First": store.taxii_time(found.first_added),  # type: ignore[arg-type]
        "X-TAXII-Date-Added-Last": store.taxii_time(found.last_added),  # type: ignore[arg-type]
    }
    return _json(body, headers=headers)


@router.post("/root/collections/{collection_id}/objects/")
async def add_objects(
    request: Request, collection_id: str, actor: Actor = EXCHANGE, session: Session = SessionDep
) -> Response:
    """Add objects (push): the envelope must be signed by the partner node; verified first."""
    _negotiate(request)
    collection = store.get_collection(session, actor=actor, collection_id=collection_id)
    if not collection.can_write:
        raise Forbidden("this collection cannot be written")
    media = request.headers.get("content-type", "").replace(" ", "").lower()
    if not media.startswith("application/taxii+json") or (
        "version=" in media and "version=2.1" not in media
    ):
        raise _UnsupportedMedia("send application/taxii+json;version=2.1")
    body = await request.body()
    if len(body) > MAX_CONTENT:
        raise _TooLarge("the envelope is larger than max_content_length")
    status = posting.add(
        session,
        actor=actor,
        collection=collection,
        body=body,
        signature=request.headers.get(signing.SIGNATURE_HEADER),
    )
    return _json(posting.status_resource(status), 202)


@router.get("/root/status/{status_id}/")
def get_status(
    request: Request, status_id: str, actor: Actor = EXCHANGE, session: Session = SessionDep
) -> Response:
    """The outcome of an Add Objects request (only for the organisation that made it)."""
    _negotiate(request)
    return _json(
        posting.status_resource(posting.get_status(session, actor=actor, status_id=status_id))
    )


@router.get("/root/status/{status_id}")
def get_status_no_slash(
    request: Request, status_id: str, actor: Actor = EXCHANGE, session: Session = SessionDep
) -> Response:
    """The same, at the URL `taxii2-client` builds (without the final slash)."""
    return get_status(request, status_id, actor, session)
