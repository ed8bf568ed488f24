"""The actors service on the store (SQLite and PostgreSQL): full runs, ids, one new account."""

from __future__ import annotations

import json
import shutil
import sys
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from guetteur.actors import pipeline, service, synthetic
from guetteur.actors.cli import register
from guetteur.actors.models import LinkageRun, Network, NetworkMember
from guetteur.audit.models import AuditEntry
from guetteur.auth.actor import system_actor
from guetteur.errors import Conflict, GuetteurError
from guetteur.marketplace.models import Seller
from tests.conftest import Store

ACTOR = system_actor("test")
OPTIONS = pipeline.Options(cap=20)


def _seller(data: dict[str, Any]) -> Seller:
    fields = {k: v for k, v in data.items() if k != "created_at"}
    return Seller(**fields, created_at=datetime.fromisoformat(data["created_at"]))


def _load(store: Store, sellers: list[dict[str, Any]]) -> None:
    with store.sessions.begin() as session:
        session.add_all(_seller(s) for s in sellers)


def _memberships(session: Session) -> dict[str, str]:
    rows = session.execute(select(NetworkMember.member_id, NetworkMember.network_id))
    return {member: network for member, network in rows}


@pytest.fixture
def models_dir(trained: Path, tmp_path: Path) -> Path:
    target = tmp_path / "models"
    shutil.copytree(trained, target)
    return target


@pytest.fixture
def small_world(world: synthetic.World) -> list[dict[str, Any]]:
    return world.sellers[:500]


def test_link_writes_networks_members_and_run(
    store: Store, models_dir: Path, small_world: list[dict[str, Any]]
) -> None:
    _load(store, small_world)
    with store.sessions.begin() as session:
        summary = service.link(session, actor=ACTOR, models_dir=models_dir, options=OPTIONS)
    assert summary.records == 500 and summary.networks > 5 and summary.model_version == 1
    with store.sessions() as session:
        rows = list(service.network_rows(session))
        assert len(rows) == summary.members
        assert session.scalar(select(func.count()).select_from(Network)) == summary.networks
        run = session.scalars(select(LinkageRun)).one()
        assert run.finished_at is not None and run.tf_totals["name"] == 500
        actions = session.scalars(select(AuditEntry.action)).all()
        assert "actors.link" in actions
    for row in rows:
        assert row["evidence"] and row["network_id"].startswith("N-")


def test_second_run_keeps_network_ids_and_adds_new_accounts(store: Store, models_dir: Path) -> None:
    # no super-nodes here: a value crossing the cap between runs legitimately splits networks
    world = synthetic.generate(700, seed=5, ring_share=0.15)
    _load(store, world.sellers[:400])
    with store.sessions.begin() as session:
        service.link(session, actor=ACTOR, models_dir=models_dir, options=OPTIONS)
    with store.sessions() as session:
        before = _memberships(session)
    _load(store, world.sellers[400:700])
    with store.sessions.begin() as session:
        service.link(session, actor=ACTOR, models_dir=models_dir, options=OPTIONS)
    with store.sessions() as session:
        after = _memberships(session)
    assert all(after[m] == before[m] for m in before)
    assert len(after) > len(before)


def test_link_new_joins_the_network_of_the_account_it_matches(
    store: Store, models_dir: Path, small_world: list[dict[str, Any]], world: synthetic.World
) -> None:
    _load(store, small_world)
    with store.sessions.begin() as session:
        service.link(session, actor=ACTOR, models_dir=models_dir, options=OPTIONS)
    member = next(s for s in small_world if s["id"] in world.ring_of and s.get("bank_account"))
    with store.sessions() as session:
        network_id = session.get(NetworkMember, member["id"]).network_id  # type: ignore[union-attr]
    newcomer = dict(
        small_world[0],
        id="NEW0001",
        display_name="Fresh Start Shop",
        legal_name=None,
        email="fresh@example.net",
        phone=member["phone"],
        bank_account=member["bank_account"],
        address=None,
        devices=["dev-new"],
        created_at="2025-06-01T00:00:00+00:00",
    )
    _load(store, [newcomer])
    with store.sessions.begin() as session:
        result = service.link_new(session, actor=ACTOR, seller_id="NEW0001", models_dir=models_dir)
    assert result.network_id == network_id
    assert result.evidence and result.matches
    assert any(e.identifier_kind == "bank_account" for e in result.evidence)
    with store.sessions.begin() as session:  # linking it again changes nothing
        again = service.link_new(session, actor=ACTOR, seller_id="NEW0001", models_dir=models_dir)
    assert again.network_id == network_id
    with store.sessions() as session:
        assert session.get(NetworkMember, "NEW0001").network_id == network_id  # type: ignore[union-attr]
        members = session.scalar(select(func.count()).where(NetworkMember.network_id == network_id))
        assert session.get(Network, network_id).size == members  # type: ignore[union-attr]


def test_link_new_before_any_run_is_a_conflict(store: Store, models_dir: Path) -> None:
    _load(store, synthetic.generate(3).sellers)
    with store.sessions() as session, pytest.raises(Conflict):
        service.link_new(session, actor=ACTOR, seller_id="S0000000", models_dir=models_dir)


def _cli(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, store: Store) -> CliRunner:
    monkeypatch.setenv("GUETTEUR_DATA_DIR", str(store.settings.data_dir))
    monkeypatch.setenv("GUETTEUR_DATABASE_URL", store.settings.database_url)
    return CliRunner()


def test_cli_link_writes_networks_jsonl(
    store: Store,
    models_dir: Path,
    small_world: list[dict[str, Any]],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import typer

    shutil.copytree(models_dir, store.settings.models_dir, dirs_exist_ok=True)
    _load(store, small_world)
    app = typer.Typer()
    register(app)
    app.command("noop")(lambda: None)  # keep `link` a sub-command
    runner = _cli(tmp_path, monkeypatch, store)
    out = tmp_path / "networks.jsonl"
    result = runner.invoke(app, ["link", "--out", str(out), "--cap", "20"])
    assert result.exit_code == 0, result.output
    rows = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert rows and all(set(r) == {"member_id", "kind", "network_id", "evidence"} for r in rows)
    assert "super-node" in result.output
    with monkeypatch.context() as patch:
        patch.setitem(sys.modules, "pyspark", None)  # as if PySpark were not installed
        spark = runner.invoke(app, ["link", "--engine", "spark"])
    assert isinstance(spark.exception, GuetteurError)
    assert "needs PySpark" in spark.exception.detail
    one = runner.invoke(app, ["link", "--new", rows[0]["member_id"]])
    assert one.exit_code == 0, one.output
    assert rows[0]["network_id"] in one.output


def test_network_risk_counts_other_members_evidence_before_a_time(
    store: Store, models_dir: Path, small_world: list[dict[str, Any]]
) -> None:
    from decimal import Decimal

    from guetteur.actors import risk
    from guetteur.marketplace.models import Listing, Verdict

    _load(store, small_world)
    with store.sessions.begin() as session:
        service.link(session, actor=ACTOR, models_dir=models_dir, options=OPTIONS)
    with store.sessions() as session:
        rows = list(service.network_rows(session))
    network = rows[0]["network_id"]
    members = [r["member_id"] for r in rows if r["network_id"] == network]
    when = datetime.fromisoformat("2025-03-01T00:00:00+00:00")
    with store.sessions.begin() as session:
        for i, seller in enumerate(members):
            session.add(
                Listing(
                    id=f"L{i}",
                    seller_id=seller,
                    created_at=when,
                    title="bag",
                    category="bags",
                    price=Decimal("10"),
                    currency="EUR",
                    ships_from="CN",
                    quantity=1,
                )
            )
            session.flush()
            session.add(
                Verdict(listing_id=f"L{i}", verdict="counterfeit", source="review", decided_at=when)
            )
    with store.sessions() as session:
        before = risk.network_risk(session, member_id=members[0], as_of=when)
        after = risk.network_risk(
            session, member_id=members[0], as_of=datetime.fromisoformat("2025-04-01T00:00:00+00:00")
        )
        outside = risk.network_risk(session, member_id="nobody", as_of=when)
    assert before.counterfeit == 0 and after.counterfeit == len(members) - 1
    assert after.score > before.score and outside.network_id is None


def test_declaration_parties_join_the_network_of_the_sellers_they_match(
    store: Store, models_dir: Path, small_world: list[dict[str, Any]], world: synthetic.World
) -> None:
    from decimal import Decimal

    from guetteur.customs.models import Declaration

    _load(store, small_world)
    member = next(s for s in small_world if s["id"] in world.ring_of and s.get("bank_account"))
    consignor = {
        "name": "Totally Different Export Co.",
        "address": member["address"],
        "country": member["country"],
        "phone": member["phone"],
        "email": member["email"],
    }
    with store.sessions.begin() as session:
        session.add(
            Declaration(
                id="D1",
                lodged_at=datetime.fromisoformat("2025-02-01T00:00:00+00:00"),
                office="FR000001",
                declarant_id="X",
                importer={"name": "A Person", "country": "FR"},
                consignor=consignor,
                hs_code="420221",
                description="bags",
                origin_country="CN",
                quantity=3,
                gross_weight_kg=Decimal("2"),
                declared_value=Decimal("20"),
                currency="EUR",
                transport_mode="postal",
            )
        )
    with store.sessions.begin() as session:
        service.link(session, actor=ACTOR, models_dir=models_dir, options=OPTIONS)
    with store.sessions() as session:
        rows = {r["member_id"]: r for r in service.network_rows(session)}
    assert rows["D1:consignor"]["kind"] == "party"
    assert rows["D1:consignor"]["network_id"] == rows[member["id"]]["network_id"]
    assert "D1:importer" not in rows
