"""After the demo world is imported: link networks, train the detector, score, target.

So that a new colleague who runs `make demo` finds every queue filled the way a running node
would have filled it: networks of seller accounts, a trained and promoted detector, held and
blocked listings with their reasons in the review queue, and a customs targeting queue.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session, sessionmaker

from guetteur.auth.actor import system_actor
from guetteur.config import Settings
from guetteur.customs.models import Declaration
from guetteur.db import transaction
from guetteur.errors import GuetteurError
from guetteur.marketplace.models import Listing

TRAIN_SHARE = 0.75
TARGET_DAYS = 30
STATUS_OF_DECISION = {"hold": "held", "block": "blocked"}

Say = Callable[[str], None]


def run_all(sessions: sessionmaker[Session], settings: Settings, say: Say) -> None:
    """Link, train, score the later listings and target the last month's declarations."""
    cutoff = _cutoff(sessions)
    if cutoff is None:
        say("no listings: nothing to link, train or score")
        return
    steps: list[tuple[str, Callable[[], None]]] = [
        ("linking", lambda: _link(sessions, settings, say)),
        ("training", lambda: _train(sessions, settings, cutoff, say)),
        ("scoring", lambda: _score_since(sessions, settings, cutoff, say)),
        ("targeting", lambda: _target(sessions, settings, say)),
    ]
    for name, step in steps:
        try:
            step()
        except GuetteurError as exc:  # a small world may not support every step
            say(f"{name} skipped: {exc.detail}")


def _cutoff(sessions: sessionmaker[Session]) -> datetime | None:
    with sessions() as session:
        first, last = session.execute(
            select(func.min(Listing.created_at), func.max(Listing.created_at))
        ).one()
    if first is None or last is None:
        return None
    return first + (last - first) * TRAIN_SHARE


def _link(sessions: sessionmaker[Session], settings: Settings, say: Say) -> None:
    from guetteur.actors import service as actors

    with transaction(sessions) as session:
        summary = actors.link(
            session, actor=system_actor("demo link"), models_dir=settings.models_dir
        )
    say(
        f"linked {summary.records} seller accounts and customs parties: {summary.networks} "
        f"networks with {summary.members} members, {len(summary.super_nodes)} super-nodes excluded"
    )


def _train(sessions: sessionmaker[Session], settings: Settings, cutoff: datetime, say: Say) -> None:
    from guetteur.detection import network
    from guetteur.detection import service as detection

    with transaction(sessions) as session:
        result = detection.train(
            session,
            actor=system_actor("demo train"),
            models_dir=settings.models_dir,
            media_dir=settings.media_dir,
            cutoff=cutoff,
            with_ablation=False,
            network=network.provider_for(session),
        )
    figures = result.metrics["evaluation"]
    say(
        f"trained detector {result.version} on verdicts before {cutoff:%Y-%m-%d}: "
        f"PR-AUC {figures.get('pr_auc')}, proactive rate {figures.get('proactive_rate')}"
    )


def _score_since(
    sessions: sessionmaker[Session], settings: Settings, cutoff: datetime, say: Say
) -> None:
    """Score the listings submitted after the cutoff, as the node would have at submission."""
    from guetteur.detection import network
    from guetteur.detection import service as detection
    from guetteur.detection.engine_local import build_features, score_table
    from guetteur.detection.history import load_listings

    with sessions() as session:
        model = detection.current_model(session, models_dir=settings.models_dir)
        listings = load_listings(session, since=cutoff)
        ctx = detection.context_for(
            session,
            models_dir=settings.models_dir,
            media_dir=settings.media_dir,
            network=network.provider_for(session),
        )
    table = score_table(build_features(listings, ctx), model, since=cutoff)
    created = {facts.id: facts.created_at for facts in listings}
    counts: dict[str, int] = {}
    actor = system_actor("demo scan")
    with transaction(sessions) as session:
        for row in table.to_pylist():
            decision = detection.Decision(
                listing_id=row["listing_id"],
                score=row["score"],
                decision=row["decision"],
                reasons=_reasons(row["reasons"]),
                model_version=row["model_version"],
            )
            at = created.get(decision.listing_id)
            detection.record_decision(session, actor=actor, decision=decision, at=at)
            _apply_status(session, decision.listing_id, decision.decision)
            counts[decision.decision] = counts.get(decision.decision, 0) + 1
    say(f"scored {sum(counts.values())} listings submitted after the cutoff: {counts}")


def _reasons(value: object) -> list[dict[str, object]]:
    import json

    parsed = json.loads(value) if isinstance(value, str) else value
    return list(parsed) if isinstance(parsed, list) else []


def _apply_status(session: Session, listing_id: str, decision: str) -> None:
    status = STATUS_OF_DECISION.get(decision)
    if status is None:
        return
    session.execute(
        update(Listing)
        .where(Listing.id == listing_id, Listing.status == "live")
        .values(status=status)
    )


def _target(sessions: sessionmaker[Session], settings: Settings, say: Say) -> None:
    from guetteur.customs.targeting import run as targeting

    with sessions() as session:
        last = session.scalar(select(func.max(Declaration.lodged_at)))
    if last is None:
        say("no customs declarations: no targeting run")
        return
    since = (last - timedelta(days=TARGET_DAYS)).replace(hour=0, minute=0, second=0, microsecond=0)
    with transaction(sessions) as session:
        result = targeting.target(
            session,
            actor=system_actor("demo target"),
            since=since,
            options=targeting.Options(models_dir=settings.models_dir),
        )
    selected = sum(1 for row in result.rows if row.get("selected"))
    say(
        f"targeted {len(result.rows)} declarations lodged since {since:%Y-%m-%d}: {selected} picked"
    )
