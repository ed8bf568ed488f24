"""The sharing loop, step by step: share a ring, correlate, target, seize, link back."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from guetteur.clock import utcnow
from guetteur.db import transaction
from guetteur.demo.two_nodes.constants import ACTOR, STRONG_MATCH, TARGET_DAYS
from guetteur.demo.two_nodes.nodes import DemoNode, LoopResult, say
from guetteur.sharing.models import Alert

# --- the loop ------------------------------------------------------------------------------


def pick_network(market: DemoNode, world_dir: Path) -> tuple[str, int]:
    """The network an analyst would share first: the most confirmed counterfeits and notices.

    Ranked by the actors' network risk (counterfeit verdicts and notices on its members'
    listings), then by size; only networks of at least three accounts. `world_dir` is unused:
    the choice uses what the marketplace node knows, never the world's hidden truth.
    """
    from guetteur.actors import risk
    from guetteur.actors.models import Network, NetworkMember

    del world_dir
    with market.db() as session:
        members: dict[str, list[str]] = {}
        query = select(NetworkMember.network_id, NetworkMember.member_id).where(
            NetworkMember.kind == "seller"
        )
        for network_id, member_id in session.execute(query):
            members.setdefault(network_id, []).append(member_id)
        active = set(session.scalars(select(Network.id).where(Network.status == "active")))
        members = {n: ids for n, ids in members.items() if n in active and len(ids) >= 3}
        risks = risk.of_networks(session, members=members, as_of=utcnow())
    ranked = sorted(
        (
            (r.counterfeit + r.notices, len(members[nid]), nid)
            for nid, r in risks.items()
            if nid in members
        ),
        reverse=True,
    )
    if not ranked:
        raise RuntimeError("`link` found no seller network on the marketplace node to share")
    _evidence, size, network_id = ranked[0]
    return network_id, size


def _alerts(node: DemoNode, *, kinds: tuple[str, ...]) -> list[Alert]:
    with node.db() as session:
        query = select(Alert).where(Alert.local_kind.in_(kinds)).order_by(Alert.id)
        return list(session.scalars(query))


def _sync(node: DemoNode) -> str:
    from guetteur.sharing import sync

    results = sync.sync_all(node.db, secret=node.settings.secret_key)
    return "; ".join(
        f"{r.received} objects received in {r.pages} pages, {len(r.refused)} refused"
        for r in results
    )


def step_share(market: DemoNode, result: LoopResult, world_dir: Path) -> None:
    from guetteur.sharing import exports

    result.network_id, result.network_size = pick_network(market, world_dir)
    with transaction(market.db) as session:
        published = exports.share_network(
            session, actor=ACTOR, agreement_id=result.agreement_id,
            network_id=result.network_id, secret=market.settings.secret_key,
        )  # fmt: skip
    result.shared = published.added
    say(
        f"1. marketplace shares network {result.network_id} ({result.network_size} seller "
        f"accounts) as tokens: {published.added} STIX objects placed in the customs collection"
    )


def step_correlate(customs: DemoNode, result: LoopResult) -> None:
    done = _sync(customs)
    alerts = _alerts(customs, kinds=("consignor", "importer"))
    result.customs_alerts = list(dict.fromkeys(a.local_ref for a in alerts))
    say(
        f"2. customs syncs: {done}; correlation raises {len(alerts)} alerts on the parties of "
        f"{len(result.customs_alerts)} declarations, the strongest:"
    )
    for alert in sorted(alerts, key=lambda a: -a.score)[:3]:
        say(f"     alert {alert.id} (score {alert.score}): {alert.detail}")


def _strongest(customs: DemoNode) -> list[str]:
    """Declarations whose consignor matched on a strong identifier (else any that matched)."""
    best: dict[str, float] = {}
    for alert in _alerts(customs, kinds=("consignor",)):
        decl_id = alert.local_ref.rsplit(":", 1)[0]
        best[decl_id] = max(best.get(decl_id, 0.0), alert.score)
    strong = [d for d, score in best.items() if score >= STRONG_MATCH]
    return sorted(strong or best)


def _target_since(session: Session, declaration_ids: list[str]) -> datetime:
    """The last month, widened to the day of the latest of `declaration_ids` if it is older."""
    from guetteur.customs.models import Declaration

    last = session.scalar(select(func.max(Declaration.lodged_at)))
    matched = session.scalar(
        select(func.max(Declaration.lodged_at)).where(Declaration.id.in_(declaration_ids))
    )
    assert last is not None and matched is not None
    since = min(last - timedelta(days=TARGET_DAYS), matched)
    return since.astimezone(UTC).replace(hour=0, minute=0, second=0, microsecond=0)


def step_target(customs: DemoNode, result: LoopResult) -> None:
    from guetteur.customs.targeting import run as targeting
    from guetteur.customs.targeting import store as frames
    from guetteur.customs.targeting.intelligence import Combined
    from guetteur.sharing.correlate import shared_intelligence

    strong = _strongest(customs)
    if not strong:
        raise RuntimeError("no consignor matched the shared ring: nothing to target")
    with transaction(customs.db) as session:
        since = _target_since(session, strong)
        provider = Combined(
            [frames.party_intelligence(session, as_of=since), shared_intelligence(session)]
        )
        run = targeting.target(
            session, actor=ACTOR, since=since, provider=provider,
            options=targeting.Options(models_dir=customs.settings.models_dir),
        )  # fmt: skip
    rows = [r for r in run.rows if r["declaration_id"] in strong]
    best = sorted(rows, key=lambda r: (not r["selected"], r["rank"]))[0]
    result.targeted = best
    reasons = "; ".join(dict.fromkeys(f"{r['code']}: {r['detail']}" for r in best["reasons"][:3]))
    picked = (
        "selected" if best["selected"] else "outside the day's capacity, inspected on the alert"
    )
    say(
        f"3. customs targets {len(run.rows)} declarations lodged since {since:%Y-%m-%d} with the "
        f"shared intelligence ({sum(r['selected'] for r in run.rows)} selected); parcel "
        f"{best['declaration_id']} of a strongly matching consignor ranks {best['rank']}, {picked}"
    )
    say(f"     reasons: {reasons}")


def step_seize(customs: DemoNode, result: LoopResult) -> None:
    from guetteur.customs import detention
    from guetteur.customs.models import Declaration
    from guetteur.sharing import exports

    declaration_id = str(result.targeted["declaration_id"])
    with transaction(customs.db) as session:
        decl = session.get(Declaration, declaration_id)
        assert decl is not None
        on = (decl.lodged_at + timedelta(days=1)).date()
        row = detention.detain(
            session, actor=ACTOR, office=decl.office, on=on, units=int(decl.quantity),
            declaration_id=decl.id,
            description=f"suspected counterfeit: {decl.description}",
        )  # fmt: skip
        result.detention_id = int(row.id)
        published = exports.share_seizure(
            session, actor=ACTOR, agreement_id=result.agreement_id, detention_id=row.id,
            secret=customs.settings.secret_key,
        )  # fmt: skip
    result.seizure_shared = published.added
    say(
        f"4. customs detains {int(decl.quantity)} units of {declaration_id} at {decl.office} "
        f"(detention {result.detention_id}) and shares the seizure back: "
        f"{published.added} STIX objects"
    )


def step_link(market: DemoNode, result: LoopResult) -> None:
    done = _sync(market)
    linked = [a for a in _alerts(market, kinds=("seller",)) if "seizure" in a.fields]
    result.market_links = [a.detail for a in linked]
    say(f"5. marketplace syncs: {done}; {len(linked)} seizure alerts on its sellers")
    for alert in linked[:5]:
        say(f"     alert {alert.id} on seller {alert.local_ref}: {alert.detail}")


def run_loop(market: DemoNode, customs: DemoNode, agreement_id: str, world_dir: Path) -> LoopResult:
    """The loop, once, with both nodes served."""
    result = LoopResult(agreement_id)
    step_share(market, result, world_dir)
    step_correlate(customs, result)
    step_target(customs, result)
    step_seize(customs, result)
    step_link(market, result)
    return result
