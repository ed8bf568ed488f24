"""Every figure of the brand-protection report, each from stored facts by one documented query.

A `Scope` is a period `[start, end)` in UTC and, optionally, the brands the figures are confined
to (None: the whole marketplace). Each function below computes exactly one figure; its docstring
is the definition printed in the report's notes. Functions read other domains' tables but never
write them: this module is the report's read model.
"""

from __future__ import annotations

import statistics
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import and_, case, exists, func, or_, select
from sqlalchemy.orm import Session

from guetteur.actors.models import NetworkMember
from guetteur.custody.models import CustodyEvent, Lot, LotLine
from guetteur.customs.models import Declaration, Detention, Inspection, Selection
from guetteur.detection.models import DetectionDecision
from guetteur.marketplace.models import Listing, Notice, Seller, Verdict

TOP_N = 5


@dataclass(frozen=True)
class Scope:
    """The period `[start, end)` (UTC) and the brands figures are confined to (None: all)."""

    start: datetime
    end: datetime
    brand_ids: tuple[str, ...] | None = None

    def brands(self, column: Any) -> Any:
        """A condition confining `column` (a brand id column) to the scope's brands."""
        if self.brand_ids is None:
            return True
        return column.in_(self.brand_ids)

    def during(self, column: Any) -> Any:
        return and_(column >= self.start, column < self.end)


def _latest_verdicts() -> Any:
    latest = (
        select(Verdict.listing_id, func.max(Verdict.decided_at).label("at"))
        .group_by(Verdict.listing_id)
        .subquery()
    )
    return (
        select(Verdict.listing_id, Verdict.verdict, Verdict.decided_at)
        .join(
            latest,
            and_(Verdict.listing_id == latest.c.listing_id, Verdict.decided_at == latest.c.at),
        )
        .subquery()
    )


def _confirmed(scope: Scope, verdict: str = "counterfeit") -> Any:
    """Listings whose latest verdict is `verdict` and was decided in the period."""
    latest = _latest_verdicts()
    return (
        select(Listing.id)
        .join(latest, latest.c.listing_id == Listing.id)
        .where(latest.c.verdict == verdict, scope.during(latest.c.decided_at))
        .where(scope.brands(Listing.brand_id))
    )


def confirmed_counterfeit(session: Session, scope: Scope) -> int:
    """Listings confirmed counterfeit: the latest verdict on the listing (review, notice, test
    purchase or seizure) says `counterfeit` and was decided in the period."""
    query = select(func.count(func.distinct(Listing.id))).where(Listing.id.in_(_confirmed(scope)))
    return int(session.scalar(query) or 0)


def proactive(session: Session, scope: Scope) -> int:
    """Of the listings confirmed counterfeit, those stopped before any brand had to report
    them: no brand notice on the listing found it not yet blocked (`Notice.listing_was_blocked`
    is true on every notice, or there is no notice at all)."""
    reported_live = exists().where(
        Notice.listing_id == Listing.id,
        or_(Notice.listing_was_blocked.is_(False), Notice.listing_was_blocked.is_(None)),
    )
    query = select(func.count(func.distinct(Listing.id))).where(
        Listing.id.in_(_confirmed(scope)), ~reported_live
    )
    return int(session.scalar(query) or 0)


def confirmed_genuine(session: Session, scope: Scope) -> int:
    """Listings confirmed genuine: the latest verdict on the listing says `genuine` and was
    decided in the period."""
    query = select(func.count(func.distinct(Listing.id))).where(
        Listing.id.in_(_confirmed(scope, "genuine"))
    )
    return int(session.scalar(query) or 0)


def false_blocks(session: Session, scope: Scope) -> int:
    """Of the listings confirmed genuine, those the detector blocked at submission or edit (a
    stored detection decision `block` on the listing)."""
    blocked = exists().where(
        DetectionDecision.listing_id == Listing.id, DetectionDecision.decision == "block"
    )
    query = select(func.count(func.distinct(Listing.id))).where(
        Listing.id.in_(_confirmed(scope, "genuine")), blocked
    )
    return int(session.scalar(query) or 0)


def listings_blocked(session: Session, scope: Scope) -> int:
    """Listings submitted in the period that are now blocked or removed (`Listing.status`)."""
    query = select(func.count(Listing.id)).where(
        scope.during(Listing.created_at),
        Listing.status.in_(("blocked", "removed")),
        scope.brands(Listing.brand_id),
    )
    return int(session.scalar(query) or 0)


def notices_received(session: Session, scope: Scope) -> int:
    """Brand notices submitted in the period."""
    query = select(func.count(Notice.id)).where(
        scope.during(Notice.submitted_at), scope.brands(Notice.brand_id)
    )
    return int(session.scalar(query) or 0)


def notices_valid(session: Session, scope: Scope) -> int:
    """Of the notices submitted in the period, those whose listing's latest verdict (whenever
    decided) is `counterfeit`."""
    latest = _latest_verdicts()
    query = (
        select(func.count(Notice.id))
        .join(latest, latest.c.listing_id == Notice.listing_id)
        .where(scope.during(Notice.submitted_at), scope.brands(Notice.brand_id))
        .where(latest.c.verdict == "counterfeit")
    )
    return int(session.scalar(query) or 0)


def time_to_action_hours(session: Session, scope: Scope) -> float | None:
    """Median hours from a notice submitted in the period to the action on it: the takedown of
    its listing by the notice flow (`Notice.actioned_at`) or, for a notice without one (imported,
    or on a listing no longer live), the first verdict on its listing decided at or after the
    notice (notices with neither are left out)."""
    first = func.min(Verdict.decided_at)
    query = (
        select(Notice.submitted_at, Notice.actioned_at, first)
        .outerjoin(
            Verdict,
            and_(
                Verdict.listing_id == Notice.listing_id, Verdict.decided_at >= Notice.submitted_at
            ),
        )
        .where(scope.during(Notice.submitted_at), scope.brands(Notice.brand_id))
        .group_by(Notice.id, Notice.submitted_at, Notice.actioned_at)
    )
    hours = [
        ((actioned or verdict) - sent).total_seconds() / 3600
        for sent, actioned, verdict in session.execute(query)
        if actioned or verdict
    ]
    return round(statistics.median(hours), 1) if hours else None


def accounts_suspended(session: Session, scope: Scope) -> int:
    """Seller accounts whose status is no longer `active` and that changed in the period (for a
    brand: sellers that listed one of its brands)."""
    query = select(func.count(Seller.id)).where(
        Seller.status != "active", scope.during(Seller.updated_at)
    )
    if scope.brand_ids is not None:
        query = query.where(
            exists().where(Listing.seller_id == Seller.id, scope.brands(Listing.brand_id))
        )
    return int(session.scalar(query) or 0)


def networks_dismantled(session: Session, scope: Scope) -> int:
    """Networks every seller account of which is no longer `active`, the last of them changed
    in the period (for a brand: networks with a seller that listed one of its brands)."""
    closed = func.sum(case((Seller.status != "active", 1), else_=0))
    query = (
        select(NetworkMember.network_id, func.count(Seller.id), closed, func.max(Seller.updated_at))
        .join(Seller, Seller.id == NetworkMember.member_id)
        .where(NetworkMember.kind == "seller")
        .group_by(NetworkMember.network_id)
    )
    if scope.brand_ids is not None:
        query = query.where(
            NetworkMember.network_id.in_(
                select(NetworkMember.network_id)
                .join(Listing, Listing.seller_id == NetworkMember.member_id)
                .where(scope.brands(Listing.brand_id))
            )
        )
    rows = session.execute(query)
    return sum(
        1
        for _net, members, down, last in rows
        if members and int(down or 0) == members and scope.start <= last < scope.end
    )


def _declaration_brands(scope: Scope) -> Any:
    return select(Inspection.declaration_id).where(scope.brands(Inspection.brand_id))


def declarations_targeted(session: Session, scope: Scope) -> int:
    """Declarations selected for inspection by a targeting run, for a day in the period (for a
    brand: those whose inspection found its goods)."""
    query = select(func.count(func.distinct(Selection.declaration_id))).where(
        Selection.selected.is_(True),
        Selection.day >= scope.start.date(),
        Selection.day < scope.end.date(),
    )
    if scope.brand_ids is not None:
        query = query.where(Selection.declaration_id.in_(_declaration_brands(scope)))
    return int(session.scalar(query) or 0)


def ipr_inspections(session: Session, scope: Scope) -> int:
    """Inspections in the period that found goods suspected of infringing an IP right."""
    query = select(func.count(Inspection.id)).where(
        Inspection.outcome == "ipr_suspected",
        scope.during(Inspection.inspected_at),
        scope.brands(Inspection.brand_id),
    )
    return int(session.scalar(query) or 0)


def detentions(session: Session, scope: Scope) -> int:
    """Detentions (608/2013) of goods detained on a day in the period."""
    query = select(func.count(Detention.id)).where(
        Detention.detained_on >= scope.start.date(),
        Detention.detained_on < scope.end.date(),
        scope.brands(Detention.brand_id),
    )
    return int(session.scalar(query) or 0)


def units_seized(session: Session, scope: Scope) -> int:
    """Units taken into custody: the lines of lots seized on a day in the period."""
    query = (
        select(func.coalesce(func.sum(LotLine.units_seized), 0))
        .join(Lot, Lot.id == LotLine.lot_id)
        .where(Lot.seized_on >= scope.start.date(), Lot.seized_on < scope.end.date())
        .where(scope.brands(LotLine.brand_id))
    )
    return int(session.scalar(query) or 0)


def _units_out(session: Session, scope: Scope, kind: str) -> int:
    query = (
        select(CustodyEvent.lines, LotLine.id, LotLine.brand_id)
        .join(LotLine, LotLine.lot_id == CustodyEvent.lot_id)
        .where(CustodyEvent.kind == kind)
        .where(CustodyEvent.on >= scope.start.date(), CustodyEvent.on < scope.end.date())
        .where(scope.brands(LotLine.brand_id))
    )
    return sum(int(lines.get(str(line_id), 0)) for lines, line_id, _b in session.execute(query))


def units_destroyed(session: Session, scope: Scope) -> int:
    """Units destroyed: the units of `destroyed` custody events on a day in the period, per lot
    line (certified by a destruction certificate)."""
    return _units_out(session, scope, "destroyed")


def units_recycled(session: Session, scope: Scope) -> int:
    """Units recycled: the units of `recycled` custody events on a day in the period."""
    return _units_out(session, scope, "recycled")


def top_origins(session: Session, scope: Scope) -> list[tuple[str, int]]:
    """Countries the listings confirmed counterfeit in the period ship from, most first."""
    query = (
        select(Listing.ships_from, func.count(Listing.id))
        .where(Listing.id.in_(_confirmed(scope)))
        .group_by(Listing.ships_from)
        .order_by(func.count(Listing.id).desc(), Listing.ships_from)
        .limit(TOP_N)
    )
    return [(str(c), int(n)) for c, n in session.execute(query)]


def top_declaration_origins(session: Session, scope: Scope) -> list[tuple[str, int]]:
    """Origin countries of declarations whose inspection in the period found suspected IP
    infringements, most first."""
    query = (
        select(Declaration.origin_country, func.count(Inspection.id))
        .join(Inspection, Inspection.declaration_id == Declaration.id)
        .where(Inspection.outcome == "ipr_suspected", scope.during(Inspection.inspected_at))
        .where(scope.brands(Inspection.brand_id))
        .group_by(Declaration.origin_country)
        .order_by(func.count(Inspection.id).desc(), Declaration.origin_country)
        .limit(TOP_N)
    )
    return [(str(c), int(n)) for c, n in session.execute(query)]


def top_categories(session: Session, scope: Scope) -> list[tuple[str, int]]:
    """Categories of the listings confirmed counterfeit in the period, most first."""
    query = (
        select(Listing.category, func.count(Listing.id))
        .where(Listing.id.in_(_confirmed(scope)))
        .group_by(Listing.category)
        .order_by(func.count(Listing.id).desc(), Listing.category)
        .limit(TOP_N)
    )
    return [(str(c), int(n)) for c, n in session.execute(query)]


def confirmed_by_month(session: Session, scope: Scope) -> list[tuple[str, int, int]]:
    """Per calendar month of the period: listings confirmed counterfeit, and how many of them
    were proactive (as `proactive` defines it)."""
    latest = _latest_verdicts()
    reported_live = exists().where(
        Notice.listing_id == Listing.id,
        or_(Notice.listing_was_blocked.is_(False), Notice.listing_was_blocked.is_(None)),
    )
    query = (
        select(latest.c.decided_at, ~reported_live)
        .join(Listing, Listing.id == latest.c.listing_id)
        .where(latest.c.verdict == "counterfeit", scope.during(latest.c.decided_at))
        .where(scope.brands(Listing.brand_id))
    )
    months: dict[str, list[int]] = {}
    for at, was_proactive in session.execute(query):
        counts = months.setdefault(at.strftime("%Y-%m"), [0, 0])
        counts[0] += 1
        counts[1] += 1 if was_proactive else 0
    return [(m, c[0], c[1]) for m, c in sorted(months.items())]


FIGURES: dict[str, tuple[str, Callable[[Session, Scope], Any]]] = {
    "confirmed_counterfeit": ("Listings confirmed counterfeit", confirmed_counterfeit),
    "proactive": ("Stopped before any notice", proactive),
    "listings_blocked": ("Listings blocked or removed", listings_blocked),
    "notices_received": ("Notices received", notices_received),
    "notices_valid": ("Notices found valid", notices_valid),
    "time_to_action_hours": ("Median time to action (hours)", time_to_action_hours),
    "accounts_suspended": ("Seller accounts suspended", accounts_suspended),
    "networks_dismantled": ("Networks dismantled", networks_dismantled),
    "declarations_targeted": ("Declarations targeted", declarations_targeted),
    "ipr_inspections": ("Inspections finding IP infringements", ipr_inspections),
    "detentions": ("Detentions", detentions),
    "units_seized": ("Units seized", units_seized),
    "units_destroyed": ("Units destroyed", units_destroyed),
    "units_recycled": ("Units recycled", units_recycled),
}
"""The headline figures, in report order: name -> (label, query)."""
