"""The case, notice, detention and report pages through the HTML forms (CSRF included)."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from guetteur.cases.models import Case
from guetteur.customs.models import Detention
from guetteur.marketplace.models import Listing, Notice
from tests.cases.conftest import CaseWorld
from tests.conftest import Store
from tests.web.helpers import log_in


def test_brand_files_a_notice_and_the_listing_is_taken_down(
    store: Store, case_world: CaseWorld, client: TestClient
) -> None:
    csrf = log_in(client, case_world.tenants.users["brand_a"].email)
    page = client.get("/listings/l-a")
    assert "File a notice" in page.text
    assert client.get("/listings/l-b/notice").status_code == 404
    bad = client.post("/listings/l-a/notice", data={"csrf_token": csrf, "reason": "nonsense"})
    assert bad.status_code == 422 and "reason" in bad.text
    sent = client.post(
        "/listings/l-a/notice",
        data={
            "csrf_token": csrf,
            "reason": "counterfeit",
            "details": "fake logo",
            "good_faith": "on",
        },
        follow_redirects=False,
    )
    assert sent.status_code == 303
    with store.sessions() as session:
        notice = session.query(Notice).filter_by(listing_id="l-a").one()
        assert notice.listing_was_blocked is False and notice.details == "fake logo"
        assert session.get(Listing, "l-a").status == "removed"  # type: ignore[union-attr]


def test_investigator_works_a_case_and_exports_the_dossier(
    store: Store, case_world: CaseWorld, client: TestClient
) -> None:
    csrf = log_in(client, case_world.tenants.users["investigator"].email)
    assert "No case shared" in client.get("/cases").text
    missing = client.post(
        "/cases",
        data={"csrf_token": csrf, "title": "x", "origin_kind": "seller", "origin_ref": "nobody"},
    )
    assert missing.status_code == 422 and "nobody" in missing.text
    opened = client.post(
        "/cases",
        data={"csrf_token": csrf, "title": "Ring", "origin_kind": "seller", "origin_ref": "s-a"},
        follow_redirects=False,
    )
    url = opened.headers["location"]
    steps = [
        ("subjects", {"kind": "detention", "ref": str(case_world.detention_id)}),
        ("notes", {"body": "two shops, one phone"}),
        ("tasks", {"title": "test buy", "owner": "me", "due_on": "2025-05-01"}),
        ("snapshots", {"subject": f"detention:{case_world.detention_id}"}),
    ]
    for path, data in steps:
        response = client.post(f"{url}/{path}", data={"csrf_token": csrf, **data})
        assert response.status_code == 200, (path, response.text[:500])
    upload = client.post(
        f"{url}/evidence",
        data={"csrf_token": csrf, "kind": "photo", "title": "Parcel photo"},
        files={"file": ("parcel.jpg", b"jpeg bytes", "image/jpeg")},
    )
    assert upload.status_code == 200
    page = client.get(url).text
    assert "two shops, one phone" in page and "Parcel photo" in page and "seizure" in page
    dossier = client.get(f"{url}/dossier.pdf")
    assert dossier.status_code == 200 and dossier.content.startswith(b"%PDF")
    closed = client.post(
        f"{url}/close", data={"csrf_token": csrf, "kinds": ["referral"], "referral_to": "DA"}
    )
    assert closed.status_code == 200 and "referral" in closed.text
    with store.sessions() as session:
        assert session.query(Case).one().status == "closed"
    assert client.post(f"{url}/notes", data={"csrf_token": csrf, "body": "x"}).status_code == 422


def test_officer_takes_a_detention_to_destruction_through_the_forms(
    store: Store, case_world: CaseWorld, client: TestClient, session: Session
) -> None:
    csrf = log_in(client, case_world.tenants.users["officer"].email)
    with store.sessions() as s:
        row = s.get(Detention, case_world.detention_id)
        assert row is not None
        row.lot_id = None  # the fixture's lot is unrelated to this journey
        s.commit()
    url = f"/customs/detentions/{case_world.detention_id}"
    on = "2025-03-04"
    for step in ("notify", "confirm", "holder_agrees"):
        r = client.post(f"{url}/steps", data={"csrf_token": csrf, "step": step, "on": on})
        assert r.status_code == 200, (step, r.text[:300])
    wrong = client.post(f"{url}/steps", data={"csrf_token": csrf, "step": "notify", "on": on})
    assert wrong.status_code == 422 and "expected" in wrong.text
    kept = client.post(
        f"{url}/custody", data={"csrf_token": csrf, "on": on}, follow_redirects=False
    )
    lot_url = kept.headers["location"]
    certified = client.post(
        f"{lot_url}/destruction",
        data={"csrf_token": csrf, "contractor": "Burn SA", "method": "incineration", "on": on},
        files={"document": ("certificate.pdf", b"%PDF certificate", "application/pdf")},
    )
    assert certified.status_code == 200 and "units reconcile" in certified.text
    done = client.post(f"{url}/steps", data={"csrf_token": csrf, "step": "destroy", "on": on})
    assert done.status_code == 200 and "destroyed" in done.text


def test_report_page_and_exports(case_world: CaseWorld, client: TestClient) -> None:
    log_in(client, case_world.tenants.users["brand_a"].email)
    page = client.get("/reports?start=2025-01-01&end=2025-12-31")
    assert page.status_code == 200 and "Proactive rate" in page.text and "<svg" in page.text
    assert client.get("/reports?start=2025-01-01&end=2025-12-31&brand_id=zenith").status_code == 404
    pdf = client.get("/reports.pdf?start=2025-01-01&end=2025-12-31")
    assert pdf.content.startswith(b"%PDF")
    bad = client.get("/reports?start=2025-12-31&end=2025-01-01")
    assert "ends before it starts" in bad.text
