"""Frames from the store: declarations, inspection labels, logged propensities, intelligence."""

from __future__ import annotations

import re
from datetime import datetime

import numpy as np
import pandas as pd
from sqlalchemy import inspect, select
from sqlalchemy.orm import Session

from guetteur.customs.models import Declaration, Inspection, Selection, TargetingRun
from guetteur.customs.targeting.intelligence import PartyIntelligence

MIN_PROPENSITY = 0.02
SPACE = re.compile(r"\s+")
NOT_DIGIT = re.compile(r"\D")


def _name(party: dict[str, object] | None) -> str:
    if not party:
        return ""
    name = SPACE.sub(" ", str(party.get("name") or "")).strip().casefold()
    return f"{name}|{party.get('country') or ''}" if name else ""


def _importer(party: dict[str, object] | None) -> str:
    eori = str((party or {}).get("eori") or "").strip().upper()
    return f"eori:{eori}" if eori else _name(party)


def _phone(party: dict[str, object] | None) -> str:
    digits = NOT_DIGIT.sub("", str((party or {}).get("phone") or ""))
    return digits[-9:] if len(digits) >= 6 else ""


def _email(party: dict[str, object] | None) -> str:
    return str((party or {}).get("email") or "").strip().casefold()


def declarations_frame(session: Session) -> pd.DataFrame:
    """Every declaration in the canonical columns of `targeting.features`."""
    rows = session.execute(
        select(
            Declaration.id,
            Declaration.lodged_at,
            Declaration.office,
            Declaration.declarant_id,
            Declaration.importer,
            Declaration.consignor,
            Declaration.seller_ref,
            Declaration.hs_code,
            Declaration.origin_country,
            Declaration.transport_mode,
            Declaration.quantity,
            Declaration.gross_weight_kg,
            Declaration.declared_value,
            Declaration.description,
        )
    ).all()
    frame = pd.DataFrame(
        {
            "id": [r.id for r in rows],
            "at": pd.to_datetime([r.lodged_at for r in rows], utc=True),
            "office": [r.office for r in rows],
            "declarant": [r.declarant_id for r in rows],
            "importer": [_importer(r.importer) for r in rows],
            "consignor": [_name(r.consignor) for r in rows],
            "consignor_phone": [_phone(r.consignor) for r in rows],
            "consignor_email": [_email(r.consignor) for r in rows],
            "seller": [r.seller_ref or "" for r in rows],
            "hs": [r.hs_code for r in rows],
            "origin": [r.origin_country for r in rows],
            "transport": [r.transport_mode for r in rows],
            "quantity": np.array([r.quantity for r in rows], dtype=float),
            "weight": np.array([float(r.gross_weight_kg) for r in rows], dtype=float),
            "value": np.array([float(r.declared_value) for r in rows], dtype=float),
            "description": [r.description for r in rows],
        }
    )
    return frame


def labels_frame(session: Session, *, before: datetime) -> pd.DataFrame:
    """Inspection results known before `before` (the latest per declaration) as labels."""
    rows = session.execute(
        select(Inspection.declaration_id, Inspection.inspected_at, Inspection.outcome)
        .join(Declaration, Declaration.id == Inspection.declaration_id)
        .where(Inspection.inspected_at < before, Declaration.lodged_at < before)
        .order_by(Inspection.inspected_at)
    ).all()
    frame = pd.DataFrame(
        {
            "id": [r.declaration_id for r in rows],
            "known_at": pd.to_datetime([r.inspected_at for r in rows], utc=True),
            "y": [int(r.outcome != "clear") for r in rows],
            "y2": [int(r.outcome == "ipr_suspected") for r in rows],
        }
    )
    return frame.drop_duplicates("id", keep="last").reset_index(drop=True)


def propensities(session: Session, *, ids: list[str], before: datetime) -> dict[str, float]:
    """The logged probability each declaration had of being selected, in runs before `before`."""
    found: dict[str, float] = {}
    query = (
        select(Selection.declaration_id, Selection.propensity)
        .join(TargetingRun, TargetingRun.id == Selection.run_id)
        .where(TargetingRun.since < before)
        .order_by(Selection.id)
    )
    wanted = set(ids)
    for decl_id, propensity in session.execute(query):
        if decl_id in wanted:
            found[decl_id] = max(float(propensity), MIN_PROPENSITY)
    return found


def party_intelligence(session: Session, *, as_of: datetime) -> PartyIntelligence:
    """Flagged sellers (counterfeit verdicts before `as_of`) and the networks that hold them.

    Reads the marketplace's verdicts and the actors' networks read-only; these queries belong in
    those domains' services once they offer them.
    """
    from guetteur.actors.models import NetworkMember
    from guetteur.marketplace.models import Listing, Verdict

    flagged: dict[str, int] = {}
    query = (
        select(Listing.seller_id, Listing.id)
        .join(Verdict, Verdict.listing_id == Listing.id)
        .where(Verdict.verdict == "counterfeit", Verdict.decided_at < as_of)
        .distinct()
    )
    for seller_id, _listing in session.execute(query):
        flagged[seller_id] = flagged.get(seller_id, 0) + 1
    sellers = {s: f"{n} listing(s) confirmed counterfeit" for s, n in flagged.items()}
    members: dict[str, str] = {}
    if inspect(session.get_bind()).has_table(NetworkMember.__tablename__):
        members = {m.member_id: m.network_id for m in session.scalars(select(NetworkMember))}
    seized = _seized_parties(session, as_of)
    networks: dict[str, list[str]] = {}
    for member, network in members.items():
        if member in sellers:
            networks.setdefault(network, []).append(f"seller {member} flagged")
        elif member in seized:
            networks.setdefault(network, []).append(f"{member} found infringing")
    reasons = {
        n: "; ".join(sorted(why)[:2]) + (" ..." if len(why) > 2 else "")
        for n, why in networks.items()
    }
    return PartyIntelligence(sellers, members, reasons)


def _seized_parties(session: Session, as_of: datetime) -> set[str]:
    query = select(Inspection.declaration_id).where(
        Inspection.outcome == "ipr_suspected", Inspection.inspected_at < as_of
    )
    return {f"{d}:{role}" for d in session.scalars(query) for role in ("consignor", "importer")}
