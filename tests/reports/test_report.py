"""The brand-protection report: figures recomputed from raw rows, tenancy, PDF and HTML text."""

from __future__ import annotations

import io
import statistics
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
from pypdf import PdfReader
from sqlalchemy.orm import Session

from guetteur.auth import service as auth
from guetteur.auth.actor import system_actor
from guetteur.custody import service as custody
from guetteur.customs import detention as proc
from guetteur.errors import InvalidInput, NotFound
from guetteur.marketplace.models import Listing, Notice, Verdict
from guetteur.reports import html, pdf, report
from tests.conftest import Factory, TenantWorld

START, END = date(2025, 3, 1), date(2025, 3, 31)


def _at(day: int, hour: int = 12) -> datetime:
    return datetime(2025, 3, day, hour, tzinfo=UTC)


@pytest.fixture
def facts(session: Session, factory: Factory, tenants: TenantWorld) -> TenantWorld:
    """Listings with verdicts and notices in March 2025, and a destroyed lot for acme."""
    seller = tenants.seller_a
    rows = [  # id, brand, verdict, notice hours after created (None: no notice), blocked first
        ("p1", tenants.brand_a, "counterfeit", None, False),
        ("p2", tenants.brand_a, "counterfeit", 5, True),
        ("p3", tenants.brand_a, "counterfeit", 10, False),
        ("p4", tenants.brand_b, "counterfeit", None, False),
        ("p5", tenants.brand_b, "genuine", 3, False),
    ]
    for i, (lid, brand, verdict, notice_after, blocked) in enumerate(rows, start=1):
        listing = factory.listing(
            lid,
            seller,
            brand,
            created_at=_at(i),
            status="blocked" if blocked else "live",
            ships_from="TR" if i % 2 else "HK",
            category="bags",
        )
        if notice_after is not None:
            session.add(
                Notice(
                    id=f"n-{lid}",
                    brand_id=brand.id,
                    listing_id=listing.id,
                    reason="counterfeit",
                    submitted_at=_at(i) + timedelta(hours=notice_after),
                    listing_was_blocked=blocked,
                )
            )
        session.add(
            Verdict(
                listing_id=listing.id,
                verdict=verdict,
                source="review",
                decided_at=_at(i) + timedelta(hours=20),
            )
        )
    system = system_actor("test")
    detention = proc.detain(
        session, actor=system, office="FR000001", on=date(2025, 3, 10), units=30, brand_id="acme"
    )
    lot = custody.create_lot(
        session,
        actor=system,
        office="FR000001",
        storage_location="s",
        seized_on=date(2025, 3, 11),
        detention_id=detention.id,
        lines=[custody.LineCreate(brand_id="acme", units=30)],
    )
    line = str(lot.lines[0].id)
    custody.record(
        session,
        actor=system,
        lot_id=lot.id,
        kind="handed_to_contractor",
        on=date(2025, 3, 12),
        units={line: 30},
        contractor="Burn SA",
    )
    custody.certify_destruction(
        session,
        actor=system,
        lot_id=lot.id,
        units={line: 25},
        certificate=custody.CertificateCreate(
            contractor="Burn SA",
            method="incineration",
            on=date(2025, 3, 13),
            units=25,
            weight_kg=Decimal("12.5"),
            document_sha256="a" * 64,
        ),
    )
    factory.commit()
    return tenants


def test_figures_match_the_raw_rows(session: Session, facts: TenantWorld) -> None:
    built = report.build(session, actor=system_actor("t"), start=START, end=END)
    value = {f.name: f.value for f in built.figures}
    listings = {row.id: row for row in session.query(Listing)}
    verdicts = list(session.query(Verdict))
    notices = list(session.query(Notice))
    in_march = [v for v in verdicts if START <= v.decided_at.date() <= END]
    confirmed = {v.listing_id for v in in_march if v.verdict == "counterfeit"}
    reported_live = {n.listing_id for n in notices if not n.listing_was_blocked}
    assert value["confirmed_counterfeit"] == len(confirmed) == 5  # with the fixture's l-b
    assert value["proactive"] == len(confirmed - reported_live) == 3  # p1, p2, p4
    assert built.proactive_rate == pytest.approx(3 / 5)
    march_notices = [n for n in notices if START <= n.submitted_at.date() <= END]
    assert value["notices_received"] == len(march_notices) == 4  # the fixture's n-b is March 2
    hours = sorted(
        (
            min(
                v.decided_at
                for v in verdicts
                if v.listing_id == n.listing_id and v.decided_at >= n.submitted_at
            )
            - n.submitted_at
        ).total_seconds()
        / 3600
        for n in march_notices
        if any(v.listing_id == n.listing_id and v.decided_at >= n.submitted_at for v in verdicts)
    )
    assert value["time_to_action_hours"] == round(statistics.median(hours), 1)
    blocked = [
        x
        for x in listings.values()
        if x.status in ("blocked", "removed") and START <= x.created_at.date() <= END
    ]
    assert value["listings_blocked"] == len(blocked) == 1
    assert value["detentions"] == 1 and value["units_seized"] == 30
    assert value["units_destroyed"] == 25 and value["units_recycled"] == 0
    assert built.top_origins[0][1] >= built.top_origins[-1][1]


def test_brand_sees_only_its_own_figures(session: Session, facts: TenantWorld) -> None:
    actor = auth.actor_for_user(session, user=facts.users["brand_a"])
    built = report.build(session, actor=actor, start=START, end=END)
    value = {f.name: f.value for f in built.figures}
    assert value["confirmed_counterfeit"] == 3 and value["proactive"] == 2
    assert value["notices_received"] == 2
    with pytest.raises(NotFound):
        report.build(session, actor=actor, start=START, end=END, brand_id=facts.brand_b.id)
    with pytest.raises(InvalidInput):
        report.build(session, actor=actor, start=END, end=START)


def test_pdf_and_html_show_the_stored_figures(session: Session, facts: TenantWorld) -> None:
    built = report.build(session, actor=system_actor("t"), start=START, end=END)
    reader = PdfReader(io.BytesIO(pdf.report_pdf(built)))
    text = "\n".join(page.extract_text() for page in reader.pages)
    assert "Brand-protection report" in text and "2025-03-01 to 2025-03-31" in text
    assert "Proactive rate 60.0 %" in text
    for figure in built.figures:
        line = f"{figure.label} {figure.shown()} {figure.shown(figure.previous)} {figure.change}"
        assert pdf.latin1(line) in text, figure
    page = html.report_html(built)
    assert "<svg" in page and "<script" not in page and "60.0 %" in page
    assert "Units destroyed" in page
