"""Publish, ingest and correlate on both SQLite and PostgreSQL (the `store` fixture)."""

from __future__ import annotations

import uuid

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey
from sqlalchemy import func, select

from guetteur.audit import service as audit
from guetteur.auth.actor import system_actor
from guetteur.db import transaction
from guetteur.sharing import agreements, correlate, exports, ingest, keys, stix
from guetteur.sharing.models import Disclosure, PublishedObject, ReceivedObject
from guetteur.sharing.pseudonymise import Party
from guetteur.sharing.schemas import NodeCard, Terms
from tests.conftest import Factory, Store

ADMIN = system_actor("test")


def _terms() -> Terms:
    fields = {"phone": "token", "name": "token", "account_id": "token"}
    return Terms.model_validate(
        {
            "id": str(uuid.uuid4()), "title": "t", "purpose": "p", "legal_basis": "b",
            "parties": [
                {"node": "here", "organisation": "market", "kind": "marketplace"},
                {"node": "there", "organisation": "douane", "kind": "customs"},
            ],
            "flows": [
                {"sender": "here", "kinds": ["seller"], "fields": fields},
                {"sender": "there", "kinds": ["seizure"], "fields": fields},
            ],
        }
    )  # fmt: skip


def test_publish_ingest_and_correlate_on_every_store(store: Store) -> None:
    partner = keys.NodeKeys(Ed25519PrivateKey.generate(), X25519PrivateKey.generate())
    card = NodeCard(
        node="there", signing_key=partner.signing_public, agreement_key=partner.agreement_public
    )
    terms = _terms()
    with transaction(store.sessions) as session:
        factory = Factory(session)
        factory.org("marketplace", "market")
        factory.seller("S1", phone="+33 6 12 34 56 78", legal_name="Acme Ltd")
        agreement = agreements.create(
            session, actor=ADMIN, terms=terms, local_node="here", partner_card=card,
            secret="test-secret",
        )  # fmt: skip
        first = exports.share_sellers(
            session, actor=ADMIN, agreement_id=terms.id, seller_ids=["S1"], secret="test-secret"
        )
        again = exports.share_sellers(
            session, actor=ADMIN, agreement_id=terms.id, seller_ids=["S1"], secret="test-secret"
        )
        assert first.added > 0 and again.added == 0
        assert session.scalar(select(func.count(Disclosure.id))) == first.added
        assert session.scalar(select(func.count(PublishedObject.id))) == first.added
        # what the partner would send: a consignor with the same phone, and a seizure of it
        ours = keys.ensure_node_keys(session, secret="test-secret").agreement_public
        key = keys.derive_token_key(partner, partner_agreement_key=ours, agreement_id=terms.id)
        theirs = stix.Context(
            node="there", organisation="douane", organisation_name="Douane",
            agreement_id=terms.id, fields={"phone": "token", "name": "token"}, token_key=key,
        )  # fmt: skip
        now = agreement.created_at
        consignor = Party(name="ACME", phone="0612345678", country="FR")
        party = stix.party_identity(theirs, "consignor", "D1:consignor", consignor, now, now)
        seizure = stix.seizure(
            theirs, "d1", sighted_ref=party.objects[0].id, seized_on=now.date(), units=5,
            modified=now,
        )  # fmt: skip
        objects = [
            stix.as_dict(o) for o in [*stix.preamble(theirs), *party.objects, *seizure.objects]
        ]
        received = ingest.ingest(session, actor=ADMIN, agreement=agreement, objects=objects)
        assert received.refused == [] and len(received.added) == 4
        repeat = ingest.ingest(session, actor=ADMIN, agreement=agreement, objects=objects)
        assert repeat.added == [] and repeat.unchanged == len(objects)
        assert session.scalar(select(func.count(ReceivedObject.id))) == 4
        alerts = correlate.correlate(
            session, actor=ADMIN, agreement_id=terms.id, secret="test-secret"
        )
        assert {(a.local_ref, tuple(a.fields)) for a in alerts} == {
            ("S1", ("name", "phone")),
            ("S1", ("seizure",)),
        }
        actions = {e.action for e in audit.list_(session, limit=100)}
        assert {"sharing.agreement.create", "sharing.disclose", "sharing.receive"} <= actions
