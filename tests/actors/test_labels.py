"""Confirmed and cut links: kept as labels, audited, honoured by the next full run."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from guetteur.actors import graph as graphs
from guetteur.actors import labels, pipeline, service
from guetteur.actors.models import NetworkMember
from guetteur.audit.models import AuditEntry
from guetteur.auth.actor import Actor, system_actor
from guetteur.errors import Forbidden, InvalidInput, NotFound
from tests.conftest import Factory

ACTOR = system_actor("test")
OPTIONS = pipeline.Options(cap=20)


@pytest.fixture
def models_dir(trained: Path, tmp_path: Path) -> Path:
    target = tmp_path / "models"
    shutil.copytree(trained, target)
    return target


def _seller(factory: Factory, seller_id: str, bank: str, phone: str, email: str) -> None:
    factory.seller(
        seller_id,
        display_name=f"Unrelated {seller_id} Boutique",
        bank_account=bank,
        phone=phone,
        email=email,
    )


def _world(factory: Factory) -> None:
    """a-b share a bank account, b-c an e-mail; f, g, h one bank account; d and e nothing."""
    _seller(factory, "a", "DE89370400440532013000", "+33 6 10 00 00 01", "a@one.example")
    _seller(factory, "b", "DE89370400440532013000", "+33 6 10 00 00 02", "shared@two.example")
    _seller(factory, "c", "GB29NWBK60161331926819", "+33 6 10 00 00 03", "shared@two.example")
    _seller(factory, "d", "NL91ABNA0417164300", "+33 6 10 00 00 04", "d@four.example")
    _seller(factory, "e", "BE68539007547034", "+33 6 10 00 00 05", "e@five.example")
    for seller_id in ("f", "g", "h"):
        phone = f"+33 6 20 00 00 0{ord(seller_id) - 100}"
        _seller(factory, seller_id, "FR1420041010050500013M02606", phone, f"{seller_id}@x.example")
    factory.commit()


def _networks(session: Session) -> dict[str, str]:
    rows = session.execute(select(NetworkMember.member_id, NetworkMember.network_id))
    return {member: network for member, network in rows}


def _link(session: Session, models_dir: Path) -> dict[str, str]:
    service.link(session, actor=ACTOR, models_dir=models_dir, options=OPTIONS)
    session.commit()
    return _networks(session)


def test_cut_splits_and_confirm_joins_at_the_next_run(factory: Factory, models_dir: Path) -> None:
    _world(factory)
    session = factory.session
    before = _link(session, models_dir)
    assert before["a"] == before["b"] == before["c"]
    assert before["f"] == before["g"] == before["h"]
    assert "d" not in before and "e" not in before
    labels.label_link(session, actor=ACTOR, left_id="c", right_id="b", label="cut", note="no")
    labels.label_link(session, actor=ACTOR, left_id="d", right_id="e", label="confirm")
    labels.label_link(session, actor=ACTOR, left_id="f", right_id="g", label="cut")
    session.commit()
    after = _link(session, models_dir)
    assert after["a"] == after["b"] == before["a"]  # the network keeps its id
    assert "c" not in after  # its only link was cut
    assert after["d"] == after["e"]  # confirmed although nothing is shared
    assert after["f"] == after["g"] == after["h"]  # still held together by h
    evidence = session.get_one(NetworkMember, "d").evidence
    assert [e["identifier_kind"] for e in evidence] == ["confirmed"]
    actions = session.scalars(select(AuditEntry.action)).all()
    assert actions.count("actors.link_cut") == 2 and actions.count("actors.link_confirm") == 1


def test_latest_label_counts(factory: Factory, models_dir: Path) -> None:
    _world(factory)
    session = factory.session
    _link(session, models_dir)
    labels.label_link(session, actor=ACTOR, left_id="b", right_id="c", label="cut")
    labels.label_link(session, actor=ACTOR, left_id="b", right_id="c", label="confirm")
    session.commit()
    assert labels.current(session).cut == frozenset()
    after = _link(session, models_dir)
    assert after["a"] == after["b"] == after["c"]


def test_label_checks(factory: Factory) -> None:
    _world(factory)
    session = factory.session
    with pytest.raises(InvalidInput):
        labels.label_link(session, actor=ACTOR, left_id="a", right_id="b", label="maybe")
    with pytest.raises(NotFound):  # never linked: not in the index
        labels.label_link(session, actor=ACTOR, left_id="a", right_id="b", label="cut")
    brand = Actor(label="brand", organisation_kind="brand", role="admin", user_id=9)
    with pytest.raises(Forbidden):
        labels.label_link(session, actor=brand, left_id="a", right_id="b", label="cut")


def test_graph_honours_labels() -> None:
    ids = ["a", "b", "c", "x", "y"]
    groups = [graphs.Group("bank", "B1", ("a", "b")), graphs.Group("email", "E", ("b", "c"))]
    plain = graphs.Graph(ids=ids, groups=groups)
    assert sorted(map(sorted, graphs.networks(plain))) == [["a", "b", "c"]]
    cut = graphs.Graph(ids=ids, groups=groups, cut=frozenset({("b", "c")}))
    assert sorted(map(sorted, graphs.networks(cut))) == [["a", "b"]]
    confirmed = graphs.Graph(
        ids=ids, groups=groups, confirmed=[graphs.Pair("x", "y", 10.0, 1.0, "analyst")]
    )
    assert sorted(map(sorted, graphs.networks(confirmed))) == [["a", "b", "c"], ["x", "y"]]
    trio = [graphs.Group("bank", "B", ("a", "b", "c"))]
    inside = graphs.Graph(ids=ids, groups=trio, cut=frozenset({("a", "b")}))
    assert sorted(map(sorted, graphs.networks(inside))) == [["a", "b", "c"]]
    both = graphs.Graph(ids=ids, groups=trio, cut=frozenset({("a", "b"), ("a", "c")}))
    assert sorted(map(sorted, graphs.networks(both))) == [["b", "c"]]


def test_link_new_honours_labels(factory: Factory, models_dir: Path) -> None:
    _world(factory)
    session = factory.session
    _link(session, models_dir)
    _seller(factory, "n", "DE89370400440532013000", "+33 6 99 00 00 01", "n@new.example")
    factory.commit()
    first = service.link_new(session, actor=ACTOR, seller_id="n", models_dir=models_dir)
    assert first.network_id is not None
    for other in ("a", "b"):
        labels.label_link(session, actor=ACTOR, left_id="n", right_id=other, label="cut")
    labels.label_link(session, actor=ACTOR, left_id="n", right_id="d", label="confirm")
    again = service.link_new(session, actor=ACTOR, seller_id="n", models_dir=models_dir)
    assert {e.identifier_kind for e in again.evidence} == {"confirmed"}
    assert all("a" not in e.others and "b" not in e.others for e in again.evidence)
