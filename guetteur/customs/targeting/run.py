"""A targeting run: train on inspections before a time, rank what was lodged from then on.

`target` reads the store, builds point-in-time features, trains the two-head model on inspection
results known before `since` (weighted by inverse logged selection propensities), scores every
declaration lodged at or after `since`, adds intelligence matches and rules, selects within each
office's daily capacity with an exploration slice, and stores the run and its selections.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from sqlalchemy import insert
from sqlalchemy.orm import Session

from guetteur.audit import service as audit
from guetteur.auth.actor import Actor
from guetteur.auth.permissions import CUSTOMS_ACT
from guetteur.customs.models import Selection, TargetingRun
from guetteur.customs.targeting import explain, features, model, selection
from guetteur.customs.targeting import store as frames
from guetteur.customs.targeting.intelligence import IntelligenceProvider, NoIntelligence, boost
from guetteur.errors import Forbidden, InvalidInput

DEFAULT_SPEC = features.FeatureSpec()
RULE_STRENGTH = 0.05
MIN_LABELS = 20


@dataclass
class Options:
    """Knobs of a run."""

    capacity: float = selection.DEFAULT_CAPACITY
    exploration: float = selection.DEFAULT_EXPLORATION
    critical_weight: float = model.CRITICAL_WEIGHT
    rule_strength: float = RULE_STRENGTH
    models_dir: Path | None = None


@dataclass
class RunResult:
    """The stored run and the selections.jsonl rows, riskiest first."""

    run: TargetingRun
    rows: list[dict[str, Any]] = field(default_factory=list)


def target(
    session: Session,
    *,
    actor: Actor,
    since: datetime,
    options: Options | None = None,
    provider: IntelligenceProvider | None = None,
) -> RunResult:
    """Rank declarations lodged at or after `since`, learning from inspections before it."""
    if not actor.can(CUSTOMS_ACT):
        raise Forbidden("only customs run targeting")
    options = options or Options()
    provider = provider or NoIntelligence()
    frame = frames.declarations_frame(session)
    if frame.empty:
        raise InvalidInput("there are no declarations to rank")
    stamp = pd.Timestamp(since).tz_convert("UTC") if pd.Timestamp(since).tzinfo else None
    if stamp is None:
        raise InvalidInput("--since needs a time zone")
    labels = frames.labels_frame(session, before=since)
    prepared, x = features.build(frame, labels, DEFAULT_SPEC)
    queue = (prepared["at"] >= stamp).to_numpy()
    if not queue.any():
        raise InvalidInput(f"no declaration was lodged at or after {since.isoformat()}")
    fitted = _train(session, prepared, x, labels, since, options)
    scored = _score(prepared[queue], x[queue], fitted, options, provider, since)
    chosen = selection.select(
        scored, capacity=options.capacity, exploration=options.exploration, seed=_seed(since)
    )
    scored = scored.join(chosen)
    run = _store(session, actor, since, options, fitted, scored, len(labels))
    return RunResult(run, _rows(scored, fitted.version))


def _train(
    session: Session,
    prepared: pd.DataFrame,
    x: pd.DataFrame,
    labels: pd.DataFrame,
    since: datetime,
    options: Options,
) -> model.RiskModel:
    by_id = labels.set_index("id")
    labelled = prepared["id"].isin(by_id.index).to_numpy()
    ids = prepared.loc[labelled, "id"].tolist()
    logged = frames.propensities(session, ids=ids, before=since)
    weights = np.array([1.0 / logged.get(i, 1.0) for i in ids])
    y = by_id.loc[ids, "y"].to_numpy()
    y2 = by_id.loc[ids, "y2"].to_numpy()
    rounds = {} if len(ids) >= MIN_LABELS else {"main_rounds": 0, "critical_rounds": 0}
    fitted = model.train(
        x[labelled],
        y,
        y2,
        categoricals=list(DEFAULT_SPEC.categoricals),
        weights=weights,
        critical_weight=options.critical_weight,
        **rounds,
    )
    if options.models_dir is not None:
        fitted.save(options.models_dir / "customs")
    return fitted


def _score(
    prepared: pd.DataFrame,
    x: pd.DataFrame,
    fitted: model.RiskModel,
    options: Options,
    provider: IntelligenceProvider,
    since: datetime,
) -> pd.DataFrame:
    score, p1, p2 = fitted.score(x)
    main, critical = fitted.contributions(x)
    use_critical = fitted.critical_weight * p2 > p1
    positions = explain.groups(DEFAULT_SPEC)
    prepared = prepared.assign(_unit_vs_hs=x["unit_value_vs_hs"].to_numpy())
    matches = provider.matches(prepared, as_of=since)
    out = []
    for i, (_, row) in enumerate(prepared.iterrows()):
        contributions = critical[i] if use_critical[i] else main[i]
        reasons = explain.model_reasons(row, contributions, DEFAULT_SPEC, positions)
        rules = explain.rule_reasons(str(row["description"]), options.rule_strength)
        hits = matches.get(str(row["id"]), [])
        final = boost(float(score[i]), hits)
        final = 1.0 - (1.0 - final) * (1.0 - sum(r["weight"] for r in rules))
        reasons = [
            *({"code": h.code, "weight": h.strength, "detail": h.detail} for h in hits),
            *rules,
            *reasons,
        ]
        out.append(
            {
                "declaration_id": row["id"],
                "office": row["office"],
                "day": row["at"].date(),
                "score": round(final, 6),
                "reasons": reasons,
            }
        )
    return pd.DataFrame(out, index=prepared.index)


def _seed(since: datetime) -> int:
    return int(hashlib.sha256(since.isoformat().encode()).hexdigest()[:8], 16)


def _store(
    session: Session,
    actor: Actor,
    since: datetime,
    options: Options,
    fitted: model.RiskModel,
    scored: pd.DataFrame,
    label_count: int,
) -> TargetingRun:
    scored.sort_values(["score", "declaration_id"], ascending=[False, True], inplace=True)
    scored["rank"] = np.arange(1, len(scored) + 1)
    run = TargetingRun(
        since=since,
        capacity=options.capacity,
        exploration=options.exploration,
        model_version=fitted.version,
        declarations=len(scored),
        selected=int(scored["selected"].sum()),
        training={**fitted.trained_on, "labels": label_count},
        actor_label=actor.label,
    )
    session.add(run)
    session.flush()
    rows = [
        {
            "run_id": run.id,
            "declaration_id": r.declaration_id,
            "office": r.office,
            "day": r.day,
            "score": float(r.score),
            "rank": int(r.rank),
            "selected": bool(r.selected),
            "exploration": bool(r.exploration),
            "propensity": float(r.propensity),
            "reasons": r.reasons,
            "model_version": fitted.version,
        }
        for r in scored.itertuples()
    ]
    if rows:
        session.execute(insert(Selection), rows)
    audit.record(
        session,
        actor=actor,
        action="targeting.run",
        object_type="targeting_run",
        object_id=str(run.id),
        detail={
            "since": since.isoformat(),
            "capacity": options.capacity,
            "exploration": options.exploration,
            "model_version": fitted.version,
            "declarations": run.declarations,
            "selected": run.selected,
        },
    )
    return run


def _rows(scored: pd.DataFrame, version: str) -> list[dict[str, Any]]:
    return [
        {
            "declaration_id": r.declaration_id,
            "score": float(r.score),
            "rank": int(r.rank),
            "selected": bool(r.selected),
            "reasons": r.reasons,
            "model_version": version,
            "office": r.office,
            "exploration": bool(r.exploration),
        }
        for r in scored.itertuples()
    ]
