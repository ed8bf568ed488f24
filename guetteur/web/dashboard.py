"""The dashboard: for each role, the counts that matter to it."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy.orm import Session

from guetteur.audit import service as audit
from guetteur.auth import permissions as perms
from guetteur.auth import service as auth
from guetteur.auth.actor import Actor
from guetteur.auth.tenancy import sees_marketplace, sees_seller_personal_data
from guetteur.clock import utcnow
from guetteur.detection import figures as detection_figures
from guetteur.marketplace import notice_figures
from guetteur.marketplace import service as marketplace
from guetteur.registry import service as registry


@dataclass
class Figure:
    label: str
    value: int | float | None  # None: not available yet
    href: str | None = None


@dataclass
class Panel:
    title: str
    figures: list[Figure] = field(default_factory=list)
    note: str | None = None
    placeholder: bool = False


def panels_for(session: Session, *, actor: Actor) -> list[Panel]:
    """The dashboard panels for this actor's organisation and role."""
    panels: list[Panel] = []
    if actor.organisation_kind == "brand":
        panels.append(_brand_registry(session, actor))
    if sees_marketplace(actor):
        panels.extend(_marketplace(session, actor))
    if sees_seller_personal_data(actor):
        panels.append(_sellers(session, actor))
    if actor.can(perms.CUSTOMS_READ):
        panels.extend(_customs(session, actor))
    if actor.can(perms.USERS_MANAGE) or actor.can(perms.AUDIT_READ):
        panels.append(_administration(session, actor))
    return panels


def _brand_registry(session: Session, actor: Actor) -> Panel:
    brands = registry.count_brands(session, actor=actor)
    return Panel("Your brands", [Figure("Brands you own", brands, "/brands")])


def _marketplace(session: Session, actor: Actor) -> list[Panel]:
    own = actor.organisation_kind == "brand"
    statuses = marketplace.listing_counts_by_status(session, actor=actor)
    listings = Panel(
        "Listings of your brands" if own else "Listings",
        [
            Figure(status.capitalize(), statuses[status], f"/listings?status={status}")
            for status in ("live", "held", "blocked", "removed")
        ],
    )
    notices = Panel(
        "Your notices" if own else "Brand notices",
        [
            Figure(
                "Open (listing still live)",
                marketplace.count_notices(session, actor=actor, open_only=True),
            ),
            Figure("All notices", marketplace.count_notices(session, actor=actor)),
        ],
    )
    verdicts = marketplace.verdict_counts(session, actor=actor)
    labels = Panel(
        "Verdicts",
        [Figure(v.capitalize(), n) for v, n in verdicts.items()],
        note="Confirmed outcomes the detector learns from.",
    )
    return [listings, notices, _notice_figures(session, actor), *_proactive(session, actor), labels]


def _proactive(session: Session, actor: Actor) -> list[Panel]:
    note = "Of your brands only. " if actor.organisation_kind == "brand" else ""
    recent, ever = detection_figures.recent_and_all_time(session, actor=actor)
    titles = (f"Detection, last {detection_figures.RECENT_DAYS} days", "Detection, all time")
    return [
        Panel(
            title,
            [
                Figure("Proactive rate (%)", found.proactive_rate),
                Figure("False-block rate among genuine (%)", found.false_block_rate),
                Figure("Notices per thousand listings", found.notices_per_thousand_listings),
                Figure("Median hours from notice to action", found.time_to_action_hours),
            ],
            note=f"{note}Of {found.confirmed_counterfeit} listings confirmed counterfeit and "
            f"{found.confirmed_genuine} confirmed genuine.",
        )
        for title, found in zip(titles, (recent, ever), strict=True)
    ]


def _notice_figures(session: Session, actor: Actor) -> Panel:
    found = notice_figures.figures(session, actor=actor)
    days = notice_figures.DASHBOARD_DAYS
    return Panel(
        f"Notices, last {days} days",
        [
            Figure(
                "Notices", found.notices, "/notices" if actor.can(perms.NOTICES_HANDLE) else None
            ),
            Figure("Per thousand listings", found.per_thousand_listings),
            Figure("Median hours from notice to action", found.time_to_action_hours),
        ],
        note="Of your brands only." if actor.organisation_kind == "brand" else None,
    )


def _sellers(session: Session, actor: Actor) -> Panel:
    note = None
    if actor.organisation_kind != "marketplace":
        note = "Sellers' identifiers belong to the marketplace: every detail you open is audited."
    return Panel(
        "Sellers",
        [Figure("Seller accounts", marketplace.count_sellers(session, actor=actor), "/sellers")],
        note=note,
    )


def _customs(session: Session, actor: Actor) -> list[Panel]:
    from guetteur.custody import service as custody
    from guetteur.customs import service as customs

    totals = customs.counts(session, actor=actor, today=utcnow().date())
    border = Panel(
        "Border",
        [
            Figure("Declarations", totals["declarations"]),
            Figure("Inspections recorded", totals["inspections"]),
            Figure("Selected in the latest run", totals["selected_in_latest_run"], "/customs"),
        ],
        note=None if totals["runs"] else "No targeting run yet: `guetteur target --out FILE`.",
    )
    detentions = Panel(
        "Detentions (608/2013)",
        [
            Figure("Open", totals["open_detentions"], "/customs/detentions"),
            Figure("Due today", totals["detentions_today"], "/customs/detentions?due=today"),
            Figure("Overdue", totals["detentions_overdue"], "/customs/detentions?due=overdue"),
        ],
    )
    lots = Panel(
        "Custody",
        [
            Figure(
                "Lots in store",
                custody.count_lots(session, actor=actor, status="in_store"),
                "/custody?status=in_store",
            ),
            Figure(
                "Lots that do not reconcile",
                custody.count_lots(session, actor=actor, reconciles=False),
                "/custody?reconciles=no",
            ),
        ],
    )
    return [border, detentions, lots]


def _administration(session: Session, actor: Actor) -> Panel:
    figures = [
        Figure("Users", auth.count_users(session)),
        Figure("Active API tokens", auth.count_tokens(session)),
    ]
    if actor.can(perms.AUDIT_READ):
        figures.append(Figure("Audit entries", audit.count(session), "/admin/audit"))
    return Panel("Administration", figures)
