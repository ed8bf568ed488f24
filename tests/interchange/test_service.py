"""The import on both stores: all-or-nothing per file, every bad line reported, re-import no-op."""

from __future__ import annotations

import json
from pathlib import Path

from sqlalchemy import func, select, update

from guetteur.audit.models import AuditEntry
from guetteur.auth.actor import system_actor
from guetteur.db import transaction
from guetteur.interchange import service
from guetteur.interchange.media import media_path
from guetteur.interchange.models import ImportRun
from guetteur.marketplace.models import Listing, Notice, Seller, Verdict
from guetteur.registry.models import AuthorisedSeller, Brand, BrandImage, Product
from tests.conftest import Store
from tests.interchange.conftest import LISTINGS, NOTICES, SELLERS, VERDICTS, write_jsonl

TABLES = (Brand, BrandImage, AuthorisedSeller, Product, Seller, Listing, Verdict, Notice)
ACTOR = system_actor("test import")


def run(store: Store, folder: Path) -> service.ImportReport:
    with transaction(store.sessions) as session:
        return service.import_dir(session, directory=folder, actor=ACTOR, settings=store.settings)


def counts(store: Store) -> dict[str, int]:
    with store.sessions() as session:
        tables = (*TABLES, AuditEntry, ImportRun)
        return {
            t.__name__: session.scalar(select(func.count()).select_from(t)) or 0 for t in tables
        }


def by_file(report: service.ImportReport) -> dict[str, service.FileReport]:
    return {f.file: f for f in report.files}


def test_a_valid_folder_is_imported_whole(store: Store, world: Path) -> None:
    report = run(store, world)
    assert report.ok, report.errors
    assert [f.kind for f in report.files] == [
        "brands", "products", "sellers", "listings", "verdicts", "notices",
    ]  # fmt: skip
    assert counts(store) | {"AuditEntry": 0} == {
        "Brand": 2, "BrandImage": 1, "AuthorisedSeller": 1, "Product": 2, "Seller": 2,
        "Listing": 3, "Verdict": 2, "Notice": 1, "AuditEntry": 0, "ImportRun": 6,
    }  # fmt: skip
    with store.sessions() as session:
        entries = session.scalars(select(AuditEntry).where(AuditEntry.action == "import.apply"))
        assert sorted(e.object_type for e in entries) == sorted(f.kind for f in report.files)
        listings = {row.id: row for row in session.scalars(select(Listing))}
        assert listings["l-1"].brand_id == "b-acme"  # "acme" matches the name
        assert listings["l-2"].brand_id == "b-acme"  # "  ACME   corp " matches an alias
        assert listings["l-2"].brand_claim == "  ACME   corp "
        assert listings["l-3"].brand_id is None
        assert str(listings["l-2"].price) in ("19.5", "19.5000")
        missing, remote = listings["l-2"].images
        assert missing["problem"] == "file not found" and missing["sha256"] is None
        assert remote["problem"] == "remote URL not fetched"
        digest = listings["l-1"].images[0]["sha256"]
        assert media_path(store.settings, digest).is_file()
        assert session.scalar(select(BrandImage.sha256)) == digest
        assert session.scalar(select(Notice.listing_was_blocked)) is False
    assert by_file(report)["listings.jsonl.gz"].images_flagged == 1


def test_reimport_changes_nothing(store: Store, world: Path) -> None:
    run(store, world)
    before = counts(store)
    with store.sessions() as session:
        stamps = session.execute(select(Listing.id, Listing.updated_at)).all()
    again = run(store, world)
    assert {f.status for f in again.files} == {"unchanged"}
    assert counts(store) == before
    with store.sessions() as session:
        assert session.execute(select(Listing.id, Listing.updated_at)).all() == stamps


def test_a_changed_row_is_updated_and_audited(store: Store, world: Path) -> None:
    run(store, world)
    before = counts(store)
    changed = [{**LISTINGS[0], "price": 99.0}, *LISTINGS[1:]]
    write_jsonl(world / "listings.jsonl", changed, gz=True)
    changed_verdicts = [{**VERDICTS[0], "verdict": "genuine"}, VERDICTS[1]]
    later = {**VERDICTS[0], "decided_at": "2025-04-01T00:00:00Z"}
    write_jsonl(world / "verdicts.jsonl", [*changed_verdicts, later])
    report = by_file(run(store, world))
    assert (report["listings.jsonl.gz"].updated, report["listings.jsonl.gz"].unchanged) == (1, 2)
    verdicts = report["verdicts.jsonl"]
    assert (verdicts.inserted, verdicts.updated, verdicts.unchanged) == (1, 1, 1)
    after = counts(store)
    assert after["AuditEntry"] == before["AuditEntry"] + 2
    assert after["Verdict"] == before["Verdict"] + 1
    with store.sessions() as session:
        assert float(session.get_one(Listing, "l-1").price) == 99.0


def test_a_file_with_bad_lines_is_reported_whole_and_not_applied(store: Store, world: Path) -> None:
    bad = [
        SELLERS[0],
        {**SELLERS[1], "country": "ZZ", "created_at": "2025-02-01 08:30"},
        "not json at all",
        "[1, 2, 3]",
        {**SELLERS[1], "id": "s-3", "kyb_verified": "yes"},
        SELLERS[0],
    ]
    write_jsonl(world / "sellers.jsonl", bad)
    report = run(store, world)
    sellers = by_file(report)["sellers.jsonl"]
    assert sellers.status == "rejected"
    assert [(e.line, e.field) for e in sellers.errors] == [
        (2, "country"), (2, "created_at"), (3, "(line)"), (4, "(line)"),
        (5, "kyb_verified"), (6, "id"),
    ]  # fmt: skip
    assert "already on line 1" in sellers.errors[-1].message
    assert all(e.file == "sellers.jsonl" for e in sellers.errors)
    # nothing of the file is in the store; files that depend on it are rejected in turn
    assert counts(store)["Seller"] == 0
    assert by_file(report)["listings.jsonl.gz"].status == "rejected"
    assert by_file(report)["brands.jsonl"].status == "applied"
    assert not report.ok


def test_unknown_references_name_the_field(store: Store, world: Path) -> None:
    run(store, world)
    notices = [
        {**NOTICES[0], "id": "n-2", "brand_id": "b-nope"},
        {**NOTICES[0], "id": "n-3", "listing_id": "l-nope"},
    ]
    write_jsonl(world / "notices.jsonl", notices)
    write_jsonl(world / "verdicts.jsonl", [{**VERDICTS[0], "listing_id": "l-nope"}])
    report = by_file(run(store, world))
    assert [(e.line, e.field) for e in report["notices.jsonl"].errors] == [
        (1, "brand_id"),
        (2, "listing_id"),
    ]
    assert "unknown brand id 'b-nope'" in str(report["notices.jsonl"].errors[0])
    assert [(e.line, e.field) for e in report["verdicts.jsonl"].errors] == [(1, "listing_id")]


def test_brand_images_must_load_listing_images_need_not(store: Store, world: Path) -> None:
    (world / "images" / "broken.png").write_bytes(b"\x89PNG\r\n\x1a\n not really")
    brand = json.loads((world / "brands.jsonl").read_text().splitlines()[1])
    brand["official_images"] = ["images/broken.png", "../outside.png"]
    write_jsonl(world / "brands.jsonl", [brand])
    listing = {**LISTINGS[2], "images": ["images/broken.png"]}
    write_jsonl(world / "listings.jsonl", [listing], gz=True)
    report = by_file(run(store, world))
    errors = report["brands.jsonl"].errors
    assert [e.field for e in errors] == ["official_images[0]", "official_images[1]"]
    assert "not a readable" in errors[0].message and "leaves the folder" in errors[1].message
    assert report["listings.jsonl.gz"].status == "applied"
    assert report["listings.jsonl.gz"].images_flagged == 1


def test_notice_records_whether_the_listing_was_already_blocked(store: Store, world: Path) -> None:
    (world / "notices.jsonl").unlink()
    run(store, world)
    with transaction(store.sessions) as session:
        session.execute(update(Listing).where(Listing.id == "l-2").values(status="blocked"))
    write_jsonl(world / "notices.jsonl", NOTICES)
    run(store, world)
    with store.sessions() as session:
        assert session.get_one(Notice, "n-1").listing_was_blocked is True


def test_other_kinds_are_skipped_and_progress_is_told(store: Store, world: Path) -> None:
    write_jsonl(world / "manifests.jsonl", [{"id": "d-1"}])
    (world / "notes.txt").write_text("ignored")
    seen: list[tuple[str, str]] = []

    def progress(*, file: str, phase: str, done: int, total: int) -> None:
        assert 0 <= done <= total
        seen.append((file, phase))

    with transaction(store.sessions) as session:
        report = service.import_dir(
            session, directory=world, actor=ACTOR, settings=store.settings, progress=progress
        )
    skipped = by_file(report)["manifests.jsonl"]
    assert (skipped.status, skipped.note) == ("skipped", "not handled yet")
    assert report.ok and ("listings.jsonl.gz", "apply") in seen


def test_import_file_and_two_copies_of_one_kind(store: Store, world: Path) -> None:
    with transaction(store.sessions) as session:
        report = service.import_file(
            session, path=world / "brands.jsonl", actor=ACTOR, settings=store.settings
        )
    assert report.status == "applied" and report.inserted == 2
    write_jsonl(world / "brands.jsonl", [], gz=True)
    planned = {p.path.name: p for p in service.plan(world)}
    assert planned["brands.jsonl"].problem is not None
