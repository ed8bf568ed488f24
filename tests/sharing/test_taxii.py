"""TAXII 2.1 conformance with the OASIS taxii2-client against a real server on 127.0.0.1."""

from __future__ import annotations

import uuid
from typing import Any

import httpx
import requests
from sqlalchemy import func, select
from taxii2client.v21 import Collection, Server, as_pages

from guetteur.auth import service as auth
from guetteur.db import transaction
from guetteur.sharing import agreements, exports, signing, stix
from guetteur.sharing.models import PublishedObject, ReceivedObject
from guetteur.sharing.pseudonymise import Party
from tests.sharing import nodes
from tests.sharing.conftest import Pair

TAXII = "application/taxii+json;version=2.1"


class SigningAuth(requests.auth.AuthBase):
    """HTTP Basic plus our node signature over the body (what a partner's poster adds)."""

    def __init__(self, user: str, token: str, key: Any) -> None:
        self.basic = requests.auth.HTTPBasicAuth(user, token)
        self.key = key

    def __call__(self, request: requests.PreparedRequest) -> requests.PreparedRequest:
        self.basic(request)
        if request.body:
            body = request.body if isinstance(request.body, bytes) else request.body.encode()
            request.headers[signing.SIGNATURE_HEADER] = signing.sign(
                self.key, signing.canonical(__import__("json").loads(body))
            )
        return request


def _share(pair: Pair, count: int) -> int:
    market = pair.market
    ids = nodes.add_sellers(market, count)
    with transaction(market.sessions) as session:
        exports.share_sellers(
            session, actor=nodes.ADMIN, agreement_id=pair.agreement_id, seller_ids=ids,
            secret=market.settings.secret_key,
        )  # fmt: skip
        query = select(func.count(PublishedObject.id))
        return int(session.scalar(query) or 0)


def _customs_objects(pair: Pair) -> list[dict[str, Any]]:
    customs = pair.customs
    with transaction(customs.sessions) as session:
        agreement = agreements.get_or_raise(
            session, actor=nodes.ADMIN, agreement_id=pair.agreement_id
        )
        key = agreements.open_keys(agreement, secret=customs.settings.secret_key).token_key
        ctx = agreements.context(session, agreement, token_key=key)
    from datetime import UTC, date, datetime

    now = datetime(2026, 1, 5, tzinfo=UTC)
    party = stix.party_identity(
        ctx, "consignor", "D9:consignor", Party(name="X Ltd", phone="+33610000001"), now, now
    )
    sighting = stix.seizure(
        ctx,
        "d-9",
        sighted_ref=party.objects[0].id,
        seized_on=date(2026, 1, 5),
        units=3,
        modified=now,
    )
    return [stix.as_dict(o) for o in [*stix.preamble(ctx), *party.objects, *sighting.objects]]


def test_taxii2_client_discovers_pages_and_posts(pair: Pair) -> None:
    market, customs = pair.market, pair.customs
    total = _share(pair, 23)
    user, token = "sync@customs-node.example", market.tokens["customs-node"]
    server = Server(f"{market.url}/taxii2/", user=user, password=token)
    assert server.title.startswith("Guetteur node")
    assert [r.url for r in server.api_roots] == [market.api_root]
    root = server.default
    assert root.versions == [TAXII]
    collections = root.collections
    assert [c.id for c in collections] == sorted(c.id for c in collections) and len(
        collections
    ) == 2
    with transaction(market.sessions) as session:
        agreement = agreements.get_or_raise(
            session, actor=nodes.ADMIN, agreement_id=pair.agreement_id
        )
        outbound, inbound = (
            agreements.outbound_collection(agreement),
            agreements.inbound_collection(agreement),
        )
    readable = next(c for c in collections if c.id == outbound)
    assert readable.can_read and not readable.can_write
    seen: list[str] = []
    for envelope in as_pages(readable.get_objects, per_request=7):
        seen.extend(o["id"] for o in envelope.get("objects", []))
    assert len(seen) == len(set(seen)) == total
    manifest = readable.get_manifest(limit=5)
    assert manifest["more"] is True and len(manifest["objects"]) == 5
    one = seen[-1]
    assert readable.get_object(one)["objects"][0]["id"] == one
    assert len(readable.object_versions(one)["versions"]) == 1
    # push: customs adds signed objects to the marketplace's inbound collection
    writable = Collection(
        f"{market.api_root}collections/{inbound}/",
        auth=SigningAuth(user, token, _customs_key(customs)),
    )
    assert writable.can_write
    objects = _customs_objects(pair)
    status = writable.add_objects({"objects": objects}, wait_for_completion=True, poll_interval=0.1)
    assert status.status == "complete" and status.failure_count == 0
    assert status.success_count == len(objects)
    with transaction(market.sessions) as session:
        kinds = set(session.scalars(select(ReceivedObject.stix_type)))
    assert {"identity", "sighting"} <= kinds


def _customs_key(customs: nodes.Node) -> Any:
    from guetteur.sharing import keys

    with transaction(customs.sessions) as session:
        return keys.ensure_node_keys(session, secret=customs.settings.secret_key).signing


def test_refusals_and_a_collection_outside_the_agreement_is_indistinguishable(pair: Pair) -> None:
    market = pair.market
    _share(pair, 2)
    with transaction(market.sessions) as session:
        agreement = agreements.get_or_raise(
            session, actor=nodes.ADMIN, agreement_id=pair.agreement_id
        )
        outbound, inbound = (
            agreements.outbound_collection(agreement),
            agreements.inbound_collection(agreement),
        )
        outsider_org = auth.create_organisation(
            session, actor=nodes.ADMIN, slug="other-customs", name="Other", kind="customs"
        )
        outsider = auth.create_user(
            session, actor=nodes.ADMIN, organisation_id=outsider_org.id, email="o@other.example",
            display_name="o", role="officer", password=nodes.PASSWORD,
        )  # fmt: skip
        _row, outsider_token = auth.create_token(
            session, actor=nodes.ADMIN, user_id=outsider.id, name="t"
        )
    base = f"{market.api_root}collections/"
    with httpx.Client(headers={"Accept": TAXII}) as http:
        them = {"Authorization": f"Bearer {outsider_token}"}
        for suffix in ("", "objects/", "manifest/"):
            real = http.get(f"{base}{outbound}/{suffix}", headers=them)
            fake = http.get(f"{base}{uuid.uuid4()}/{suffix}", headers=them)
            assert real.status_code == fake.status_code == 404
            assert real.content == fake.content and real.headers["content-type"] == TAXII
        assert http.get(f"{market.api_root}collections/", headers=them).content == b"{}"
        partner = {"Authorization": f"Bearer {market.tokens['customs-node']}"}
        assert http.get(f"{base}{outbound}/objects/").status_code == 401
        assert (
            http.get(
                f"{base}{outbound}/objects/", headers={**partner, "Accept": "text/html"}
            ).status_code
            == 406
        )
        assert http.get(f"{base}{outbound}/objects/?limit=0", headers=partner).status_code == 400
        assert (
            http.get(f"{base}{outbound}/objects/?next=forged", headers=partner).status_code == 400
        )
        page = http.get(f"{base}{outbound}/objects/?limit=2", headers=partner)
        assert page.status_code == 200 and page.headers["X-TAXII-Date-Added-Last"]
        body = b'{"objects":[]}'
        wrong_type = http.post(
            f"{base}{inbound}/objects/",
            content=body,
            headers={**partner, "Content-Type": "application/json"},
        )
        assert wrong_type.status_code == 415
        unsigned = http.post(
            f"{base}{inbound}/objects/", content=body, headers={**partner, "Content-Type": TAXII}
        )
        assert unsigned.status_code == 422
        read_only = http.post(
            f"{base}{outbound}/objects/", content=body, headers={**partner, "Content-Type": TAXII}
        )
        assert read_only.status_code == 403
