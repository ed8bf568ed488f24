"""Link the store's sellers (and declaration parties) into networks; link one new account fast.

Reads sellers through the marketplace tables (read-only); writes only the actors tables.
"""

from __future__ import annotations

import time
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import delete, func, insert, select, update
from sqlalchemy.orm import Session

from guetteur.actors import cache as link_cache
from guetteur.actors import index as store_index
from guetteur.actors import labels as link_labels
from guetteur.actors import linkage, pipeline
from guetteur.actors.graph import (
    CONFIRMED_WEIGHT,
    EDGE_IDENTIFIERS,
    Evidence,
    SuperNode,
)
from guetteur.actors.models import (
    LinkageRun,
    LinkRecordRow,
    Network,
    NetworkMember,
    SuperNodeValue,
)
from guetteur.actors.networks import EVIDENCE_KINDS, anchor_id, mask
from guetteur.actors.records import (
    IDENTIFIER_LABELS,
    LinkRecord,
    from_party,
    from_seller,
    seller_fields,
)
from guetteur.actors.scorer import Match, link_one
from guetteur.audit import service as audit
from guetteur.auth.actor import Actor
from guetteur.clock import utcnow
from guetteur.customs.models import Declaration
from guetteur.errors import Conflict, NotFound
from guetteur.marketplace.models import Seller

EVIDENCE_FIELDS = ("identifier_kind", "detail", "weight")


@dataclass
class LinkSummary:
    """What a full run did."""

    run_id: int
    records: int
    pairs: int
    networks: int
    members: int
    model_version: int | None
    super_nodes: list[SuperNode]
    timings: dict[str, float] = field(default_factory=dict)


@dataclass
class NewLink:
    """The outcome of linking one new account."""

    member_id: str
    network_id: str | None
    matches: list[Match]
    evidence: list[Evidence]
    candidates: int
    milliseconds: float


def seller_records(session: Session) -> list[LinkRecord]:
    """Every stored seller as a linkage record, in id order."""
    sellers = session.scalars(select(Seller).order_by(Seller.id))
    return [from_seller(seller_fields(s)) for s in sellers]


def party_records(session: Session) -> list[LinkRecord]:
    """The importer and consignor of every stored declaration, as linkage records."""
    query = select(
        Declaration.id, Declaration.lodged_at, Declaration.importer, Declaration.consignor
    ).order_by(Declaration.id)
    found = []
    for declaration_id, lodged_at, importer, consignor in session.execute(query):
        for role, party in (("importer", importer), ("consignor", consignor)):
            if party:
                found.append(from_party(declaration_id, role, party, lodged_at))
    return found


def _previous(session: Session) -> dict[str, str]:
    rows = session.execute(select(NetworkMember.member_id, NetworkMember.network_id))
    return {str(member): str(network) for member, network in rows}


def link(
    session: Session,
    *,
    actor: Actor,
    models_dir: Path,
    options: pipeline.Options | None = None,
    parties: Iterable[LinkRecord] | None = None,
) -> LinkSummary:
    """A full run over the stored sellers and declaration parties: networks and index replaced.

    `parties` replaces the stored declarations' parties when given.
    """
    options = options or pipeline.Options()
    linkage.db_api(options.engine)  # fail early on an engine that is not available
    found_parties = party_records(session) if parties is None else list(parties)
    records = [*seller_records(session), *found_parties]
    artefact = None if options.retrain else linkage.load(models_dir)
    run = LinkageRun(engine=options.engine, actor_label=actor.label, options=asdict(options))
    session.add(run)
    session.flush()
    result = pipeline.run(
        records,
        options=options,
        model=artefact.model if artefact else None,
        model_version=artefact.version if artefact else None,
        models_dir=models_dir,
        previous=_previous(session),
        labels=link_labels.current(session),
    )
    started = time.perf_counter()
    _write_networks(session, run.id, result)
    store_index.rebuild(session, result.records)
    if result.super_nodes:
        supers = [
            {"run_id": run.id, "kind": s.kind, "value": s.value[:500], "degree": s.degree}
            for s in result.super_nodes
        ]
        session.execute(insert(SuperNodeValue), supers)
    result.timings["store"] = round(time.perf_counter() - started, 3)
    members = sum(n.size for n in result.networks)
    run.finished_at = utcnow()
    run.model_version = result.model_version
    run.records, run.pairs, run.networks, run.members = (
        len(records),
        result.pairs,
        len(result.networks),
        members,
    )
    run.timings = result.timings
    run.tf_totals = store_index.tf_totals(result.records)
    summary = LinkSummary(
        run.id,
        len(records),
        result.pairs,
        len(result.networks),
        members,
        result.model_version,
        result.super_nodes,
        result.timings,
    )
    audit.record(
        session,
        actor=actor,
        action="actors.link",
        object_type="linkage_run",
        object_id=str(run.id),
        detail={
            "records": len(records),
            "networks": len(result.networks),
            "members": members,
            "super_nodes": len(result.super_nodes),
            "model_version": result.model_version,
        },
    )
    session.flush()
    return summary


def _write_networks(session: Session, run_id: int, result: pipeline.RunResult) -> None:
    session.execute(delete(NetworkMember))
    existing = {n.id: n for n in session.scalars(select(Network))}
    found = {n.network_id for n in result.networks}
    for network_id, row in existing.items():
        if network_id not in found:
            row.status, row.size, row.last_run_id = "dissolved", 0, run_id
    for network in result.networks:
        stored = existing.get(network.network_id)
        if stored is None:
            stored = Network(
                id=network.network_id,
                first_run_id=run_id,
                anchor_member_id=network.anchor.member_id,
            )
            session.add(stored)
        stored.status, stored.size, stored.last_run_id = "active", network.size, run_id
    session.flush()
    rows = [
        {
            "member_id": m.member_id,
            "network_id": n.network_id,
            "kind": m.kind,
            "evidence": [e.stored() for e in m.evidence],
            "run_id": run_id,
        }
        for n in result.networks
        for m in n.members
    ]
    for start in range(0, len(rows), store_index.BATCH):
        session.execute(insert(NetworkMember), rows[start : start + store_index.BATCH])


def latest_run(session: Session) -> LinkageRun | None:
    """The last finished full run."""
    query = select(LinkageRun).where(LinkageRun.finished_at.is_not(None))
    return session.scalars(query.order_by(LinkageRun.id.desc()).limit(1)).first()


def network_rows(session: Session) -> Iterator[dict[str, Any]]:
    """The rows of networks.jsonl from the store, by network then member."""
    query = select(NetworkMember).order_by(NetworkMember.network_id, NetworkMember.member_id)
    for member in session.scalars(query):
        yield {
            "member_id": member.member_id,
            "kind": member.kind,
            "network_id": member.network_id,
            "evidence": [{k: e[k] for k in EVIDENCE_FIELDS if k in e} for e in member.evidence],
        }


def link_new(
    session: Session,
    *,
    actor: Actor,
    seller_id: str,
    models_dir: Path,
    threshold: float | None = None,
) -> NewLink:
    """Link one account against the indexed set at once, and place it in a network."""
    started = time.perf_counter()
    seller = session.get(Seller, seller_id)
    if seller is None:
        raise NotFound(f"seller {seller_id!r} not found")
    run, found = latest_run(session), link_cache.scorer(models_dir)
    if run is None or found is None:
        raise Conflict("no linking run yet: run `guetteur link` once before linking new accounts")
    threshold = (
        float(run.options.get("threshold", linkage.DEFAULT_THRESHOLD))
        if threshold is None
        else threshold
    )
    cap = int(run.options.get("cap", 50))
    cache = link_cache.run_cache(session, run)
    record = from_seller(seller_fields(seller)).without(cache.excluded)
    with cache.lock:
        candidates = cache.index.candidates(record)
        matches = link_one(found[1], cache.index, record, threshold=threshold)
        shared = cache.index.sharing(record, EDGE_IDENTIFIERS)
    shared = {k: v for k, v in shared.items() if len(v) < cap}
    said = link_labels.of_member(session, member_id=record.unique_id)
    matches, shared = _honour_cuts(matches, shared, said.cut)
    evidence = _new_evidence(record, matches, shared) + _confirmed_evidence(said.confirmed)
    linked = sorted(
        {m.other_id for m in matches}
        | {i for ids in shared.values() for i in ids}
        | set(said.confirmed)
    )
    network_id = _join(session, record, linked, evidence, run.id)
    store_index.add(session, record)
    with cache.lock:
        link_cache.indexed(cache, record)
    audit.record(
        session,
        actor=actor,
        action="actors.link_new",
        object_type="seller",
        object_id=seller_id,
        detail={"network_id": network_id, "matches": len(matches), "shared": len(shared)},
    )
    session.flush()
    elapsed = (time.perf_counter() - started) * 1000
    return NewLink(record.unique_id, network_id, matches, evidence, len(candidates), elapsed)


def _honour_cuts(
    matches: list[Match], shared: dict[tuple[str, str], list[str]], cut: frozenset[str]
) -> tuple[list[Match], dict[tuple[str, str], list[str]]]:
    """Matches and shared identifiers without the members an analyst cut this one from."""
    if not cut:
        return matches, shared
    kept = {k: [o for o in v if o not in cut] for k, v in shared.items()}
    return [m for m in matches if m.other_id not in cut], {k: v for k, v in kept.items() if v}


def _confirmed_evidence(confirmed: dict[str, str]) -> list[Evidence]:
    return [
        Evidence(
            "confirmed",
            f"link with {other} confirmed by an analyst: {detail}",
            CONFIRMED_WEIGHT,
            (other,),
        )
        for other, detail in sorted(confirmed.items())
    ]


def _new_evidence(
    record: LinkRecord, matches: Sequence[Match], shared: dict[tuple[str, str], list[str]]
) -> list[Evidence]:
    evidence = [
        Evidence(
            "probabilistic",
            f"probable match with {m.other_id} (p={m.match_probability:.3f}): {m.reasons()}",
            round(m.match_weight, 3),
            (m.other_id,),
        )
        for m in matches
    ]
    for (kind, value), others in sorted(shared.items()):
        label = IDENTIFIER_LABELS.get(kind, kind)
        evidence.append(
            Evidence(
                EVIDENCE_KINDS.get(kind, kind),
                f"same {label} {mask(kind, value)} as {', '.join(sorted(others)[:5])}",
                10.0,
                tuple(sorted(others)),
            )
        )
    return sorted(evidence, key=lambda e: (-e.weight, e.detail))


def _join(
    session: Session, record: LinkRecord, linked: list[str], evidence: list[Evidence], run_id: int
) -> str | None:
    if not linked:
        return None
    query = select(NetworkMember.member_id, NetworkMember.network_id)
    rows = session.execute(query.where(NetworkMember.member_id.in_(linked)))
    current = {str(member): str(network) for member, network in rows}
    weight: dict[str, float] = defaultdict(float)
    for item in evidence:
        for other in item.others:
            if other in current:
                weight[current[other]] += item.weight
    if weight:
        network_id = max(sorted(weight), key=lambda n: weight[n])
    else:
        network_id = _new_network(session, linked, run_id)
    before = session.get(NetworkMember, record.unique_id)
    touched = {network_id} | ({before.network_id} if before else set())
    if before is not None:
        session.delete(before)
        session.flush()
    session.add(
        NetworkMember(
            member_id=record.unique_id,
            network_id=network_id,
            kind=record.kind,
            evidence=[e.stored() for e in evidence],
            run_id=run_id,
        )
    )
    session.flush()
    for touched_id in touched:
        _recount(session, touched_id)
    return network_id


def _recount(session: Session, network_id: str) -> None:
    """Set a network's size from its members (dissolved when none is left)."""
    size = int(
        session.scalar(select(func.count()).where(NetworkMember.network_id == network_id)) or 0
    )
    status = "active" if size else "dissolved"
    session.execute(
        update(Network).where(Network.id == network_id).values(size=size, status=status)
    )


def _new_network(session: Session, linked: list[str], run_id: int) -> str:
    """A network for a new account and the unnetworked accounts it links to."""
    rows = session.execute(
        select(LinkRecordRow.member_id, LinkRecordRow.kind, LinkRecordRow.created_at).where(
            LinkRecordRow.member_id.in_(linked)
        )
    ).all()
    anchor = min(rows, key=lambda r: (r.created_at, r.member_id))
    network_id = anchor_id(anchor.member_id)
    if session.get(Network, network_id) is None:
        session.add(
            Network(
                id=network_id,
                anchor_member_id=anchor.member_id,
                first_run_id=run_id,
                last_run_id=run_id,
                size=0,
            )
        )
        session.flush()
    for row in rows:
        session.add(
            NetworkMember(
                member_id=row.member_id,
                network_id=network_id,
                kind=row.kind,
                evidence=[],
                run_id=run_id,
            )
        )
    session.flush()
    _recount(session, network_id)
    return network_id
