"""Network risk as a detection feature (SQLite and PostgreSQL), point-in-time correct."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy.orm import Session

from guetteur.actors.models import LinkageRun, Network, NetworkMember
from guetteur.detection import network
from guetteur.detection.features import build_batch
from guetteur.detection.history import load_listings
from guetteur.detection.service import context_for
from guetteur.marketplace.models import Notice, Verdict
from tests.conftest import Factory, Store

T = datetime(2025, 3, 1, tzinfo=UTC)


def _at(month: int, day: int = 1) -> datetime:
    return datetime(2025, month, day, tzinfo=UTC)


def _ring(factory: Factory, *, with_run: bool = True) -> None:
    brand = factory.brand("acme")
    a = factory.seller("ring-a", created_at=datetime(2024, 1, 1, tzinfo=UTC))
    b = factory.seller("ring-b", created_at=datetime(2024, 1, 1, tzinfo=UTC))
    late = factory.seller("ring-late", created_at=_at(6))  # opened after the listing
    factory.seller("loner", created_at=datetime(2024, 1, 1, tzinfo=UTC))
    factory.listing("a-1", a, created_at=_at(1, 10))
    factory.listing("a-2", a, brand, created_at=_at(1, 20))
    factory.listing("late-1", late, created_at=_at(6, 2))
    factory.listing("b-1", b, created_at=T)
    factory.listing("loner-1", factory.session.get(type(a), "loner"), created_at=T)
    factory.session.add(Verdict(listing_id="a-1", verdict="counterfeit", source="review",
                                decided_at=_at(2)))  # fmt: skip
    factory.session.add(Notice(id="n-a2", brand_id="acme", listing_id="a-2", reason="counterfeit",
                               submitted_at=_at(2, 5)))  # fmt: skip
    if with_run:
        run = LinkageRun(finished_at=_at(1))
        factory.session.add(run)
        factory.session.flush()
        factory.session.add(Network(id="N-1", size=3, anchor_member_id="ring-a"))
        factory.session.flush()
        for member in ("ring-a", "ring-b", "ring-late"):
            factory.session.add(
                NetworkMember(member_id=member, network_id="N-1", kind="seller", run_id=run.id)
            )
    factory.commit()


def _features(session: Session, store: Store) -> dict[str, tuple[float, float]]:
    provider = network.provider_for(session)
    ctx = context_for(
        session, models_dir=store.settings.models_dir, media_dir=store.settings.media_dir,
        network=provider,
    )  # fmt: skip
    batch = build_batch(load_listings(session), ctx).to_pydict()
    return {
        listing_id: (risk, known)
        for listing_id, risk, known in zip(
            batch["listing_id"], batch["network_risk"], batch["network_known"], strict=True
        )
    }


def test_only_members_and_evidence_from_before_the_listing_count(
    store: Store, factory: Factory
) -> None:
    _ring(factory)
    with store.sessions() as session:
        provider = network.provider_for(session)
        assert provider is not None
        risk = provider.risk("ring-b", as_of=T)
        assert risk.known and "1 other account(s)" in risk.detail
        assert "1 listing(s) confirmed counterfeit" in risk.detail and "1 notice(s)" in risk.detail
        assert provider.risk("ring-b", as_of=_at(1, 15)).detail.count("0 listing(s)") == 1
        assert not provider.risk("loner", as_of=T).known


def test_a_future_verdict_on_another_member_does_not_change_a_past_listings_feature(
    store: Store, factory: Factory
) -> None:
    _ring(factory)
    with store.sessions() as session:
        before = _features(session, store)
    assert before["b-1"][1] == 1.0 and before["b-1"][0] > 0.1
    with store.sessions.begin() as session:  # the future: a verdict, a notice, a new member's
        session.add(Verdict(listing_id="a-2", verdict="counterfeit", source="test_buy",
                            decided_at=_at(4)))  # fmt: skip
        session.add(Verdict(listing_id="late-1", verdict="counterfeit", source="review",
                            decided_at=_at(6, 3)))  # fmt: skip
        session.add(Verdict(listing_id="a-1", verdict="genuine", source="seizure",
                            decided_at=_at(5)))  # fmt: skip
    with store.sessions() as session:
        after = _features(session, store)
    assert after["b-1"] == before["b-1"]
    assert after["late-1"][0] != before["late-1"][0]  # a later listing does see them


def test_without_a_linking_run_the_features_are_those_of_no_network(
    store: Store, factory: Factory
) -> None:
    _ring(factory, with_run=False)
    with store.sessions() as session:
        assert network.provider_for(session) is None
        found = _features(session, store)
    assert all(value == (0.0, 0.0) for value in found.values())
