"""The brand-protection report: the figures of a period against the previous one, with charts."""

from __future__ import annotations

import inspect as pyinspect
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy.orm import Session

from guetteur.auth.actor import Actor
from guetteur.auth.tenancy import brand_scope
from guetteur.clock import utcnow
from guetteur.errors import FieldError, InvalidInput, NotFound
from guetteur.registry import service as registry
from guetteur.reports import charts, queries
from guetteur.reports.queries import Scope

MAX_DAYS = 3660


@dataclass(frozen=True)
class Figure:
    """One headline figure: this period, the previous one, and how it is defined."""

    name: str
    label: str
    value: Any
    previous: Any
    definition: str

    @property
    def change(self) -> str:
        """The change against the previous period, in words ("+12", "−3", "n/a")."""
        if not isinstance(self.value, int | float) or not isinstance(self.previous, int | float):
            return "n/a"
        delta = self.value - self.previous
        if isinstance(delta, float) and not delta.is_integer():
            return f"{delta:+,.1f}"
        return f"{int(delta):+,d}"

    def shown(self, value: Any = ...) -> str:
        """The value (or the given one, e.g. `previous`) as printed; a dash when unknown."""
        value = self.value if value is ... else value
        if value is None:
            return "–"
        if isinstance(value, float):
            return f"{value:,.1f}"
        return f"{value:,}"


@dataclass
class Report:
    """The report of one period, for the whole marketplace or some brands."""

    start: date
    end: date
    previous_start: date
    previous_end: date
    scope_label: str
    brand_ids: tuple[str, ...] | None
    figures: list[Figure]
    proactive_rate: float | None
    previous_proactive_rate: float | None
    valid_notice_rate: float | None
    top_origins: list[tuple[str, int]]
    top_declaration_origins: list[tuple[str, int]]
    top_categories: list[tuple[str, int]]
    monthly: list[tuple[str, int, int]]
    generated_by: str
    generated_at: datetime
    definitions: dict[str, str] = field(default_factory=dict)

    def figure(self, name: str) -> Figure:
        return next(f for f in self.figures if f.name == name)

    def charts(self) -> dict[str, str]:
        """The report's charts as SVG, by name."""
        months = [m for m, _c, _p in self.monthly]
        compare = {
            "notices_received": "notices",
            "confirmed_counterfeit": "confirmed",
            "proactive": "proactive",
            "detentions": "detentions",
        }
        figures = [self.figure(n) for n in compare]
        return {
            "monthly": charts.columns_svg(
                "Confirmed counterfeit listings per month",
                [m[2:] for m in months],
                [
                    ("confirmed", [float(c) for _m, c, _p in self.monthly]),
                    ("stopped before any notice", [float(p) for _m, _c, p in self.monthly]),
                ],
            ),
            "trend": charts.columns_svg(
                "This period against the previous one",
                list(compare.values()),
                [
                    ("this period", [float(f.value or 0) for f in figures]),
                    ("previous", [float(f.previous or 0) for f in figures]),
                ],
            ),
            "origins": charts.bars_svg(
                "Where confirmed counterfeits ship from",
                [(c, float(n)) for c, n in self.top_origins],
            ),
            "categories": charts.bars_svg(
                "Categories of confirmed counterfeits",
                [(c.replace("_", " "), float(n)) for c, n in self.top_categories],
            ),
        }


def percent(value: float | None) -> str:
    """A share as a percentage with one decimal, or a dash."""
    return "–" if value is None else f"{100 * value:.1f} %"


def _share(numerator: Any, denominator: Any) -> float | None:
    return numerator / denominator if denominator else None


def resolve_brands(
    session: Session, *, actor: Actor, brand_id: str | None
) -> tuple[tuple[str, ...] | None, str]:
    """The brands the report is confined to and its scope in words (tenancy applies)."""
    scope = brand_scope(actor)
    if brand_id:
        if scope is not None and brand_id not in scope:
            raise NotFound(f"brand {brand_id!r} not found")
        brand = registry.get_brand(session, actor=actor, brand_id=brand_id)
        return (brand.id,), f"brand {brand.name}"
    if scope is not None:
        ids = tuple(sorted(scope))
        return ids, "brands " + ", ".join(ids) if ids else "no brand"
    return None, "whole marketplace"


def period(start: date, end: date) -> tuple[date, date]:
    """The previous period: as long as [start, end] and ending the day before it starts."""
    if end < start:
        raise InvalidInput(
            "the period ends before it starts", [FieldError(field="to", message="before --from")]
        )
    if (end - start).days > MAX_DAYS:
        raise InvalidInput("the period is too long", [FieldError(field="to", message="10 years")])
    length = end - start + timedelta(days=1)
    return start - length, start - timedelta(days=1)


def _scope(start: date, end: date, brand_ids: tuple[str, ...] | None) -> Scope:
    begin = datetime.combine(start, time(0), tzinfo=UTC)
    stop = datetime.combine(end + timedelta(days=1), time(0), tzinfo=UTC)
    return Scope(begin, stop, brand_ids)


def build(
    session: Session,
    *,
    actor: Actor,
    start: date,
    end: date,
    brand_id: str | None = None,
    now: datetime | None = None,
) -> Report:
    """The report for [start, end] (whole days, UTC), whole marketplace or one brand."""
    previous_start, previous_end = period(start, end)
    brand_ids, label = resolve_brands(session, actor=actor, brand_id=brand_id)
    current = _scope(start, end, brand_ids)
    previous = _scope(previous_start, previous_end, brand_ids)
    figures = [
        Figure(name, text, query(session, current), query(session, previous), _doc(query))
        for name, (text, query) in queries.FIGURES.items()
    ]
    values = {f.name: f for f in figures}
    confirmed, proactive = values["confirmed_counterfeit"], values["proactive"]
    return Report(
        start=start,
        end=end,
        previous_start=previous_start,
        previous_end=previous_end,
        scope_label=label,
        brand_ids=brand_ids,
        figures=figures,
        proactive_rate=_share(proactive.value, confirmed.value),
        previous_proactive_rate=_share(proactive.previous, confirmed.previous),
        valid_notice_rate=_share(values["notices_valid"].value, values["notices_received"].value),
        top_origins=queries.top_origins(session, current),
        top_declaration_origins=queries.top_declaration_origins(session, current),
        top_categories=queries.top_categories(session, current),
        monthly=queries.confirmed_by_month(session, current),
        generated_by=actor.label,
        generated_at=now or utcnow(),
        definitions={
            "proactive rate": "stopped before any notice ÷ listings confirmed counterfeit",
            "top origins": _doc(queries.top_origins),
            "top categories": _doc(queries.top_categories),
            "declaration origins": _doc(queries.top_declaration_origins),
        },
    )


def _doc(function: Any) -> str:
    return " ".join((pyinspect.getdoc(function) or "").split())
