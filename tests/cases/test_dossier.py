"""The referral dossier: its text against the stored facts, and the same bytes when regenerated."""

from __future__ import annotations

import io

from pypdf import PdfReader
from sqlalchemy.orm import Session

from guetteur.cases import dossier, service
from tests.cases.conftest import CaseWorld


def pdf_text(content: bytes) -> str:
    """The text of a PDF (pypdf, pure Python)."""
    reader = PdfReader(io.BytesIO(content))
    return "\n".join(page.extract_text() for page in reader.pages)


def test_dossier_shows_actors_links_chronology_evidence_and_custody(
    session: Session, case_world: CaseWorld
) -> None:
    analyst = case_world.actors["analyst"]
    case = service.open_case(
        session,
        actor=analyst,
        title="Alpha ring",
        origin_kind="network",
        origin_ref="N-test",
        summary="Two shops, one phone.",
    )
    service.add_subject(
        session, actor=analyst, case_id=case.id, kind="detention", ref=str(case_world.detention_id)
    )
    item = service.add_evidence(
        session,
        actor=analyst,
        case_id=case.id,
        kind="test_purchase",
        title="Runner bought",
        content=b"receipt",
        order_reference="ORD-1",
    )
    first = dossier.build(session, actor=analyst, case_id=case.id)
    text = pdf_text(first)
    for expected in (
        f"Referral dossier {case.reference}",
        "Alpha ring",
        "Two shops, one phone.",
        "s-a2",
        "Alpha Twin",
        "phone",
        item.sha256[:40],
        "Chronology",
        "Seizures and custody",
        f"#{case_world.detention_id}",
        "40",
        "Statement",
        analyst.label,
    ):
        assert expected in text.replace("\n", ""), expected
    assert dossier.build(session, actor=analyst, case_id=case.id) == first


def test_restricted_participant_sees_masked_identifiers(
    session: Session, case_world: CaseWorld
) -> None:
    analyst = case_world.actors["analyst"]
    case = service.open_case(
        session, actor=analyst, title="Ring", origin_kind="network", origin_ref="N-test"
    )
    links = dossier.shared_identifiers(
        [case_world.tenants.seller_a, session.get(type(case_world.tenants.seller_a), "s-a2")],
        full=False,
    )
    assert {x.kind for x in links} == {"phone", "bank_account"}
    assert all(case_world.tenants.seller_a.bank_account not in x.value for x in links)
    svg = dossier.network_svg(["s-a", "s-a2"], links)
    assert svg.startswith("<svg") and "s-a2" in svg
    assert case.reference
