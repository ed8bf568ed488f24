"""Correlate on arrival: received tokens matched against our sellers, consignors and importers.

A match raises an alert for analysts (with the fields that matched and a score), feeds customs
targeting through `SharedIntelligence` (the `IntelligenceProvider` seam) and listing detection
through `SharedSellerRisk` (the `NetworkRiskProvider` seam), and links a received
seizure sighting to the seller (and the seller's network) whose identifiers it carries.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import pandas as pd
from sqlalchemy import select
from sqlalchemy.orm import Session

from guetteur.actors.models import NetworkMember
from guetteur.audit import service as audit
from guetteur.auth.actor import Actor
from guetteur.clock import as_utc
from guetteur.customs.models import Declaration
from guetteur.customs.targeting.intelligence import Match
from guetteur.detection.seller import NetworkRisk, NetworkRiskProvider, NoNetworkRisk
from guetteur.errors import Forbidden
from guetteur.marketplace.models import Seller
from guetteur.sharing import agreements, pseudonymise
from guetteur.sharing.models import Alert, ReceivedObject
from guetteur.sharing.stix_ext import EXT_PROPERTIES

FIELD_WEIGHTS = {
    "bank_account": 0.7,
    "phone": 0.6,
    "email": 0.6,
    "registration_number": 0.6,
    "address": 0.4,
    "name": 0.2,
}
FUZZY_WEIGHT = 0.3
MIN_SCORE = 0.35
SHARED_STRENGTH = 0.6

Local = tuple[str, str]  # (kind, ref): ("seller", "S1") or ("consignor", "D1:consignor")


@dataclass
class LocalIndex:
    """Our parties' tokens under one agreement's key (and CLKs for fuzzy matching)."""

    tokens: dict[tuple[str, str], list[Local]] = field(default_factory=lambda: defaultdict(list))
    clks: list[tuple[Local, str, str]] = field(default_factory=list)

    def add(self, key: bytes, local: Local, party: pseudonymise.Party, fuzzy: bool) -> None:
        for name, token in pseudonymise.tokens(key, party).items():
            self.tokens[(name, token)].append(local)
        if fuzzy:
            self.clks.extend((local, f, c) for f, c in pseudonymise.clks(key, party).items())


def local_index(session: Session, key: bytes, *, fuzzy: bool) -> LocalIndex:
    """Tokens of every local seller and every declaration's consignor and importer."""
    index = LocalIndex()
    for seller in session.scalars(select(Seller)):
        index.add(key, ("seller", seller.id), pseudonymise.seller_party(seller), fuzzy)
    rows = session.execute(select(Declaration.id, Declaration.consignor, Declaration.importer))
    for decl_id, consignor, importer in rows:
        for role, party in (("consignor", consignor), ("importer", importer)):
            local = (role, f"{decl_id}:{role}")
            index.add(key, local, pseudonymise.declaration_party(party), fuzzy)
    return index


def _score(fields: set[str], fuzzy: dict[str, float]) -> float:
    doubt = 1.0
    for name in fields:
        doubt *= 1.0 - FIELD_WEIGHTS.get(name, 0.2)
    for name, dice in fuzzy.items():
        if name not in fields:
            doubt *= 1.0 - FUZZY_WEIGHT * dice
    return round(1.0 - doubt, 4)


def matches_for(
    index: LocalIndex, ext: dict[str, Any]
) -> dict[Local, tuple[set[str], dict[str, float]]]:
    """Local parties matching a received identity's tokens (exact) and CLKs (Dice >= threshold)."""
    found: dict[Local, tuple[set[str], dict[str, float]]] = {}
    for name, token in (ext.get("tokens") or {}).items():
        for local in index.tokens.get((name, str(token)), []):
            found.setdefault(local, (set(), {}))[0].add(name)
    for name, encoded in (ext.get("clk") or {}).items():
        for local, local_field, local_clk in index.clks:
            if local_field == name:
                dice = pseudonymise.dice(str(encoded), local_clk)
                if dice >= pseudonymise.DICE_THRESHOLD:
                    found.setdefault(local, (set(), {}))[1][name] = round(dice, 3)
    return found


def _network_of(session: Session, seller_id: str) -> str | None:
    query = select(NetworkMember.network_id).where(NetworkMember.member_id == seller_id)
    return session.scalar(query)


def _alert(
    session: Session,
    agreement_id: str,
    stix_id: str,
    local: Local,
    fields: list[str],
    score: float,
    detail: str,
) -> Alert | None:
    exists = session.scalar(
        select(Alert.id).where(
            Alert.stix_id == stix_id, Alert.local_kind == local[0], Alert.local_ref == local[1]
        )
    )
    if exists is not None:
        return None
    alert = Alert(
        agreement_id=agreement_id,
        stix_id=stix_id,
        local_kind=local[0],
        local_ref=local[1],
        fields=fields,
        score=score,
        detail=detail,
    )
    session.add(alert)
    return alert


def correlate(session: Session, *, actor: Actor, agreement_id: str, secret: str) -> list[Alert]:
    """Match what arrived under an agreement and is not yet correlated; raise alerts."""
    if not (actor.is_system or actor.can("sharing:manage")):
        raise Forbidden("only the node's sync job or administrators correlate")
    agreement = agreements.get_or_raise(session, actor=actor, agreement_id=agreement_id)
    pending = list(
        session.scalars(
            select(ReceivedObject).where(
                ReceivedObject.agreement_id == agreement_id, ReceivedObject.correlated.is_(False)
            )
        )
    )
    if not pending:
        return []
    key = agreements.open_keys(agreement, secret=secret).token_key
    index = local_index(session, key, fuzzy=bool(agreement.inbound.get("fuzzy")))
    raised: list[Alert] = []
    identity_matches: dict[str, list[tuple[Local, float]]] = {}
    for row in sorted(pending, key=lambda r: r.stix_type != "identity"):
        if row.stix_type == "identity":
            raised.extend(_identity(session, agreement_id, row, index, identity_matches))
        elif row.stix_type == "sighting":
            raised.extend(_sighting(session, agreement_id, row, identity_matches))
        row.correlated = True
    session.flush()
    if raised:
        audit.record(
            session,
            actor=actor,
            action="sharing.correlate",
            object_type="agreement",
            object_id=agreement_id,
            detail={"alerts": len(raised)},
        )
    return raised


def _identity(
    session: Session,
    agreement_id: str,
    row: ReceivedObject,
    index: LocalIndex,
    seen: dict[str, list[tuple[Local, float]]],
) -> list[Alert]:
    ext = (row.body.get("extensions") or {}).get(EXT_PROPERTIES) or {}
    kind = str(ext.get("kind", "party"))
    raised = []
    for local, (fields, similar) in matches_for(index, ext).items():
        fuzzy = {k: v for k, v in similar.items() if k not in fields}
        score = _score(fields, fuzzy)
        if score < MIN_SCORE:
            continue
        seen.setdefault(row.stix_id, []).append((local, score))
        words = ", ".join(sorted(fields)) + (
            f"; similar {', '.join(sorted(fuzzy))}" if fuzzy else ""
        )
        detail = f"a {kind} shared by the partner has the same {words} as our {local[0]} {local[1]}"
        alert = _alert(
            session, agreement_id, row.stix_id, local, sorted(fields | set(fuzzy)), score, detail
        )
        if alert is not None:
            raised.append(alert)
    return raised


def _sighting(
    session: Session,
    agreement_id: str,
    row: ReceivedObject,
    seen: dict[str, list[tuple[Local, float]]],
) -> list[Alert]:
    target = str(row.body.get("sighting_of_ref", ""))
    matched = seen.get(target)
    if matched is None:
        alerts = session.scalars(select(Alert).where(Alert.stix_id == target))
        matched = [((a.local_kind, a.local_ref), a.score) for a in alerts]
    ext = (row.body.get("extensions") or {}).get(EXT_PROPERTIES) or {}
    what = str(ext.get("kind", "sighting")).replace("_", " ")
    raised = []
    for local, score in matched:
        network = _network_of(session, local[1]) if local[0] == "seller" else None
        where = f" (network {network})" if network else ""
        detail = (
            f"partner {what}: {row.body.get('count', 1)} units, first seen "
            f"{row.body.get('first_seen', '?')}, of a party matching our "
            f"{local[0]} {local[1]}{where}"
        )
        alert = _alert(session, agreement_id, row.stix_id, local, [what], score, detail)
        if alert is not None:
            raised.append(alert)
    return raised


def list_alerts(
    session: Session, *, actor: Actor, status: str | None = "open", limit: int = 100
) -> list[Alert]:
    """Alerts of the agreements the actor's organisation is party to, newest first."""
    visible = [
        a.id
        for a in agreements.list_(session, actor=actor)
        if actor.is_system or a.local_organisation_id == actor.organisation_id
    ]
    query = select(Alert).where(Alert.agreement_id.in_(visible))
    if status:
        query = query.where(Alert.status == status)
    return list(session.scalars(query.order_by(Alert.id.desc()).limit(limit)))


@dataclass
class SharedIntelligence:
    """Customs targeting's view of partner intelligence: declarations whose parties matched."""

    by_declaration: dict[str, list[Match]]
    name: str = "shared"

    def matches(self, declarations: pd.DataFrame, *, as_of: datetime) -> dict[str, list[Match]]:
        wanted = {str(i) for i in declarations["id"]}
        return {k: v for k, v in self.by_declaration.items() if k in wanted}


def shared_intelligence(session: Session) -> SharedIntelligence:
    """Open alerts on declaration parties, as targeting matches (strength grows with the score)."""
    found: dict[str, list[Match]] = {}
    query = select(Alert).where(
        Alert.status == "open", Alert.local_kind.in_(("consignor", "importer"))
    )
    for alert in session.scalars(query):
        decl_id = alert.local_ref.rsplit(":", 1)[0]
        on = ", ".join(map(str, alert.fields))
        detail = f"{alert.local_kind} matches partner intelligence on {on}"
        found.setdefault(decl_id, []).append(
            Match("intel.shared_token", round(SHARED_STRENGTH * alert.score, 4), detail)
        )
    return SharedIntelligence(found)


@dataclass
class SharedSellerRisk:
    """Detection's seam (`NetworkRiskProvider`): partner alerts on a seller raise its risk.

    Wraps another provider (the actor networks'); only alerts raised before `as_of` count, so
    training on past listings sees what was known then.
    """

    inner: NetworkRiskProvider
    alerts: dict[str, list[tuple[datetime, float, str]]]

    def risk(self, seller_id: str, *, as_of: datetime) -> NetworkRisk:
        base = self.inner.risk(seller_id, as_of=as_of)
        known = [a for a in self.alerts.get(seller_id, []) if as_utc(a[0]) < as_utc(as_of)]
        if not known:
            return base
        strongest = max(known, key=lambda a: (a[1], a[0]))  # the latest among the strongest
        score = 1.0 - (1.0 - base.score) * (1.0 - SHARED_STRENGTH * strongest[1])
        detail = f"partner intelligence: {strongest[2]}"
        return NetworkRisk(score=round(score, 4), known=True, detail=detail)


def shared_seller_risk(
    session: Session, inner: NetworkRiskProvider | None = None
) -> SharedSellerRisk:
    """Open alerts on our sellers, for the listing detector."""
    alerts: dict[str, list[tuple[datetime, float, str]]] = {}
    query = select(Alert).where(Alert.status == "open", Alert.local_kind == "seller")
    for alert in session.scalars(query):
        alerts.setdefault(alert.local_ref, []).append((alert.created_at, alert.score, alert.detail))
    return SharedSellerRisk(inner or NoNetworkRisk(), alerts)
