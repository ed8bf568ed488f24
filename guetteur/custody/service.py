"""Custody of seized goods: lots, events, destruction certificates and reconciliation.

Every event is checked by replaying the lot's ledger (`custody.ledger`) before it is stored, so
the store never holds an impossible history; `reconcile` replays it again from the stored events
and compares it with the lot's lines, its certificates and its stock counts, naming every count
that does not add up.
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import ColumnElement, func, or_, select
from sqlalchemy.orm import Session, selectinload

from guetteur.audit import service as audit
from guetteur.auth.actor import Actor
from guetteur.auth.permissions import CUSTOMS_ACT, CUSTOMS_READ
from guetteur.custody.ledger import PLACES, Ledger
from guetteur.custody.models import CustodyEvent, DestructionCertificate, Lot, LotLine
from guetteur.errors import Forbidden, GuetteurError, InvalidInput, NotFound
from guetteur.registry.models import Brand
from guetteur.registry.service import contains_pattern

SHA256 = re.compile(r"^[0-9a-f]{64}$")
SIMPLE_EVENTS = ("moved", "sampled", "handed_to_contractor", "released", "counted")
LOT_STATUSES = ("in_store", "destroyed", "released", "closed")
REPLAY_BATCH = 200


class LineCreate(BaseModel):
    """One product (or brand) of a lot and its units."""

    model_config = ConfigDict(extra="forbid")

    brand_id: str | None = Field(default=None, max_length=100)
    product_id: str | None = Field(default=None, max_length=100)
    description: str = Field(default="", max_length=500)
    units: int = Field(ge=0, le=2**31 - 1)


class CertificateCreate(BaseModel):
    """The contractor's destruction (or recycling) certificate."""

    model_config = ConfigDict(extra="forbid")

    contractor: str = Field(min_length=1, max_length=200)
    method: str = Field(min_length=1, max_length=40)
    on: date
    units: int = Field(ge=0)
    weight_kg: Decimal = Field(ge=0, max_digits=18, decimal_places=4)
    document_sha256: str = Field(min_length=64, max_length=64)


@dataclass
class LotReconciliation:
    """The units of a lot by place and line, and every count that does not add up."""

    lot_id: int
    reference: str
    totals: dict[str, int]
    lines: dict[str, dict[str, int]]
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


@dataclass
class PeriodReconciliation:
    """Units in custody at the start, seized, out by way, and in custody at the end."""

    start: date
    end: date
    opening: int = 0
    seized: int = 0
    out: dict[str, int] = field(default_factory=dict)
    closing: int = 0
    lots: int = 0
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems and self.opening + self.seized == (
            sum(self.out.values()) + self.closing
        )


def create_lot(
    session: Session,
    *,
    actor: Actor,
    office: str,
    storage_location: str,
    seized_on: date,
    lines: list[LineCreate],
    detention_id: int | None = None,
    reference: str | None = None,
) -> Lot:
    """Take seized goods into custody: a lot with its lines and a `seized` event."""
    _require(actor, CUSTOMS_ACT)
    if not lines:
        raise InvalidInput("a lot has at least one line")
    lot = Lot(
        reference=reference or f"LOT-{seized_on:%Y%m%d}-{secrets.token_hex(3).upper()}",
        detention_id=detention_id,
        office=office,
        storage_location=storage_location,
        seized_on=seized_on,
        lines=[
            LotLine(units_seized=line.units, **line.model_dump(exclude={"units"})) for line in lines
        ],
    )
    session.add(lot)
    session.flush()
    units = {str(line.id): line.units_seized for line in lot.lines}
    _add_event(session, actor, lot, "seized", seized_on, units, location=storage_location)
    return lot


def record(
    session: Session,
    *,
    actor: Actor,
    lot_id: int,
    kind: str,
    on: date,
    units: dict[str, int] | None = None,
    location: str | None = None,
    contractor: str | None = None,
    note: str = "",
) -> CustodyEvent:
    """Record a move, sample, hand-over, court release or stock count (checked first)."""
    _require(actor, CUSTOMS_ACT)
    if kind not in SIMPLE_EVENTS:
        raise InvalidInput(f"{kind!r} is not one of {', '.join(SIMPLE_EVENTS)}")
    lot = get_or_raise(session, actor=actor, lot_id=lot_id)
    units = units or {}
    if kind == "moved":
        if not location:
            raise InvalidInput("a move names the new storage location")
        lot.storage_location = location
    if kind == "handed_to_contractor" and not contractor:
        raise InvalidInput("a hand-over names the contractor")
    ledger = _replay(lot)
    ledger.apply(kind, units)
    return _add_event(
        session, actor, lot, kind, on, units, location=location, contractor=contractor, note=note
    )


def certify_destruction(
    session: Session,
    *,
    actor: Actor,
    lot_id: int,
    units: dict[str, int],
    certificate: CertificateCreate,
    recycled: bool = False,
) -> DestructionCertificate:
    """Record the destruction (or recycling) of units with the contractor's certificate."""
    _require(actor, CUSTOMS_ACT)
    if not SHA256.match(certificate.document_sha256):
        raise InvalidInput("document_sha256 is 64 lowercase hexadecimal digits")
    if sum(units.values()) != certificate.units:
        raise InvalidInput(
            f"the certificate says {certificate.units} units, the lines {sum(units.values())}"
        )
    lot = get_or_raise(session, actor=actor, lot_id=lot_id)
    kind = "recycled" if recycled else "destroyed"
    _replay(lot).apply(kind, units)
    row = DestructionCertificate(lot=lot, **certificate.model_dump())
    session.add(row)
    session.flush()
    _add_event(
        session,
        actor,
        lot,
        kind,
        certificate.on,
        units,
        contractor=certificate.contractor,
        certificate_id=row.id,
    )
    return row


def reconcile(session: Session, *, actor: Actor, lot_id: int) -> LotReconciliation:
    """Replay a lot from its events and check lines, certificates and stock counts."""
    return _reconcile_lot(get_or_raise(session, actor=actor, lot_id=lot_id))


def _reconcile_lot(lot: Lot) -> LotReconciliation:
    problems: list[str] = []
    try:
        ledger = _replay(lot, strict=False)
    except GuetteurError as exc:  # an impossible stored history is itself the finding
        return LotReconciliation(
            lot.id, lot.reference, {}, {}, [f"history cannot be replayed: {exc}"]
        )
    problems += ledger.balance() + ledger.stock_differences
    seized_events = [e for e in lot.events if e.kind == "seized"]
    if len(seized_events) != 1:
        problems.append(f"{len(seized_events)} seizure events, expected 1")
    certified = sum(c.units for c in lot.certificates)
    done = ledger.total("destroyed") + ledger.total("recycled")
    if certified != done:
        problems.append(f"certificates cover {certified} units, {done} destroyed or recycled")
    totals = {"seized": ledger.total("seized"), **{p: ledger.total(p) for p in PLACES}}
    lines = {
        key: {"seized": c.seized, **{p: getattr(c, p) for p in PLACES}}
        for key, c in ledger.lines.items()
    }
    return LotReconciliation(lot.id, lot.reference, totals, lines, problems)


def reconcile_period(
    session: Session, *, actor: Actor, start: date, end: date, office: str | None = None
) -> PeriodReconciliation:
    """In custody at `start` + seized in [start, end] = out by way + in custody after `end`."""
    _require(actor, CUSTOMS_READ)
    result = PeriodReconciliation(start, end, out={p: 0 for p in PLACES[2:]})
    query = select(Lot).where(Lot.seized_on <= end)
    if office is not None:
        query = query.where(Lot.office == office)
    for lot in session.scalars(query.order_by(Lot.id)):
        result.lots += 1
        _period_lot(lot, result)
    if result.opening + result.seized != sum(result.out.values()) + result.closing:
        result.problems.append("units in and out of custody over the period do not add up")
    return result


def _period_lot(lot: Lot, result: PeriodReconciliation) -> None:
    before = Ledger.seized({})
    ledger = Ledger.seized({})
    for event in lot.events:
        if event.on > result.end:
            break
        target = before if event.on < result.start else None
        _replay_event(ledger, event)
        if target is not None:
            _replay_event(before, event)
        elif event.kind == "seized":
            result.seized += sum(event.lines.values())
        elif event.kind in result.out:
            result.out[event.kind] += sum(event.lines.values())
    result.opening += before.total("in_store") + before.total("with_contractor")
    result.closing += ledger.total("in_store") + ledger.total("with_contractor")
    result.problems += [f"{lot.reference}: {p}" for p in ledger.balance()]


def _replay_event(ledger: Ledger, event: CustodyEvent) -> None:
    if event.kind == "seized":
        ledger.lines.update(Ledger.seized(event.lines).lines)
    else:
        ledger.apply(event.kind, event.lines)


def get_or_raise(session: Session, *, actor: Actor, lot_id: int) -> Lot:
    """One lot, or NotFound."""
    _require(actor, CUSTOMS_READ)
    lot = session.get(Lot, lot_id)
    if lot is None:
        raise NotFound(f"lot {lot_id} not found")
    return lot


def list_(session: Session, *, actor: Actor, office: str | None = None) -> list[Lot]:
    """Lots, newest first."""
    _require(actor, CUSTOMS_READ)
    query = select(Lot).order_by(Lot.seized_on.desc(), Lot.id.desc())
    if office is not None:
        query = query.where(Lot.office == office)
    return list(session.scalars(query))


def list_lots(
    session: Session,
    *,
    actor: Actor,
    q: str | None = None,
    status: str | None = None,
    reconciles: bool | None = None,
    limit: int = 50,
    offset: int = 0,
) -> list[tuple[Lot, LotReconciliation]]:
    """Lots, newest first, each with its reconciliation; optionally filtered.

    `q` searches the lot's number and reference, its storage location and its lines' brands (id
    or name). Whether a lot reconciles is known only by replaying its events, so with
    `reconciles` the lots matching the other filters are replayed in batches (see `count_lots`).
    """
    _require(actor, CUSTOMS_READ)
    query = _lots(select(Lot.id), q, status)
    query = query.order_by(Lot.seized_on.desc(), Lot.id.desc())
    if reconciles is None:
        ids = list(session.scalars(query.limit(limit).offset(offset)))
    else:
        ids = _reconciling(session, query, reconciles)[offset : offset + limit]
    lots = {lot.id: lot for lot in _load(session, ids)}
    return [(lots[i], _reconcile_lot(lots[i])) for i in ids]


def count_lots(
    session: Session,
    *,
    actor: Actor,
    q: str | None = None,
    status: str | None = None,
    reconciles: bool | None = None,
) -> int:
    """How many lots match the filters (as `list_lots` takes them)."""
    _require(actor, CUSTOMS_READ)
    if reconciles is not None:
        return len(_reconciling(session, _lots(select(Lot.id), q, status), reconciles))
    return int(session.scalar(_lots(select(func.count(Lot.id)), q, status)) or 0)


def _lots(query: Any, q: str | None, status: str | None) -> Any:
    if q:
        pattern = contains_pattern(q)
        brands = select(Brand.id).where(func.lower(Brand.name).like(pattern, escape="\\"))
        lines = select(LotLine.lot_id).where(
            or_(
                func.lower(LotLine.brand_id).like(pattern, escape="\\"),
                LotLine.brand_id.in_(brands),
            )
        )
        found: list[ColumnElement[bool]] = [
            func.lower(Lot.reference).like(pattern, escape="\\"),
            func.lower(Lot.storage_location).like(pattern, escape="\\"),
            Lot.id.in_(lines),
        ]
        number = q.strip().lstrip("#")
        if number.isdigit() and len(number) <= 9:
            found.append(Lot.id == int(number))
        query = query.where(or_(*found))
    if status:
        query = query.where(Lot.status == status)
    return query


def _reconciling(session: Session, ids_query: Any, reconciles: bool) -> list[int]:
    """The ids `ids_query` selects (in its order) of lots that reconcile, or of those that do not.

    Reconciliation is a replay of each lot's events, which SQL cannot do: the candidate ids come
    from SQL, and the lots are loaded and replayed `REPLAY_BATCH` at a time.
    """
    ids = list(session.scalars(ids_query))
    kept: list[int] = []
    for start in range(0, len(ids), REPLAY_BATCH):
        batch = ids[start : start + REPLAY_BATCH]
        ok = {lot.id: _reconcile_lot(lot).ok for lot in _load(session, batch)}
        kept += [i for i in batch if ok[i] is reconciles]
    return kept


def _load(session: Session, ids: list[int]) -> list[Lot]:
    if not ids:
        return []
    query = (
        select(Lot)
        .where(Lot.id.in_(ids))
        .options(selectinload(Lot.lines), selectinload(Lot.events), selectinload(Lot.certificates))
    )
    return list(session.scalars(query))


def _replay(lot: Lot, *, strict: bool = True) -> Ledger:
    lines = {str(line.id): line.units_seized for line in lot.lines}
    ledger = Ledger.seized(lines)
    seized = [e for e in lot.events if e.kind == "seized"]
    if strict and seized and seized[0].lines != lines:
        raise InvalidInput("the seizure event does not match the lot's lines")
    if not strict and seized:
        ledger = Ledger.seized({k: int(v) for k, v in seized[0].lines.items()})
        for key, units in lines.items():
            if key not in ledger.lines or ledger.lines[key].seized != units:
                ledger.stock_differences.append(f"line {key}: {units} units on the lot's line")
    for event in lot.events:
        if event.kind != "seized":
            ledger.apply(event.kind, event.lines)
    return ledger


def _add_event(
    session: Session,
    actor: Actor,
    lot: Lot,
    kind: str,
    on: date,
    units: dict[str, int],
    **values: Any,
) -> CustodyEvent:
    event = CustodyEvent(kind=kind, on=on, lines=dict(units), actor_label=actor.label, **values)
    lot.events.append(event)
    ledger = _replay(lot)
    lot.status = ledger.status
    session.flush()
    detail = {"lot": lot.reference, "kind": kind, "on": str(on), "units": dict(units)}
    detail.update({k: v for k, v in values.items() if v})
    audit.record(
        session,
        actor=actor,
        action=f"custody.{kind}",
        object_type="custody_lot",
        object_id=str(lot.id),
        detail=detail,
    )
    return event


def _require(actor: Actor, permission: str) -> None:
    if not actor.can(permission):
        raise Forbidden("only customs handle seized goods")
