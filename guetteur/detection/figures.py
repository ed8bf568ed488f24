"""How well detection protects: the dashboards' proactive-rate figures, from stored facts.

Each figure comes from the report's read model (`guetteur.reports.queries`, one documented query
per figure), confined to the actor's own brands when the actor is a brand organisation:
- proactive rate: of the listings confirmed counterfeit in the period, the share stopped before
  any brand had to report them (`queries.proactive` / `queries.confirmed_counterfeit`);
- false-block rate: of the listings confirmed genuine in the period, the share the detector had
  blocked (`queries.false_blocks` / `queries.confirmed_genuine`);
- notices per thousand listings submitted in the period (`queries.notices_received`, and
  `notice_figures.listings_submitted`);
- time to action: median hours from notice to takedown (`queries.time_to_action_hours`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy.orm import Session

from guetteur.auth.actor import Actor
from guetteur.auth.tenancy import sees_marketplace
from guetteur.clock import as_utc, utcnow
from guetteur.errors import Forbidden
from guetteur.marketplace import notice_figures
from guetteur.reports import queries

RECENT_DAYS = 30
BEGINNING = datetime(1970, 1, 1, tzinfo=UTC)


@dataclass(frozen=True)
class ProactiveFigures:
    """The figures of one period `[start, end)`; a rate is None when its denominator is 0."""

    start: datetime
    end: datetime
    confirmed_counterfeit: int
    proactive_rate: float | None
    confirmed_genuine: int
    false_block_rate: float | None
    notices_per_thousand_listings: float | None
    time_to_action_hours: float | None


def _share(part: int, whole: int) -> float | None:
    return round(100.0 * part / whole, 1) if whole else None


def figures(session: Session, *, actor: Actor, start: datetime, end: datetime) -> ProactiveFigures:
    """The proactive-rate figures of the period, for what the actor may see."""
    if not sees_marketplace(actor):
        raise Forbidden("your organisation has no access to marketplace figures")
    scope = notice_figures.scope_for(actor, start, end)
    fakes = queries.confirmed_counterfeit(session, scope)
    genuine = queries.confirmed_genuine(session, scope)
    listings = notice_figures.listings_submitted(session, scope)
    notices = queries.notices_received(session, scope)
    return ProactiveFigures(
        start=scope.start,
        end=scope.end,
        confirmed_counterfeit=fakes,
        proactive_rate=_share(queries.proactive(session, scope), fakes),
        confirmed_genuine=genuine,
        false_block_rate=_share(queries.false_blocks(session, scope), genuine),
        notices_per_thousand_listings=round(notices * 1000 / listings, 2) if listings else None,
        time_to_action_hours=queries.time_to_action_hours(session, scope),
    )


def recent_and_all_time(
    session: Session, *, actor: Actor, now: datetime | None = None
) -> tuple[ProactiveFigures, ProactiveFigures]:
    """The figures of the last `RECENT_DAYS` days and of all time (up to now)."""
    end = as_utc(now or utcnow())
    recent = figures(session, actor=actor, start=end - timedelta(days=RECENT_DAYS), end=end)
    return recent, figures(session, actor=actor, start=BEGINNING, end=end)
