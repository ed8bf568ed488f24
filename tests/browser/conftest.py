"""Browser tests: a real server on 127.0.0.1 over a small demo world, driven by the system Chromium.

The demo world (scale 0.05) is seeded once per test session with `guetteur demo --no-serve`,
plus a granted application for action so that the officer can take a detention to destruction.
Without Chromium the tests skip with a visible notice, unless GUETTEUR_REQUIRE_BROWSER=1 (CI),
which turns the skip into a failure. No browser is ever downloaded.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.conftest import _notices

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
REQUIRE_BROWSER = os.environ.get("GUETTEUR_REQUIRE_BROWSER") == "1"
SCREENSHOTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"
PASSWORD = "guetteur-demo"
CLI = [sys.executable, "-c", "from guetteur.cli import main; main()"]


def _require_chromium() -> None:
    problem = None
    if not CHROMIUM.exists():
        problem = f"no Chromium at {CHROMIUM} (scripts/test-prerequisites.sh installs it)"
    else:
        try:
            import playwright.sync_api  # noqa: F401
        except ImportError:
            problem = "the playwright package is not installed (pip install -e '.[test]')"
    if problem is None:
        return
    if REQUIRE_BROWSER:
        pytest.fail(f"GUETTEUR_REQUIRE_BROWSER=1 but {problem}")
    _notices.append(f"browser tests SKIPPED: {problem}")
    pytest.skip(problem)


@dataclass
class DemoNode:
    """The running server and what the journeys need from its demo world."""

    url: str
    data_dir: Path
    env: dict[str, str]
    declaration_id: str
    brand_id: str
    brand_manager: str


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _seed_application(env: dict[str, str]) -> tuple[str, str, str]:
    """A granted application for a demo brand owned by a brand organisation, and a declaration
    of that brand's goods to detain (chosen from the inspections of the demo world)."""
    from sqlalchemy import select

    from guetteur.auth.actor import system_actor
    from guetteur.auth.models import User
    from guetteur.config import Settings
    from guetteur.customs.models import Declaration, Inspection
    from guetteur.customs.workdays import member_state_of
    from guetteur.db import make_engine, make_session_factory, transaction
    from guetteur.registry import applications
    from guetteur.registry.models import Brand

    settings = Settings(data_dir=Path(env["GUETTEUR_DATA_DIR"]), environment="development")
    engine = make_engine(settings)
    system = system_actor("browser-test seed")
    with transaction(make_session_factory(engine)) as session:
        owned = select(Brand.id).where(Brand.owner_organisation_id.is_not(None))
        query = (
            select(Inspection, Declaration)
            .join(Declaration, Declaration.id == Inspection.declaration_id)
            .where(Inspection.outcome == "ipr_suspected", Inspection.brand_id.in_(owned))
            .order_by(Declaration.lodged_at.desc(), Declaration.id)
        )
        inspection, declaration = session.execute(query).first()  # type: ignore[misc]
        data = applications.ApplicationCreate(
            brand_id=inspection.brand_id,
            applicant="Demo right holder",
            kind="national",
            member_states=[member_state_of(declaration.office)],
            ip_rights=[{"type": "EU trade mark", "number": "018000001"}],
            product_ids=[],
            authentication_guide="Genuine boxes carry a holographic sticker under the lid.",
            reference_images=[],
            contacts=[{"name": "Legal", "email": "legal@brand.example"}],
            small_consignments=False,
        )
        row = applications.submit(session, actor=system, data=data)
        start = declaration.lodged_at.date() - timedelta(days=30)
        applications.decide(
            session, actor=system, application_id=row.id, grant=True, valid_from=start
        )
        brand = session.get(Brand, inspection.brand_id)
        assert brand is not None
        manager = session.scalars(
            select(User.email).where(
                User.organisation_id == brand.owner_organisation_id, User.role == "brand_manager"
            )
        ).first()
        assert manager is not None
        brand_id, declaration_id = brand.id, declaration.id
    engine.dispose()
    return declaration_id, brand_id, manager


@pytest.fixture(scope="session")
def demo_node(tmp_path_factory: pytest.TempPathFactory) -> Iterator[DemoNode]:
    """`guetteur demo --no-serve` at scale 0.05, then `guetteur serve` on a free local port."""
    _require_chromium()
    data_dir = tmp_path_factory.mktemp("browser") / "guetteur-data"
    env = {
        **os.environ,
        "GUETTEUR_DATA_DIR": str(data_dir),
        "GUETTEUR_DATABASE_URL": f"sqlite:///{data_dir / 'guetteur.db'}",
        "GUETTEUR_ENVIRONMENT": "development",
    }
    seed = [*CLI, "demo", "--scale", "0.05", "--seed", "7", "--no-serve"]
    subprocess.run(seed, env=env, check=True, capture_output=True, timeout=300)
    declaration_id, brand_id, manager = _seed_application(env)
    port = _free_port()
    log = (data_dir / "server.log").open("wb")
    server = subprocess.Popen(
        [*CLI, "serve", "--host", "127.0.0.1", "--port", str(port)],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_for(url, server)
        yield DemoNode(url, data_dir, env, declaration_id, brand_id, manager)
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
        log.close()


def _wait_for(url: str, server: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"the server exited with {server.returncode}")
        try:
            if httpx.get(f"{url}/healthz", timeout=1).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    raise RuntimeError("the server did not answer within 60 s")


@pytest.fixture(scope="module")
def browser(demo_node: DemoNode) -> Iterator[Any]:
    """The system Chromium, headless.

    Module-scoped: Playwright's sync API keeps an event loop running while it is open, which
    would break tests of other modules that the same worker runs afterwards (asyncio.run)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True
        )
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser: Any, demo_node: DemoNode) -> Iterator[Any]:
    """A fresh browser context (no cookies) on a laptop-sized screen."""
    context = browser.new_context(
        viewport={"width": 1366, "height": 800}, base_url=demo_node.url, accept_downloads=True
    )
    context.set_default_timeout(15_000)
    tab = context.new_page()
    yield tab
    context.close()


def log_in(page: Any, email: str) -> None:
    """Log in through the form, with the keyboard only."""
    page.goto("/login")
    page.keyboard.press("Tab")
    page.get_by_label("E-mail").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_label("Password").press("Enter")
    page.wait_for_url("**/")


def shot(page: Any, name: str) -> Path:
    """A full-page screenshot under test-artifacts/screenshots/."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.wait_for_load_state("networkidle")  # pictures and charts fully loaded
    page.screenshot(path=str(path), full_page=True)
    return path
