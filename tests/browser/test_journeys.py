"""Each role's main journey in the system Chromium, on the demo world, with screenshots."""

from __future__ import annotations

import io
import re
from typing import Any

import pytest
from pypdf import PdfReader

from tests.browser.conftest import DemoNode, log_in, shot

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.xdist_group("browser")]


def test_brand_manager_files_a_notice_and_reads_its_report(page: Any, demo_node: DemoNode) -> None:
    log_in(page, demo_node.brand_manager)
    page.get_by_role("link", name="Listings", exact=True).click()
    page.get_by_placeholder("title or id").fill("")
    page.get_by_role("combobox").select_option("live")
    page.get_by_role("button", name="Search").click()
    page.locator("table tbody tr td a").first.click()
    listing_url = page.url
    page.get_by_role("link", name="File a notice").click()
    page.get_by_label("Reason").select_option("counterfeit")
    page.get_by_label("Details for the marketplace").fill("Fake logo and a price far too low.")
    page.get_by_label("I state in good faith").check()
    shot(page, "brand-notice-form")
    page.get_by_role("button", name="File the notice").click()
    page.wait_for_url(re.compile(r".*notice=N-.*"))
    assert page.get_by_role("status").inner_text().startswith("Notice N-")
    assert "removed" in page.get_by_role("status").inner_text()
    shot(page, "brand-notice-filed")
    assert page.url.startswith(listing_url)
    page.get_by_role("link", name="Reports", exact=True).click()
    page.get_by_label("From", exact=True).fill("2025-01-01")
    page.get_by_label("To", exact=True).fill("2025-12-31")
    page.get_by_role("button", name="Show").click()
    assert page.get_by_text("Proactive rate").first.is_visible()
    assert page.locator("figure.chart svg").count() == 4
    shot(page, "brand-report")
    with page.expect_download() as download:
        page.get_by_role("link", name="Download PDF").click()
    text = _pdf_text(download.value.path())
    assert "Brand-protection report" in text and "Notices received" in text


def test_analyst_confirms_a_held_listing_then_opens_a_case_on_its_seller(
    page: Any, demo_node: DemoNode
) -> None:
    log_in(page, "analyst@marketplace.example")
    page.get_by_role("link", name="Review", exact=True).click()
    shot(page, "analyst-review-queue")
    page.locator("table tbody tr td a").first.click()
    assert "/review/" in page.url
    listing_id = page.url.rsplit("/", 1)[-1]
    shot(page, "analyst-review-item")
    page.get_by_role("button", name="Counterfeit: block").click()
    assert page.get_by_role("status").inner_text().startswith("Verdict recorded")
    page.goto(f"/listings/{listing_id}")
    assert page.locator("span.status").first.inner_text().strip() == "blocked"
    shot(page, "analyst-listing")
    page.locator("dl.facts a").first.click()
    assert "/sellers/" in page.url
    shot(page, "analyst-seller")
    page.go_back()
    page.get_by_role("link", name="Open a case").click()
    page.get_by_label("Title").fill("Listing with a cloned logo")
    page.get_by_role("button", name="Open the case").click()
    assert page.get_by_role("heading", level=1).inner_text().startswith("CASE-")
    assert page.get_by_text("listing submitted by").first.is_visible()
    shot(page, "analyst-case")


def test_officer_takes_a_detention_to_destruction(page: Any, demo_node: DemoNode) -> None:
    log_in(page, "officer@customs.example")
    page.get_by_role("link", name="Targeting", exact=True).click()
    shot(page, "officer-targeting")
    page.goto(f"/customs/declarations/{demo_node.declaration_id}")
    page.get_by_label("Brand").select_option(demo_node.brand_id)
    page.get_by_role("button", name="Detain").click()
    assert "/customs/detentions/" in page.url
    for step in ("notify", "confirm", "holder_agrees"):
        page.get_by_label("Step").select_option(step)
        page.get_by_role("button", name="Record").click()
        assert not page.locator("p.error").count(), page.locator("p.error").inner_text()
    assert "destruction_agreed" in page.get_by_role("heading", level=1).inner_text()
    shot(page, "officer-detention-agreed")
    page.get_by_role("button", name="Take the goods into custody").click()
    assert "/custody/lots/" in page.url
    page.get_by_label("Contractor").fill("Incinerator SA")
    page.get_by_label("Weight (kg)").fill("12.5")
    page.get_by_label("Certificate (file)").set_input_files(
        files=[{"name": "certificate.pdf", "mimeType": "application/pdf", "buffer": b"%PDF-1.4"}]
    )
    page.get_by_role("button", name="Certify destruction").click()
    assert page.get_by_text("units reconcile").is_visible()
    shot(page, "officer-lot-destroyed")
    page.get_by_role("link", name=re.compile(r"detention #\d+")).click()
    page.get_by_label("Step").select_option("destroy")
    page.get_by_role("button", name="Record").click()
    assert "destroyed" in page.get_by_role("heading", level=1).inner_text()
    shot(page, "officer-detention-destroyed")


def test_investigator_builds_a_case_and_exports_the_dossier(page: Any, demo_node: DemoNode) -> None:
    log_in(page, "investigator@customs.example")
    page.get_by_role("link", name="Sellers", exact=True).click()
    seller_id = page.locator("table tbody tr td a").first.get_attribute("href").split("/")[-1]
    page.get_by_role("link", name="Cases", exact=True).click()
    page.get_by_role("link", name="Open a case").click()
    page.get_by_label("Title").fill("Parcels from one seller")
    page.get_by_label("Started from").select_option("seller")
    page.get_by_label("Its id").fill(seller_id)
    page.get_by_label("Summary").fill("Test purchases and parcels point to one operator.")
    page.get_by_role("button", name="Open the case").click()
    reference = page.get_by_role("heading", level=1).inner_text().split(" ")[0]
    page.get_by_label("Note").fill("Seller ships from two warehouses.")
    page.get_by_role("button", name="Add note").click()
    page.locator("summary", has_text="Add evidence").click()
    page.get_by_label("Kind", exact=True).select_option("test_purchase")
    page.get_by_label("Title", exact=True).fill("Test purchase of one pair")
    page.get_by_label("Order reference (test purchases)").fill("ORD-2025-001")
    page.get_by_label("Or the finding in words").fill("Stitching and box label do not match.")
    page.get_by_role("button", name="Add evidence").click()
    assert page.get_by_role("cell", name="Test purchase of one pair", exact=True).is_visible()
    shot(page, "investigator-case")
    with page.expect_download() as download:
        page.get_by_role("link", name="Export the referral dossier (PDF)").click()
    text = _pdf_text(download.value.path())
    assert f"Referral dossier {reference}" in text and "ORD-2025-001" in text
    assert "Statement" in text and "investigator@customs.example" in text


def _pdf_text(path: Any) -> str:
    with open(path, "rb") as handle:
        reader = PdfReader(io.BytesIO(handle.read()))
    return "\n".join(p.extract_text() for p in reader.pages).replace("\n", " ")
